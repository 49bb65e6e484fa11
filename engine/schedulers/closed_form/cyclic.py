"""Cyclic schedule (MMCV ``CyclicLrUpdaterHook`` / ``CyclicMomentumUpdaterHook``).

The run of ``total_steps`` iterations is cut into ``cyclic_times`` cycles of
``period = total_steps // cyclic_times`` steps (a remainder starts one more, partial cycle).
Each cycle goes from ``1`` to ``target_ratio[0]`` during its first
``up = int(step_ratio_up * period)`` steps, then to ``target_ratio[1]`` (ratios of the base
value), along a cosine or a straight line. With ``gamma < 1`` the peak of cycle ``c`` shrinks
towards the base: ``1 - s + target_ratio[0] * s`` with ``s = gamma ** c`` (with
``step_ratio_up = 0`` MMCV scales the falling phase's end instead, see :func:`cyclic_phase`).
"""
from __future__ import annotations

from typing import Sequence, Tuple

from engine.schedulers.closed_form.annealing import annealing_cos, annealing_linear


def normalize_target_ratio(target_ratio) -> Tuple[float, float]:
    """MMCV's forms: a float ``r`` (or a 1-tuple) means ``(r, r / 1e5)``.

    >>> normalize_target_ratio(10.0), normalize_target_ratio((10, 1e-4))
    ((10.0, 0.0001), (10, 0.0001))
    """
    if isinstance(target_ratio, (int, float)) and not isinstance(target_ratio, bool):
        return (target_ratio, target_ratio / 1e5)
    ratios = tuple(target_ratio)
    if len(ratios) == 1:
        return (ratios[0], ratios[0] / 1e5)
    if len(ratios) != 2:
        raise ValueError(f'target_ratio must hold one or two numbers, got {target_ratio!r}')
    return ratios


def cyclic_phases(total_steps: int, cyclic_times: int, step_ratio_up: float) -> Tuple[int, int]:
    """``(period, up)``: steps per cycle and steps of its rising part.

    >>> cyclic_phases(100, 1, 0.4), cyclic_phases(105, 2, 0.4)
    ((100, 40), (52, 20))
    """
    period = total_steps // cyclic_times
    return period, int(step_ratio_up * period)


def cyclic_value(base: float, t: int, period: int, up: int,
                 target_ratio: Sequence[float], gamma: float = 1.,
                 anneal_strategy: str = 'cos') -> float:
    """Value at iteration ``t``.

    >>> period, up = cyclic_phases(100, 1, 0.4)
    >>> [round(cyclic_value(0.1, t, period, up, (10, 1e-4)), 12) for t in (0, 40, 99)]
    [0.1, 1.0, 0.00069522577]
    >>> round(cyclic_value(0.1, 20, period, up, (10, 1e-4), anneal_strategy='linear'), 12)
    0.55
    """
    anneal = annealing_cos if anneal_strategy == 'cos' else annealing_linear
    cur = t % period
    scale = gamma ** (t // period)
    start, end, start_ratio, end_ratio = cyclic_phase(cur, period, up, target_ratio, scale)
    return anneal(base * start_ratio, base * end_ratio, (cur - start) / (end - start))


def cyclic_phase(cur: int, period: int, up: int, target_ratio: Sequence[float],
                 scale: float) -> Tuple[int, int, float, float]:
    """``(start, end, start_ratio, end_ratio)`` of the phase holding cycle step ``cur``.

    MMCV scales the *end* of the phase that starts at step 0 and the *start* of the other
    one; with ``up == 0`` the phase at 0 is the falling one, so its end is scaled.

    >>> cyclic_phase(5, 10, 0, (10, 1e-4), 0.5)
    (0, 10, 10, 0.50005)
    """
    phases = [(0, up, 1, target_ratio[0]), (up, period, target_ratio[0], target_ratio[1])]
    for start, end, start_ratio, end_ratio in phases:
        if start <= cur < end:
            if start == 0:
                return start, end, start_ratio, 1 - scale + end_ratio * scale
            return start, end, 1 - scale + start_ratio * scale, end_ratio
    raise ValueError(f'cycle step {cur} is outside the cycle of {period} steps')
