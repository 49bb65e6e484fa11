"""``lr_config`` / ``momentum_config`` -> :class:`LrSchedule` / :class:`MomentumSchedule`.

Applies what MMCV 1.7.2 does before the first iteration: the policy-name rule, every default,
IterBasedRunner's ``setdefault('by_epoch', False)`` (lr only), and every check the hook
constructors make. Where MMCV would fail (an assertion, a KeyError from the registry, a
TypeError for an unknown argument) we raise :class:`engine.errors.ConfigError` naming the key,
the file and the fix instead.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Dict, Optional, Type

from engine.schedulers.closed_form import WARMUP_KINDS
from engine.suggest import close_names

from compat.schedules.checks import check_policy_args, fail
from compat.schedules.policies import (LR_BASE_ARGS, LR_POLICIES, MOMENTUM_BASE_ARGS,
                                       MOMENTUM_POLICIES, REQUIRED, PolicySpec, lookup_policy)
from compat.schedules.schedule import LegacySchedule, LrSchedule, MomentumSchedule

RUNNER_TYPES = ('EpochBasedRunner', 'IterBasedRunner')


def parse_lr_config(lr_config: Optional[Mapping], *, runner_type: str = 'EpochBasedRunner',
                    source: Optional[str] = None) -> Optional[LrSchedule]:
    """Normalize an ``lr_config``; None means no lr hook.

    >>> s = parse_lr_config(dict(policy='step', step=[8, 11], warmup='linear', warmup_iters=500))
    >>> s.policy, s.by_epoch, s.params, s.warmup_ratio
    ('step', True, {'step': [8, 11], 'gamma': 0.1, 'min_lr': None}, 0.1)
    >>> parse_lr_config(dict(policy='poly'), runner_type='IterBasedRunner').by_epoch
    False
    """
    return _parse(lr_config, 'lr', LR_POLICIES, LR_BASE_ARGS, LrSchedule, runner_type, source)


def parse_momentum_config(momentum_config: Optional[Mapping], *,
                          runner_type: str = 'EpochBasedRunner',
                          source: Optional[str] = None) -> Optional[MomentumSchedule]:
    """Normalize a ``momentum_config``; None means no momentum hook.

    IterBasedRunner does *not* default ``by_epoch`` to False here (MMCV only does it for
    ``lr_config``), so a by-epoch momentum policy never changes the momentum under it.

    >>> s = parse_momentum_config(dict(policy='step', step=2), runner_type='IterBasedRunner')
    >>> s.by_epoch, s.params['gamma'], s.warmup_ratio
    (True, 0.5, 0.9)
    """
    return _parse(momentum_config, 'momentum', MOMENTUM_POLICIES, MOMENTUM_BASE_ARGS,
                  MomentumSchedule, runner_type, source)


def unmodelled_policy(cfg: Any, kind: str) -> Optional[str]:
    """The ``policy`` of an ``lr_config`` / ``momentum_config`` that neither MMCV 1.7.2 nor a
    modelled downstream codebase registers (a custom hook), else None. A known policy spelled
    in the wrong case is not one: MMCV itself fails on it, and parsing says so.

    >>> unmodelled_policy(dict(policy='MyWarmRestart'), 'lr'), unmodelled_policy(dict(policy='step'), 'lr')
    ('MyWarmRestart', None)
    """
    table = LR_POLICIES if kind == 'lr' else MOMENTUM_POLICIES
    policy = cfg.get('policy') if isinstance(cfg, Mapping) else None
    if not isinstance(policy, str) or lookup_policy(policy, table) is not None:
        return None
    if _fold(policy) in {_fold(name) for name in table}:
        return None
    return policy


def check_runner_type(runner_type: str, source: Optional[str] = None) -> None:
    """The runner types whose timeline is modelled; anything else is a ConfigError."""
    if runner_type not in RUNNER_TYPES:
        close = close_names(runner_type, RUNNER_TYPES, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ''
        raise fail(None, 'runner.type', f'runner type {runner_type!r} is not supported here',
                   f'{hint}use one of {", ".join(RUNNER_TYPES)}', source)


def _parse(cfg: Optional[Mapping], kind: str, table: Dict[str, PolicySpec],
           base_args: Dict[str, Any], schedule_cls: Type[LegacySchedule], runner_type: str,
           source: Optional[str]) -> Optional[LegacySchedule]:
    check_runner_type(runner_type, source)
    if cfg is None:
        return None
    section = f'{kind}_config'
    if not isinstance(cfg, Mapping):
        raise fail(None, section, f'{section} is a {type(cfg).__name__}, not a dict',
                   f'write {section} = dict(policy=..., ...) (or None for no {kind} hook)',
                   source)
    cfg = dict(cfg)
    cfg.pop('type', None)   # register_{lr,momentum}_hook overwrites it with the policy's class
    spec = _policy_spec(cfg, kind, table, source)
    cfg.pop('policy')
    if kind == 'lr' and runner_type == 'IterBasedRunner':
        cfg.setdefault('by_epoch', False)
    _check_unknown_keys(cfg, kind, spec, base_args, source)
    for name, default in spec.args.items():
        if default is REQUIRED and name not in cfg:
            raise fail(kind, name, f"policy '{spec.name}' needs '{name}' (MMCV raises "
                       f'TypeError: missing required argument)',
                       f"add {name}=... to {section}", source)
    params = {name: cfg.get(name, default) for name, default in spec.args.items()}
    base = {name: cfg.get(name, default) for name, default in base_args.items()}
    if spec.iter_only and 'by_epoch' not in cfg:
        base['by_epoch'] = False
    _check_base_args(base, kind, spec, runner_type, source)
    params = check_policy_args(spec, params, kind, source)
    return schedule_cls(policy=spec.name, by_epoch=bool(base['by_epoch']), params=params,
                        warmup=base['warmup'], warmup_iters=base['warmup_iters'],
                        warmup_ratio=base['warmup_ratio'],
                        warmup_by_epoch=bool(base.get('warmup_by_epoch', False)), source=source)


def _policy_spec(cfg: Dict[str, Any], kind: str, table: Dict[str, PolicySpec],
                 source: Optional[str]) -> PolicySpec:
    section = f'{kind}_config'
    suffix = 'LrUpdaterHook' if kind == 'lr' else 'MomentumUpdaterHook'
    names = ', '.join(repr(name) for name in table)
    if 'policy' not in cfg:
        raise fail(kind, 'policy', f'{section} has no policy (MMCV asserts it)',
                   f"add policy=... to {section}, one of {names}", source)
    policy = cfg['policy']
    if not isinstance(policy, str):
        raise fail(kind, 'policy', f'policy must be a string, got {policy!r}',
                   f'use one of {names}', source)
    spec = lookup_policy(policy, table)
    if spec is not None:
        return spec
    missing_class = f"{policy.title() if policy == policy.lower() else policy}{suffix}"
    folded = {_fold(name): name for name in table}
    if _fold(policy) in folded:
        right = folded[_fold(policy)]
        raise fail(kind, 'policy', f"policy {policy!r} is not recognised: MMCV 1.7.2 keeps "
                   f"a name with capitals and title-cases an all-lowercase one, so it looks "
                   f"up '{missing_class}', which is not registered (KeyError)",
                   f"write policy='{right}' (multi-word policies must be CamelCase)", source)
    close = close_names(policy, list(table), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ''
    raise fail(kind, 'policy', f"unknown {kind} policy {policy!r}: MMCV 1.7.2 has no "
               f"'{missing_class}' (KeyError unless a downstream codebase registers it; "
               'such policies are not modelled here)', f'{hint}valid policies: {names}', source)


def _fold(name: str) -> str:
    return name.lower().replace('_', '').replace('-', '')


def _check_unknown_keys(cfg: Dict[str, Any], kind: str, spec: PolicySpec,
                        base_args: Dict[str, Any], source: Optional[str]) -> None:
    allowed = list(base_args) + list(spec.args)
    for name in cfg:
        if name in allowed:
            continue
        if kind == 'momentum' and name == 'warmup_by_epoch':
            raise fail(kind, name, 'MMCV 1.7.2 momentum hooks have no warmup_by_epoch '
                       '(TypeError: unexpected keyword argument)',
                       'give warmup_iters in iterations (epochs * iterations per epoch) and '
                       'remove warmup_by_epoch', source)
        close = close_names(name, allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ''
        raise fail(kind, name, f"policy '{spec.name}' takes no argument {name!r} (MMCV raises "
                   f'TypeError: unexpected keyword argument)',
                   f'{hint}valid keys: {", ".join(["policy"] + allowed)}', source)


def _check_base_args(base: Dict[str, Any], kind: str, spec: PolicySpec, runner_type: str,
                     source: Optional[str]) -> None:
    warmup, iters, ratio = base['warmup'], base['warmup_iters'], base['warmup_ratio']
    if spec.iter_only and base['by_epoch']:
        raise fail(kind, 'by_epoch', f"policy '{spec.name}' only supports by_epoch=False "
                   '(MMCV asserts it)', 'remove by_epoch or set it to False', source)
    if spec.epoch_only and not base['by_epoch']:
        why = (' (IterBasedRunner defaults it to False)' if runner_type == 'IterBasedRunner'
               else '')
        raise fail(kind, 'by_epoch', f"policy '{spec.name}' ({spec.origin}) only supports "
                   f'by_epoch=True{why}: its hook asserts it',
                   'remove by_epoch=False and train with an EpochBasedRunner', source)
    if warmup is not None and warmup not in WARMUP_KINDS:
        raise fail(kind, 'warmup', f'warmup {warmup!r} is not supported (MMCV raises '
                   'ValueError)', "use None, 'constant', 'linear' or 'exp'", source)
    if kind == 'lr' and (not isinstance(iters, int) or isinstance(iters, bool)):
        raise fail(kind, 'warmup_iters', f'warmup_iters must be an int, got {iters!r} (MMCV '
                   'asserts isinstance(warmup_iters, int) at every iteration)',
                   f'write warmup_iters={int(iters) if _is_number(iters) else 500}', source)
    if base.get('warmup_by_epoch') and runner_type == 'IterBasedRunner':
        raise fail(kind, 'warmup_by_epoch', 'warmup_by_epoch=True cannot work under '
                   'IterBasedRunner: before_train_epoch never runs, so warmup_iters stays '
                   'None and MMCV fails its assertion at the first iteration',
                   'give warmup_iters in iterations and remove warmup_by_epoch', source)
    if warmup is None:
        return
    if not _is_number(iters) or iters <= 0:
        raise fail(kind, 'warmup_iters', f'warmup_iters must be a positive integer with '
                   f'warmup={warmup!r}, got {iters!r} (MMCV asserts it)',
                   'set warmup_iters > 0 or remove the warmup', source)
    if not _is_number(ratio) or not 0 < ratio <= 1.0:
        raise fail(kind, 'warmup_ratio', f'warmup_ratio must be in (0, 1], got {ratio!r} '
                   '(MMCV asserts it)', 'use e.g. warmup_ratio=0.001', source)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
