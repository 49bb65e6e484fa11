"""The regular value (before any warmup) of a parsed schedule, as MMCV's ``get_lr`` /
``get_momentum`` computes it for one param group at one runner position.

:func:`regular_function` does once what the hooks do in ``before_run`` (cyclic phases,
OneCycle's per-group anchors and ``total_steps`` check) and returns
``f(group, base, epoch, cur_iter) -> value``.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, List, Optional

from engine.schedulers.closed_form import (annealing_cos, annealing_linear, annealing_target,
                                           clipped_step_value, cosine_restart_peak_value,
                                           cyclic_phases, cyclic_value, exponential_value,
                                           flat_cosine_value, inv_value, poly_value)

from compat.schedules.checks import fail
from compat.schedules.downstream import DOWNSTREAM_POLICIES, downstream_regular
from compat.schedules.one_cycle import one_cycle_lr_value, one_cycle_momentum_value
from compat.schedules.schedule import LegacySchedule

RegularFn = Callable[[int, float, int, int], float]   # (group, base, epoch, cur_iter) -> value


def regular_function(schedule: LegacySchedule, *, max_epochs: Optional[int], max_iters: int,
                     num_groups: int, optimizer_type: Optional[str] = None,
                     epoch_len: Optional[int] = None) -> RegularFn:
    """``f(group, base, epoch, cur_iter)``: the schedule's regular value.

    ``max_iters`` is the runner's (``max_epochs * epoch_len`` for EpochBasedRunner);
    ``epoch_len`` (the dataloader length) is read by some downstream policies only.

    >>> from compat.schedules.parse import parse_lr_config
    >>> f = regular_function(parse_lr_config(dict(policy='step', step=2)), max_epochs=6,
    ...                      max_iters=60, num_groups=1)
    >>> f(0, 0.1, 4, 45)     # epoch 4: two decays
    0.0010000000000000002
    """
    p = schedule.params
    by_epoch = schedule.by_epoch
    max_progress = max_epochs if by_epoch else max_iters
    min_key = 'min_lr' if schedule.kind == 'lr' else 'min_momentum'
    name = schedule.policy

    def progress(epoch: int, cur_iter: int) -> int:
        return epoch if by_epoch else cur_iter

    min_value, min_ratio = p.get(min_key), p.get(min_key + '_ratio')
    targets: dict = {}

    def target(base: float) -> float:
        # once per base value: a replay asks this every iteration
        if base not in targets:
            targets[base] = annealing_target(base, min_value, min_ratio)
        return targets[base]

    # MMCV's policies are the shared closed forms with the runner's progress (epoch or
    # iteration) as the step; the lambdas spell the progress out because they run every
    # iteration of a replay.
    if name in DOWNSTREAM_POLICIES:
        return downstream_regular(schedule, max_epochs=max_epochs, max_iters=max_iters,
                                  epoch_len=epoch_len)
    if name == 'fixed':
        return lambda g, base, epoch, it: base
    if name == 'step':
        return lambda g, base, epoch, it: clipped_step_value(
            base, p['gamma'], (epoch if by_epoch else it), p['step'], p[min_key])
    if name == 'exp':
        return lambda g, base, epoch, it: exponential_value(
            base, p['gamma'], (epoch if by_epoch else it))
    if name == 'poly':
        return lambda g, base, epoch, it: poly_value(
            base, p['min_lr'], p['power'], (epoch if by_epoch else it), max_progress)
    if name == 'inv':
        return lambda g, base, epoch, it: inv_value(
            base, p['gamma'], p['power'], (epoch if by_epoch else it))
    if name == 'CosineAnnealing':
        return lambda g, base, epoch, it: annealing_cos(
            base, target(base), (epoch if by_epoch else it) / max_progress)
    if name == 'FlatCosineAnnealing':
        return lambda g, base, epoch, it: flat_cosine_value(
            base, target(base), (epoch if by_epoch else it), max_progress, p['start_percent'])
    if name == 'LinearAnnealing':
        return lambda g, base, epoch, it: annealing_linear(
            base, target(base), (epoch if by_epoch else it) / max_progress)
    if name == 'CosineRestart':
        return _cosine_restart(schedule, target, progress)
    if name == 'cyclic':
        return _cyclic(schedule, max_iters)
    if name == 'OneCycle' and schedule.kind == 'lr':
        return _one_cycle_lr(schedule, max_iters, num_groups, optimizer_type)
    if name == 'OneCycle':
        return _one_cycle_momentum(schedule, max_iters, num_groups, optimizer_type)
    raise ValueError(f'no value function for policy {name!r}')


def _cosine_restart(schedule: LegacySchedule, target, progress) -> RegularFn:
    p = schedule.params
    total = sum(p['periods'])

    def value(g: int, base: float, epoch: int, it: int) -> float:
        where = progress(epoch, it)
        if where >= total:
            unit = 'epoch' if schedule.by_epoch else 'iteration'
            raise fail(schedule.kind, 'periods', f'CosineRestart periods {list(p["periods"])} '
                       f'end at {unit} {total}, but training reaches {unit} {where} (MMCV '
                       'raises ValueError there)', f'make sum(periods) at least {where + 1}',
                       schedule.source)
        return cosine_restart_peak_value(base, target(base), where, p['periods'],
                                         p['restart_weights'])
    return value


def _cyclic(schedule: LegacySchedule, max_iters: int) -> RegularFn:
    p = schedule.params
    period, up = cyclic_phases(max_iters, p['cyclic_times'], p['step_ratio_up'])
    if period == 0:
        raise fail(schedule.kind, 'cyclic_times', f'cyclic_times={p["cyclic_times"]} leaves no '
                   f'iteration per cycle with max_iters={max_iters} (MMCV divides by zero)',
                   f'use cyclic_times <= {max_iters}', schedule.source)
    return lambda g, base, epoch, it: cyclic_value(base, it, period, up, p['target_ratio'],
                                                   p['gamma'], p['anneal_strategy'])


def _one_cycle_lr(schedule: LegacySchedule, max_iters: int, num_groups: int,
                  optimizer_type: Optional[str]) -> RegularFn:
    p = schedule.params
    total_steps = max_iters if p['total_steps'] is None else p['total_steps']
    if total_steps < max_iters:
        raise fail('lr', 'total_steps', f'total_steps={total_steps} is below the runner\'s '
                   f'max_iters={max_iters} (MMCV raises ValueError in before_run)',
                   f'set total_steps >= {max_iters} or remove it', schedule.source)
    max_lrs = per_group(schedule, 'max_lr', num_groups, optimizer_type)
    return lambda g, base, epoch, it: one_cycle_lr_value(
        max_lrs[g], it, total_steps, p['pct_start'], p['div_factor'], p['final_div_factor'],
        p['three_phase'], p['anneal_strategy'])


def _one_cycle_momentum(schedule: LegacySchedule, max_iters: int, num_groups: int,
                        optimizer_type: Optional[str]) -> RegularFn:
    p = schedule.params
    lows = per_group(schedule, 'base_momentum', num_groups, optimizer_type)
    highs = per_group(schedule, 'max_momentum', num_groups, optimizer_type)
    return lambda g, base, epoch, it: one_cycle_momentum_value(
        lows[g], highs[g], it, max_iters, p['pct_start'], p['three_phase'], p['anneal_strategy'])


def per_group(schedule: LegacySchedule, name: str, num_groups: int,
              optimizer_type: Optional[str]) -> List[Any]:
    """MMCV's ``format_param``: a number for every group, a list with one entry per group, or
    a dict keyed by the optimizer's class name.

    >>> from compat.schedules.parse import parse_lr_config
    >>> per_group(parse_lr_config(dict(policy='OneCycle', max_lr=0.1)), 'max_lr', 2, None)
    [0.1, 0.1]
    """
    value = schedule.params[name]
    if isinstance(value, numbers.Number):
        return [value] * num_groups
    if isinstance(value, (list, tuple)):
        if len(value) != num_groups:
            raise fail(schedule.kind, name, f'{name} has {len(value)} values for {num_groups} '
                       'param groups (MMCV raises ValueError)',
                       f'give one value per param group ({num_groups}) or a single number',
                       schedule.source)
        return list(value)
    if optimizer_type is None or optimizer_type not in value:
        raise fail(schedule.kind, name, f'{name} is a dict {value!r}; MMCV looks up the '
                   f'optimizer class name {optimizer_type!r} in it (KeyError if missing)',
                   f"key the dict by the optimizer type, e.g. {{'SGD': ...}}, or give a number",
                   schedule.source)
    return per_group_from(value[optimizer_type], schedule, name, num_groups)


def per_group_from(value: Any, schedule: LegacySchedule, name: str, num_groups: int) -> List[Any]:
    """The per-optimizer entry of a dict-valued argument: MMCV iterates it, so it must be a
    list (a number raises TypeError there; a wrong length is silently truncated by MMCV's
    ``zip`` and rejected here)."""
    if not isinstance(value, (list, tuple)) or len(value) != num_groups:
        raise fail(schedule.kind, name, f'the per-optimizer entry of {name} must be a list '
                   f'with one value per param group ({num_groups}), got {value!r}',
                   f'write a list of {num_groups} values', schedule.source)
    return list(value)
