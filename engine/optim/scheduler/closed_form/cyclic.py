"""Cyclic schedule (MMCV ``CyclicLrUpdaterHook`` / ``CyclicMomentumUpdaterHook``).

The run of ``total_steps`` iterations is cut into ``cyclic_times`` cycles of
``period = total_steps // cyclic_times`` steps (a remainder starts one more, partial cycle).
Each cycle goes from ``1`` to ``target_ratio[0]`` during its first
``up = int(step_ratio_up * period)`` steps, then to ``target_ratio[1]`` (ratios of the base
value), along a cosine or a straight line. With ``gamma < 1`` the peak of cycle ``c`` shrinks
towards the base: ``1 - s + target_ratio[0] * s`` with ``s = gamma ** c``.
"""
from __future__ import annotations

from typing import Sequence, Tuple

from engine.optim.scheduler.closed_form.annealing import annealing_cos, annealing_linear


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
    if cur < up:
        end_ratio = 1 - scale + target_ratio[0] * scale
        return anneal(base * 1, base * end_ratio, cur / up)
    start_ratio = 1 - scale + target_ratio[0] * scale
    return anneal(base * start_ratio, base * target_ratio[1], (cur - up) / (period - up))
