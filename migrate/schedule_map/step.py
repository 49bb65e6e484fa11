"""``step`` (lr and momentum), ``exp`` and ``inv`` policies.

* ``step`` with an int -> ``StepLR(step_size)``; with a list -> ``MultiStepLR`` on MMCV's
  *effective* milestones (MMCV counts the list entries before the first one still ahead, so
  ``[8, 4]`` decays twice at 8: the milestones are the running maxima). The momentum default
  ``gamma`` is MMCV's 0.5, written out (MMEngine's default is 0.1).
* ``min_lr`` / ``min_momentum`` clipping: the decay that first falls below the floor becomes
  one MultiStep decay of ``floor / value_before``, exact for groups starting at the base value
  (engine: ``ClippedStep*``, exact for every group).
* ``exp`` -> ``ExponentialLR``; ``inv`` has no MMEngine form: an ``ExponentialLR`` fitted to
  it (engine: ``InvLR``).
"""
from __future__ import annotations

import math
from typing import List, Optional, Sequence

from migrate.schedule_map.context import (Context, Frame, entry, fmt, kind_of,
                                          scheduler_name)
from migrate.schedule_map.types import Note, Part, Pending


def effective_milestones(step: Sequence[int]) -> List[int]:
    """Where MMCV's list ``step`` decays: decay ``i`` happens once progress has passed
    every one of the first ``i + 1`` entries.

    >>> effective_milestones([8, 11]), effective_milestones([8, 4, 10])
    ([8, 11], [8, 8, 10])
    """
    out, top = [], None
    for s in step:
        top = s if top is None else max(top, s)
        out.append(top)
    return out


def first_clipped_decay(base: float, gamma: float, floor: float, limit: int) -> Optional[int]:
    """The first decay count ``k <= limit`` whose value MMCV clips (``base * gamma**k <
    floor``), or None.

    >>> first_clipped_decay(0.1, 0.1, 0.005, 5), first_clipped_decay(0.1, 0.1, 1e-9, 2)
    (2, None)
    """
    for k in range(limit + 1):
        if base * (gamma ** k) < floor:
            return k
        if gamma >= 1 and k > 0:
            return None
    return None


def map_step(policy, ctx: Context, rule: str, warm: bool) -> Part:
    params = policy.params
    gamma, step = params['gamma'], params['step']
    floor = params.get('min_lr' if kind_of(rule) == 'lr' else 'min_momentum')
    frame = ctx.frame(policy.by_epoch)
    if floor is not None and ctx.engine:
        args = dict(step_size=step) if isinstance(step, int) else dict(milestones=list(step))
        return Part([entry(scheduler_name(rule, 'ClippedStep'), dict(args, gamma=gamma,
                                                                    eta_min=floor),
                           frame, end=frame.length)])
    if isinstance(step, int):
        limit = (frame.length - 1) // step if frame.length else 10_000
        milestones = None
    else:
        milestones = effective_milestones(step)
        limit = len(milestones)
    clip = None if floor is None else first_clipped_decay(ctx.base(rule), gamma, floor, limit)
    if clip is None:
        if milestones is None:
            return Part([entry(scheduler_name(rule, 'Step'), dict(step_size=step, gamma=gamma),
                               frame, end=frame.length)])
        return Part([entry(scheduler_name(rule, 'MultiStep'),
                           dict(milestones=milestones, gamma=gamma), frame, end=frame.length)])
    return _clipped(rule, ctx, frame, gamma, floor, clip,
                    milestones or [step * (i + 1) for i in range(clip)])


def _clipped(rule: str, ctx: Context, frame: Frame, gamma: float, floor: float, clip: int,
             milestones: List[int]) -> Part:
    base = ctx.base(rule)
    name = scheduler_name(rule, 'MultiStep')
    part = Part()
    if clip == 0:
        at, last_gamma = 0, floor / base
    else:
        at, last_gamma = milestones[clip - 1], floor / (base * gamma ** (clip - 1))
        if clip > 1:
            part.add(entry(name, dict(milestones=milestones[:clip - 1], gamma=gamma), frame,
                           end=frame.length))
    index = part.add(entry(name, dict(milestones=[at], gamma=last_gamma), frame,
                           end=frame.length))
    what = 'min_lr' if kind_of(rule) == 'lr' else 'min_momentum'
    part.notes.append(Note(rule, 'base-value-dependent',
                           f'{what}={fmt(floor)} clipping written as a last decay by '
                           f'{fmt(last_gamma)} at {at}: exact for param groups starting at '
                           f'{kind_of(rule)}={fmt(base)} (other groups: --target engine, '
                           f'ClippedStep{"LR" if kind_of(rule) == "lr" else "Momentum"})',
                           index))
    return part


def map_exp(policy, ctx: Context, rule: str, warm: bool) -> Part:
    frame = ctx.frame(policy.by_epoch)
    return Part([entry('ExponentialLR', dict(gamma=policy.params['gamma']), frame,
                       end=frame.length)])


def fit_exponential(gamma: float, power: float, length: int) -> float:
    """The ``ExponentialLR`` gamma closest to ``(1 + gamma * t) ** -power`` over
    ``t < length`` (least worst relative deviation; ternary search on log gamma).

    >>> round(fit_exponential(0.5, 1.0, 2), 6)   # exact at t=1: 1 / 1.5
    0.666667
    """
    last = max(length - 1, 1)
    count = min(last, 2000)
    points = sorted({round(last * i / count) for i in range(count + 1)})
    target = [-power * math.log1p(gamma * t) for t in points]

    def worst(log_g: float) -> float:
        return max(abs(math.expm1(t * log_g - y)) for t, y in zip(points, target))

    lo, hi = min(-power * gamma, target[-1] / last), 0.
    for _ in range(200):
        a, b = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        before = lo, hi
        if worst(a) <= worst(b):
            hi = b
        else:
            lo = a
        if (lo, hi) == before:
            break   # the interval is down to float spacing: every further step is this one
    return math.exp((lo + hi) / 2)


def map_inv(policy, ctx: Context, rule: str, warm: bool) -> Part:
    gamma, power = policy.params['gamma'], policy.params['power']
    frame = ctx.frame(policy.by_epoch)
    if ctx.engine:
        return Part([entry('InvLR', dict(gamma=gamma, power=power), frame, end=frame.length)])
    length = frame.length or ctx.max_epochs * ctx.measure_epoch_len
    fitted = fit_exponential(gamma, power, length)
    part = Part([entry('ExponentialLR', dict(gamma=fitted), frame, end=frame.length)])
    part.pending.append(Pending(
        'inv-policy', f'MMEngine has no inv policy (lr * (1 + {fmt(gamma)} * t) ** '
        f'-{fmt(power)}): ExponentialLR(gamma={fitted:.6g}) fitted to it '
        '(use --target engine for InvLR)', 0, frame.length is None))
    return part
