"""``lr_config`` / ``momentum_config`` whose ``policy`` is a project's own updater hook (used
by MIG100/MIG101).

MMCV built ``<P>LrUpdaterHook(**rest)`` from ``lr_config = dict(policy='<P>', **rest)``;
``migrate convert`` ports that class (HK007) to the parameter scheduler ``<P>LR``
(``<P>Momentum``). The config becomes the warmup schedulers MMCV's base arguments describe
(the same forms as for MMCV's own policies: they are factors, and the ported class swaps its
value in as a factor, so they compose as MMCV's warmup did) followed by
``dict(type='<P>LR', **own arguments)``, with ``by_epoch`` only if the legacy hook received it
(IterBasedRunner set ``by_epoch=False`` for lr) and no ``end``: the runner's default ``end``
(``max_epochs`` / ``max_iters``) is the run length the ported class reads as ``self.end``.
The finding names the class and says the config must import the converted module.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from migrate.rules.base import APPROXIMATION, MANUAL, NOTE, Plan, Rule

_WARMUP_KINDS = ('constant', 'linear', 'exp')


def _base_args(kind: str) -> Dict[str, Any]:
    from compat.schedules.policies import LR_BASE_ARGS, MOMENTUM_BASE_ARGS
    return dict(LR_BASE_ARGS if kind == 'lr' else MOMENTUM_BASE_ARGS)


def _invalid_warmup(base: Dict[str, Any]) -> Optional[str]:
    """Why MMCV's base hook would refuse these warmup arguments, or None."""
    warmup, iters, ratio = base['warmup'], base['warmup_iters'], base['warmup_ratio']
    if warmup is None:
        return None
    if warmup not in _WARMUP_KINDS:
        return f'warmup {warmup!r} is not one of constant, linear, exp (MMCV raises ValueError)'
    if not isinstance(iters, int) or isinstance(iters, bool) or iters <= 0:
        return f'warmup_iters must be a positive int, got {iters!r} (MMCV asserts it)'
    if not isinstance(ratio, (int, float)) or isinstance(ratio, bool) or not 0 < ratio <= 1:
        return f'warmup_ratio must be in (0, 1], got {ratio!r} (MMCV asserts it)'
    return None


def map_custom_policy(rule: Rule, plan: Plan, key: str, cfg: Dict[str, Any]) -> None:
    """Write ``key`` (a custom policy's config) into ``param_scheduler``, or keep it as
    written (marked) where that cannot be done: an unmodelled runner, a warmup MMCV refuses."""
    from migrate.rules._schedule import keep_as_written
    from compat.schedules.policies import hook_class_prefix
    from compat.schedules.schedule import LrSchedule, MomentumSchedule
    from migrate.tables import policy_scheduler_name
    from migrate.schedule_map.context import Context
    from migrate.schedule_map.warmup import map_lr_warmup, map_momentum_warmup

    kind = key.split('_')[0]
    what = 'Lr' if kind == 'lr' else 'Momentum'
    args = dict(cfg)
    args.pop('type', None)   # MMCV overwrote it with the policy's class
    policy = args.pop('policy')
    hook = f'{hook_class_prefix(policy)}{what}UpdaterHook'
    scheduler = policy_scheduler_name(policy, kind)
    facts = plan.facts
    runner_type = facts.get('runner_type')
    if kind == 'lr' and runner_type == 'IterBasedRunner':
        args.setdefault('by_epoch', False)
    base = _base_args(kind)
    given = {name: args.pop(name) for name in list(base) if name in args}
    base.update(given)
    why = _invalid_warmup(base)
    if why is not None:
        keep_as_written(rule, plan, key, f'{key} left as written: {why}', 'invalid-warmup')
        return
    if runner_type is None:
        # a base file, or a file converted before: the configs that set the runner write it
        keep_as_written(rule, plan, key, f'{key} left as written: policy {policy!r} is the '
                        f"project's own {hook}, which HK007 ports to {scheduler}; no runner in "
                        'this file or its bases gives its timeline, the configs that set one '
                        f"write param_scheduler=[..., dict(type='{scheduler}', ...)]",
                        'custom-policy-no-runner')
        return
    unmodelled = facts.get('runner_unmodelled')
    if unmodelled is not None or runner_type not in ('EpochBasedRunner', 'IterBasedRunner'):
        keep_as_written(rule, plan, key, f'{key} left as written: policy {policy!r} is the '
                        f"project's own {hook} (HK007 ports it to {scheduler}), but it runs on "
                        f'the runner type {unmodelled or runner_type!r}, whose timeline nobody '
                        'models; convert the runner first', 'unknown-runner')
        return
    plan.consume(key)
    if runner_type == 'IterBasedRunner' and base['by_epoch']:
        rule.report(plan, NOTE, key, f'{key} with by_epoch=True under IterBasedRunner never '
                    f'changed the {kind} in MMCV 1.7.2 (before_train_epoch never runs there): '
                    'nothing is written for it', kind='no-op-in-mmcv')
        return
    schedule_cls = LrSchedule if kind == 'lr' else MomentumSchedule
    legacy = schedule_cls(policy=policy, by_epoch=bool(base['by_epoch']), params=args,
                          warmup=base['warmup'], warmup_iters=base['warmup_iters'],
                          warmup_ratio=base['warmup_ratio'],
                          warmup_by_epoch=bool(base.get('warmup_by_epoch', False)),
                          source=plan.source)
    ctx = Context(target=plan.target, runner_type=runner_type,
                  max_epochs=facts.get('max_epochs'), max_iters=facts.get('max_iters'),
                  epoch_len=plan.epoch_len, base_lr=0.1, base_momentum=0.9,
                  optimizer_type='SGD')
    warm = (map_lr_warmup if kind == 'lr' else map_momentum_warmup)(legacy, ctx)
    main: Dict[str, Any] = {'type': scheduler, **args}
    if 'by_epoch' in given:
        main['by_epoch'] = given['by_epoch']
    current = plan.values.get('param_scheduler') if facts.get('schedulers_written') else None
    schedulers = list(current) if isinstance(current, list) else []
    facts['schedulers_written'] = True
    offset = len(schedulers)
    schedulers.extend(warm.entries + [main])
    plan.set(('param_scheduler',), schedulers)
    for pending in warm.pending:
        if pending.rounding_only:   # its form's note says so; MIG100 reports it alike
            continue
        path = ('param_scheduler', offset + pending.entry) if pending.entry is not None \
            else ('param_scheduler',)
        rule.report(plan, APPROXIMATION, key,
                    pending.message, kind=pending.kind, path=path)
    for note in warm.notes:
        index = note.scheduler_index
        rule.report(plan, NOTE, key, note.message, kind=note.kind,
                    path=('param_scheduler', offset + index) if index is not None else None)
    imports = plan.legacy.get('custom_imports')
    rule.report(plan, NOTE if imports else MANUAL, key,
                f"policy {policy!r} is the project's own {hook}: written as {scheduler}, the "
                'scheduler HK007 ports that class to (the same value at every step'
                f'{", its warmup as the entries before it" if warm.entries else ""}); the '
                f'converted module that defines {scheduler} must be imported where the hook '
                f'module was (custom_imports{" lists modules: keep it there" if imports else ""}'
                f'); if HK007 left {hook} marked, write {scheduler} by hand',
                kind='custom-policy', path=('param_scheduler', len(schedulers) - 1),
                marked=True)
