"""The argument checks of MMCV 1.7.2's updater-hook constructors, as ConfigErrors.

Each check names the MMCV failure it stands for, so a user reading the error knows the legacy
config could not have run either. Checks of a kind the engine's schedulers make too (numbers,
fractions, annealing strategies, restart periods) are the shared ones of
:mod:`engine.schedulers.checks`, reporting through :func:`legacy_failure`; what is left here is
MMCV's own rules (its asserts on ``step``, ``target_ratio``, the min/ratio pair, ...).
"""
from __future__ import annotations

import numbers
from typing import Any, Dict, Optional

from engine.errors import ConfigError
from engine.schedulers.checks import (Fail, check_anneal_strategy, check_fraction, check_number,
                                      check_restart_periods, is_number)

from compat.schedules.policies import PolicySpec


def fail(kind: Optional[str], key: str, message: str, fix: str,
         source: Optional[str]) -> ConfigError:
    """A ConfigError for ``<kind>_config.<key>`` (or the bare ``key`` when ``kind`` is None)."""
    return ConfigError(message, file=source, key=f'{kind}_config.{key}' if kind else key, fix=fix)


def legacy_failure(kind: str, source: Optional[str]) -> Fail:
    """The shared checks' ``fail`` for ``<kind>_config.<arg>`` of a legacy file."""
    def make(arg: str, message: str, fix: Optional[str] = None) -> ConfigError:
        return fail(kind, arg, f'{arg} {message}', fix or f'correct {arg}', source)
    return make


def check_policy_args(spec: PolicySpec, params: Dict[str, Any], kind: str,
                      source: Optional[str]) -> Dict[str, Any]:
    """Check ``params`` as the hook constructor would; returns them normalized."""
    if spec.min_pair is not None:
        _check_min_pair(spec, params, kind, source)
    check = _CHECKS.get(spec.name)
    if check is not None:
        check(params, kind, source)
    return params


def _check_min_pair(spec: PolicySpec, params: Dict[str, Any], kind: str,
                    source: Optional[str]) -> None:
    value_key, ratio_key = spec.min_pair
    value, ratio = params[value_key], params[ratio_key]
    if (value is None) == (ratio is None):
        what = 'both' if value is not None else 'neither'
        raise fail(kind, ratio_key if value is not None else value_key,
                   f"policy '{spec.name}' needs exactly one of {value_key} and {ratio_key}, "
                   f'{what} given (MMCV asserts (min is None) ^ (ratio is None))',
                   f'keep only {value_key}=... (an absolute value) or only {ratio_key}=... '
                   '(a fraction of the base value)', source)
    _check_numbers(params, kind, source, value_key, ratio_key)


