"""``cyclic`` (lr and momentum) and ``OneCycle`` (lr and momentum).

* One cosine cycle is two chained ``CosineAnnealing*`` (rising to ``target_ratio[0]``, the
  first with ``end = up + 1``; then down to ``target_ratio[1]``). Several cycles, ``gamma``
  and linear annealing are written as *segments*: a ``CosineRestart*`` with one period sets
  the segment's start value (``restart_weights``) and anneals to its end ratio
  (``eta_min_ratio``); a linear segment is a one-step restart to the larger end followed by a
  ``Linear*`` between the two. All exact.
* ``OneCycle`` lr -> ``OneCycleLR`` with ``total_steps`` written out.
* ``OneCycle`` momentum (no MMEngine scheduler) -> segments, exact when the phase ends
  ``pct_start * max_iters - 1`` are whole iterations; engine: ``OneCycleMomentum``.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

from engine.errors import ConfigError
from engine.schedulers.closed_form import cyclic_phase, cyclic_phases
from migrate.schedule_map.context import (Context, Frame, ceil_div, entry, fmt, is_whole,
                                          scheduler_name)
from migrate.schedule_map.types import Note, Part, Pending

ITER = Frame(False, False, None)
Piece = Tuple[float, float, float, float, str]   # begin, steps, start ratio, end ratio, curve


def segment_entries(rule: str, pieces: List[Piece], frame: Frame) -> List[dict]:
    """Entries for ratio segments (ratios of each group's base value). Under
    ``convert_to_iter_based`` a line is written as a cosine (its one-step jump has no epoch
    length)."""
    restart = scheduler_name(rule, 'CosineRestart')
    out = []
    for begin, steps, start, end, curve in pieces:
        if steps <= 0:
            continue
        if curve == 'cos' or frame.convert:
            out.append(entry(restart, dict(periods=[steps], restart_weights=[start],
                                           eta_min_ratio=end), frame, begin=begin,
                             end=begin + steps))
            continue
        top = max(start, end)
        out.append(entry(restart, dict(periods=[1], restart_weights=[top], eta_min_ratio=top),
                         frame, begin=begin, end=begin + 1))
        out.append(entry(scheduler_name(rule, 'Linear'),
                         dict(start_factor=start / top, end_factor=end / top), frame,
                         begin=begin, end=begin + steps + 1))
    return out


def cyclic_pieces(total: float, cycles: int, period: float, up: float, ratios, gamma: float,
                  curve: str) -> List[Piece]:
    """MMCV's cycles as segments: up ``1 -> peak_c``, down ``peak_c -> ratios[1]`` (with
    ``up == 0`` one falling segment whose end MMCV scales, see ``cyclic_phase``)."""
    pieces: List[Piece] = []
    for c in range(cycles):
        start = c * period
        if start >= total:
            break
        scale = gamma ** c
        for offset in ((0, up) if up > 0 else (0,)):
            phase_start, phase_end, a, b = cyclic_phase(offset, period, up, ratios, scale)
            pieces.append((start + phase_start, phase_end - phase_start, a, b, curve))
    return pieces


def map_cyclic(policy, ctx: Context, rule: str, warm: bool) -> Part:
    p = policy.params
    ratios, times, ratio_up = tuple(p['target_ratio']), p['cyclic_times'], p['step_ratio_up']
    curve, gamma = p['anneal_strategy'], p['gamma']
    total = ctx.total_iters
    simple = times == 1 and curve == 'cos'
    if ctx.engine:   # closed form: bit-exact however long the run
        frame = ITER if total is not None else ctx.epoch_frame()
        length = total if total is not None else ctx.max_epochs
        args = dict(target_ratio=list(ratios), cyclic_times=times, step_ratio_up=ratio_up,
                    anneal_strategy=curve, gamma=gamma, total_steps=length)
        return Part([entry(scheduler_name(rule, 'Cyclic'), args, frame, end=length)])
    part = Part(warmup_after=True)
    if total is None:
        frame = ctx.epoch_frame()
        period = ctx.max_epochs / times
        pieces = cyclic_pieces(ctx.max_epochs, times, period, ratio_up * period, ratios, gamma,
                               curve)
        part.entries.extend(segment_entries(rule, pieces, frame))
        part.pending.append(Pending(
            'cyclic-needs-epoch-len',
            'cyclic phases are whole iterations of max_iters = max_epochs * len(loader); '
            'written in epochs' + (' with cosine segments for the lines' if curve == 'linear'
                                   else '') + '; pass --epoch-len N for the exact form', 0,
            True))
    else:
        period, up = cyclic_phases(total, times, ratio_up)
        if simple and up > 0:
            name = scheduler_name(rule, 'CosineAnnealing')
            part.add(entry(name, dict(T_max=up, eta_min_ratio=ratios[0]), ITER, end=up + 1))
            part.add(entry(name, dict(T_max=period - up, eta_min_ratio=ratios[1]), ITER,
                           begin=up, end=period))
        else:
            pieces = cyclic_pieces(total, ceil_div(total, period), period, up, ratios, gamma,
                                   curve)
            part.entries.extend(segment_entries(rule, pieces, ITER))
            part.notes.append(Note(rule, 'cyclic-segments',
                                   f'cyclic ({times} cycle(s), {curve}, gamma={fmt(gamma)}) as '
                                   'segments: each CosineRestart sets the segment start, then '
                                   'anneals (or a Linear scheduler draws the line)', 0))
    if warm:
        part.pending.append(Pending(
            'warmup-on-affine', 'the warmup is laid over cyclic segments that set absolute '
            'values: MMCV multiplies the warmup onto the cyclic value (use --target engine '
            'for CyclicLR)', 0, not ctx.iter_based and ctx.epoch_len is None))
    return part


def map_one_cycle(policy, ctx: Context, rule: str, warm: bool) -> Part:
    p = policy.params
    max_lr = p['max_lr']
    if isinstance(max_lr, dict):
        raise ConfigError('OneCycle max_lr given per optimizer (a dict) needs a dict-form '
                          'param_scheduler, which this mapping does not write',
                          key='lr_config.max_lr', file=policy.source,
                          fix='write param_scheduler = dict(<optimizer>=[...]) by hand')
    eta_max = _with_base_group(max_lr)
    steps = p['total_steps']
    if steps is None and ctx.total_iters is None:
        frame, steps, end = ctx.epoch_frame(), ctx.max_epochs, ctx.max_epochs
    else:
        frame, end = ITER, ctx.total_iters
        steps = steps if steps is not None else ctx.total_iters
    args = dict(eta_max=eta_max, total_steps=steps, pct_start=p['pct_start'],
                anneal_strategy=p['anneal_strategy'], div_factor=p['div_factor'],
                final_div_factor=p['final_div_factor'], three_phase=p['three_phase'])
    if warm and ctx.engine:
        return Part([entry('RelativeOneCycleLR', args, frame, end=end)])
    part = Part([entry('OneCycleLR', args, frame, end=end)])
    if isinstance(eta_max, list) and len(eta_max) > 1:
        part.notes.append(Note(rule, 'one-cycle-per-group',
                               'eta_max lists one value per param group plus a last one for '
                               "the base-settings group MMEngine's OptimWrapper adds with "
                               'several groups (it only feeds the logged base_lr)', 0))
    if warm:
        part.drop_warmup = True
        part.pending.append(Pending(
            'warmup-on-onecycle', 'the warmup is left out: OneCycleLR sets the lr at every '
            'step, so a warmup chained to it has no effect (use --target engine for '
            'RelativeOneCycleLR)', 0, not ctx.iter_based and ctx.epoch_len is None))
    return part


def _with_base_group(value: Any) -> Any:
    """A per-group list gets one more value (the first) for the OptimWrapper's base-settings
    group, which MMEngine adds to ``param_groups`` when there are several groups."""
    if isinstance(value, (list, tuple)):
        value = list(value)
        return value + value[:1] if len(value) > 1 else value
    return value


def _first(value: Any) -> Optional[float]:
    """A number, or the first of a list of numbers; else None."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _uniform(value: Any) -> Optional[float]:
    """A number, or a list of equal numbers -> that number; else None."""
    if isinstance(value, (list, tuple)):
        return value[0] if value and all(v == value[0] for v in value) else None
    return value if isinstance(value, (int, float)) else None


def map_one_cycle_momentum(policy, ctx: Context, rule: str, warm: bool) -> Part:
    p = policy.params
    low, high = p['base_momentum'], p['max_momentum']
    pct, curve, three = p['pct_start'], p['anneal_strategy'], p['three_phase']
    total = ctx.total_iters
    if ctx.engine:
        frame = ITER if total is not None else ctx.epoch_frame()
        length = total if total is not None else ctx.max_epochs
        return Part([entry('OneCycleMomentum', dict(
            base_momentum=_with_base_group(low), max_momentum=_with_base_group(high),
            pct_start=pct, anneal_strategy=curve,
            three_phase=three, total_steps=length), frame, end=length)])
    lo, hi, base = _first(low), _first(high), ctx.base(rule)
    if lo is None or hi is None or not base:
        return Part(pending=[Pending(
            'onecycle-momentum', 'OneCycle momentum left out: MMEngine has no 1cycle momentum '
            'and the segment form needs numeric momenta and a nonzero optimizer momentum '
            '(use --target engine for OneCycleMomentum)', None)])
    hi_r, lo_r = hi / base, lo / base
    if total is None:
        frame, length = ctx.epoch_frame(), ctx.max_epochs
        ends, whole = [pct * length] + ([2 * pct * length] if three else []), False
    else:
        frame, length = ITER, total
        ends = [pct * total - 1] + ([2 * pct * total - 2] if three else [])
        whole = all(is_whole(e) for e in ends)
        ends = [round(e) for e in ends]
    first = ends[0]
    pieces: List[Piece] = [(0, first, hi_r, lo_r, curve)]
    if three:
        pieces += [(first, ends[1] - first, lo_r, hi_r, curve),
                   (ends[1], length - ends[1], hi_r, hi_r, 'cos')]
    else:
        last = length - 1 if total is not None else length
        pieces += [(first, last - first, lo_r, hi_r, curve)]
        if total is not None:
            pieces.append((length - 1, 1, hi_r, hi_r, 'cos'))
    part = Part(segment_entries(rule, pieces, frame))
    if _first(low) != _uniform(low) or _first(high) != _uniform(high):
        part.pending.append(Pending(
            'onecycle-momentum-per-group', 'OneCycle momentum with different values per param '
            'group: the segments follow the first group (use --target engine for '
            'OneCycleMomentum)', 0))
    part.notes.append(Note(rule, 'base-value-dependent',
                           f'OneCycle momentum as segments relative to the optimizer momentum '
                           f'{fmt(base)}: exact for param groups starting there', 0))
    if total is None:
        part.pending.append(Pending('onecycle-momentum-needs-epoch-len',
                                    'OneCycle momentum phases are whole iterations of '
                                    'max_iters; written in epochs; pass --epoch-len N for the '
                                    'exact form', 0, True))
    elif not whole:
        part.pending.append(Pending('onecycle-momentum-phases',
                                    f'OneCycle momentum phase ends (pct_start * max_iters - 1) '
                                    f'are not whole iterations; rounded to {ends}', 0))
    return part


__all__ = ['map_cyclic', 'map_one_cycle', 'map_one_cycle_momentum', 'segment_entries']