def _check_step(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    step = params['step']
    if isinstance(step, list):
        if not all(isinstance(s, int) and not isinstance(s, bool) for s in step):
            raise fail(kind, 'step', f'step must be a list of ints, got {step!r} (MMCV asserts '
                       'is_list_of(step, int))', 'write the decay points as integers, e.g. '
                       'step=[8, 11]', source)
        if not all(s > 0 for s in step):
            raise fail(kind, 'step', f'every step must be > 0, got {step!r} (MMCV asserts it)',
                       'remove the non-positive entries', source)
    elif isinstance(step, int) and not isinstance(step, bool):
        if step <= 0:
            raise fail(kind, 'step', f'step must be > 0, got {step!r} (MMCV asserts it)',
                       'give the decay interval as a positive int', source)
    else:
        raise fail(kind, 'step', f'step must be an int or a list of ints, got {step!r} '
                   '(MMCV raises TypeError; a tuple is not accepted)',
                   f'write step={list(step) if isinstance(step, tuple) else [8, 11]}', source)
    _check_numbers(params, kind, source, 'gamma', 'min_lr', 'min_momentum')


def _check_numbers(params: Dict[str, Any], kind: str, source: Optional[str], *keys: str) -> None:
    for key in keys:
        if params.get(key) is not None:
            check_number(legacy_failure(kind, source), key, params[key], f'write {key}=<number>')


def _check_gamma_power(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    _check_numbers(params, kind, source, 'gamma', 'power', 'min_lr')


def _check_flat_cosine(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    check_fraction(legacy_failure(kind, source), 'start_percent', params['start_percent'],
                   'write e.g. start_percent=0.75 (MMCV raises ValueError otherwise; an int '
                   'such as 1 is rejected too)')


def _check_cosine_restart(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    periods, weights = params['periods'], params['restart_weights']
    if not isinstance(periods, (list, tuple)) or not all(
            isinstance(p, int) and not isinstance(p, bool) for p in periods):
        raise fail(kind, 'periods', f'periods must be a list of ints, got {periods!r}',
                   'write e.g. periods=[10, 20]', source)
    check_restart_periods(legacy_failure(kind, source), periods, weights,
                          fix=f'write restart_weights={[1] * len(periods)} or one weight per '
                          'period (MMCV asserts equal lengths)')


def _check_strategy(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    check_anneal_strategy(legacy_failure(kind, source), 'anneal_strategy',
                          params['anneal_strategy'], "use anneal_strategy='cos' or 'linear' "
                          '(MMCV raises ValueError otherwise)')


def _check_pct_start(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    check_fraction(legacy_failure(kind, source), 'pct_start', params['pct_start'],
                   'write e.g. pct_start=0.3 (MMCV raises ValueError otherwise; an int is '
                   'rejected too)')


def _check_cyclic(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    ratio = params['target_ratio']
    if isinstance(ratio, float):
        ratio = (ratio, ratio / 1e5)
    elif isinstance(ratio, tuple):
        ratio = (ratio[0], ratio[0] / 1e5) if len(ratio) == 1 else ratio
    else:
        fix = (f'write target_ratio={tuple(ratio)!r} (a tuple)' if isinstance(ratio, list)
               else 'write a float or a tuple of two floats, e.g. target_ratio=(10, 1e-4)')
        raise fail(kind, 'target_ratio', f'target_ratio must be a float or a tuple, got '
                   f'{type(ratio).__name__} {ratio!r} (MMCV raises ValueError)', fix, source)
    if len(ratio) != 2 or not all(is_number(r) for r in ratio):
        raise fail(kind, 'target_ratio', f'target_ratio must hold two numbers, got {ratio!r} '
                   '(MMCV asserts it)', 'write e.g. target_ratio=(10, 1e-4)', source)
    params['target_ratio'] = tuple(ratio)
    up = params['step_ratio_up']
    if not is_number(up) or not 0 <= up < 1:
        raise fail(kind, 'step_ratio_up', f'step_ratio_up must be in [0, 1), got {up!r} (MMCV '
                   'asserts it)', 'write e.g. step_ratio_up=0.4', source)
    gamma = params['gamma']
    if not is_number(gamma) or (kind == 'lr' and not 0 < gamma <= 1):
        raise fail(kind, 'gamma', f'gamma must be in (0, 1], got {gamma!r} (MMCV asserts it)',
                   'write e.g. gamma=1 (no decay between cycles)', source)
    times = params['cyclic_times']
    if not is_number(times) or times <= 0:
        raise fail(kind, 'cyclic_times', f'cyclic_times must be a positive number, got '
                   f'{times!r} (MMCV divides max_iters by it)', 'write e.g. cyclic_times=1',
                   source)
    _check_strategy(params, kind, source)


def _check_one_cycle_lr(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    max_lr = params['max_lr']
    if isinstance(max_lr, bool) or not isinstance(max_lr, (numbers.Number, list, tuple, dict)):
        raise fail(kind, 'max_lr', f'max_lr must be a number, a list (one per param group) or a '
                   f'dict (one per optimizer), got {max_lr!r} (MMCV raises ValueError)',
                   'write e.g. max_lr=0.01', source)
    if isinstance(max_lr, tuple):   # MMCV's isinstance check rejects tuples
        raise fail(kind, 'max_lr', f'max_lr must be a number, list or dict, got a tuple '
                   f'{max_lr!r} (MMCV raises ValueError)', f'write max_lr={list(max_lr)!r}', source)
    steps = params['total_steps']
    if steps is not None and (not isinstance(steps, int) or isinstance(steps, bool)):
        raise fail(kind, 'total_steps', f'total_steps must be an int, got {steps!r} (MMCV '
                   'raises ValueError)',
                   f'write total_steps={int(steps) if is_number(steps) else 1000}', source)
    _check_pct_start(params, kind, source)
    _check_strategy(params, kind, source)
    _check_numbers(params, kind, source, 'div_factor', 'final_div_factor')


def _check_one_cycle_momentum(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    for key in ('base_momentum', 'max_momentum'):
        value = params[key]
        if not isinstance(value, (float, list, dict)):
            raise fail(kind, key, f'{key} must be a float, a list (one per param group) or a '
                       f'dict, got {value!r} (MMCV raises ValueError; an int such as 1 is '
                       'rejected too)', f'write e.g. {key}=0.9', source)
    _check_pct_start(params, kind, source)
    _check_strategy(params, kind, source)


_CHECKS = {
    'step': _check_step,
    'exp': _check_gamma_power,
    'poly': _check_gamma_power,
    'inv': _check_gamma_power,
    'FlatCosineAnnealing': _check_flat_cosine,
    'CosineRestart': _check_cosine_restart,
    'cyclic': _check_cyclic,
}


def _check_one_cycle(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    if kind == 'lr':
        _check_one_cycle_lr(params, kind, source)
    else:
        _check_one_cycle_momentum(params, kind, source)


_CHECKS['OneCycle'] = _check_one_cycle


# -- downstream policies (compat/schedules/downstream.py) ------------------------------------
def _check_cooldown(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    _check_numbers(params, kind, source, 'cool_down_ratio', 'cool_down_time')


def _check_yolox(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    last = params['num_last_epochs']
    if not isinstance(last, int) or isinstance(last, bool) or last < 0:
        raise fail(kind, 'num_last_epochs', f'num_last_epochs must be an int >= 0, got '
                   f'{last!r} (YOLOXLrUpdaterHook multiplies the dataloader length by it)',
                   'write e.g. num_last_epochs=15', source)


_SIAMESE_PHASE_KEYS = ('type', 'start_lr_factor', 'end_lr_factor', 'end_epoch', 'start_epoch')


def _check_siamese_rpn(params: Dict[str, Any], kind: str, source: Optional[str]) -> None:
    phases = params['lr_configs']
    example = ("write e.g. lr_configs=[dict(type='step', start_lr_factor=0.2, "
               "end_lr_factor=1.0, end_epoch=5), dict(type='log', start_lr_factor=1.0, "
               "end_lr_factor=0.1, end_epoch=20)]")
    if not isinstance(phases, (list, tuple)) or not phases or \
            not all(isinstance(p, dict) for p in phases):
        raise fail(kind, 'lr_configs', f'lr_configs must be a non-empty list of dicts, got '
                   f'{phases!r}', example, source)
    start = 0
    for i, phase in enumerate(phases):
        key = f'lr_configs[{i}]'
        unknown = sorted(set(phase) - set(_SIAMESE_PHASE_KEYS))
        missing = [k for k in _SIAMESE_PHASE_KEYS[:4] if k not in phase]
        if unknown or missing:
            what = f'takes no {unknown}' if unknown else f'needs {missing}'
            raise fail(kind, key, f'a SiameseRPN phase {what} (MMTracking raises '
                       'TypeError/KeyError)', example, source)
        if phase['type'] not in ('step', 'log'):
            raise fail(kind, f'{key}.type', f"phase type must be 'step' or 'log', got "
                       f"{phase['type']!r} (MMTracking raises KeyError)", example, source)
        for name in ('start_lr_factor', 'end_lr_factor'):
            value = phase[name]
            if not is_number(value) or value <= 0:
                raise fail(kind, f'{key}.{name}', f'{name} must be a positive number, got '
                           f'{value!r} (MMTracking takes its logarithm or divides by it)',
                           example, source)
        end = phase['end_epoch']
        least = start + 1 if phase['type'] == 'step' else start
        if not isinstance(end, int) or isinstance(end, bool) or end < least:
            raise fail(kind, f'{key}.end_epoch', f'end_epoch must be an int >= {least} (this '
                       f'phase starts at epoch {start}), got {end!r}',
                       'make every phase end after the previous one', source)
        start = end
    params['lr_configs'] = tuple({k: v for k, v in phase.items() if k != 'start_epoch'}
                                 for phase in phases)


_CHECKS.update({'CosineAnnealingCooldown': _check_cooldown, 'YOLOX': _check_yolox,
                'SiameseRPN': _check_siamese_rpn})
