"""Cosine annealing with restarts: period ``i`` starts at ``base * restart_weights[i]`` and
anneals to ``eta_min``; past the last period the value is held (MMCV raised instead).
:func:`cosine_restart_peak_value` is MMCV's variant, whose restart peak is
``eta_min + w * (base - eta_min)``."""
from __future__ import annotations

import math
from typing import List, Optional, Sequence

from engine.schedulers.closed_form.annealing import annealing_cos
from engine.schedulers.closed_form.cosine import cosine_ratio


def cumulative_periods(periods: Sequence[int]) -> List[int]:
    """Step at which each period ends.

    >>> cumulative_periods([5, 10, 15])
    [5, 15, 30]
    """
    out, total = [], 0
    for p in periods:
        total += p
        out.append(total)
    return out


def period_index(t: int, cumulative: Sequence[int]) -> Optional[int]:
    """Index of the period holding step ``t``, or None past the last one.

    >>> period_index(5, [5, 15, 30]), period_index(30, [5, 15, 30])
    (1, None)
    """
    for i, end in enumerate(cumulative):
        if t < end:
            return i
    return None


def cosine_restart_value(base: float, eta_min: float, t: int, periods: Sequence[int],
                         restart_weights: Sequence[float]) -> Optional[float]:
    """Value at step ``t`` of a lone cosine-restart scheduler; None past the last period
    (the caller keeps the previous value).

    >>> round(cosine_restart_value(0.1, 0.0, t=5, periods=[5, 10], restart_weights=[1, 0.5]), 12)
    0.05
    """
    cumulative = cumulative_periods(periods)
    idx = period_index(t, cumulative)
    if idx is None:
        return None
    start = 0 if idx == 0 else cumulative[idx - 1]
    peak = base * restart_weights[idx]
    return eta_min + (peak - eta_min) * (1 + math.cos(math.pi * (t - start) / periods[idx])) / 2


def cosine_restart_chain(current: float, base: float, eta_min: float, t: int,
                         periods: Sequence[int], cumulative: Sequence[int],
                         restart_weights: Sequence[float]) -> float:
    """MMEngine's chainable rule: jump to the weighted peak at a restart, else cosine ratio.

    >>> cosine_restart_chain(0.01, 0.1, 0.0, t=5, periods=[5, 10], cumulative=[5, 15],
    ...                      restart_weights=[1, 0.5])
    0.05
    """
    idx = period_index(t, cumulative)
    if idx is None:
        return current
    step = t - (0 if idx == 0 else cumulative[idx - 1])
    if step == 0:
        return base * restart_weights[idx]
    return cosine_ratio(step, periods[idx]) * (current - eta_min) + eta_min


def cosine_restart_peak_value(base: float, target: float, t: int, periods: Sequence[int],
                              restart_weights: Sequence[float]) -> Optional[float]:
    """MMCV's ``CosineRestart`` value: period ``i`` starts at ``target + w_i * (base - target)``
    (MMEngine's restart starts at ``w_i * base``; the two agree when ``target == 0`` or
    ``w_i == 1``). None past the last period, where MMCV raises.

    >>> round(cosine_restart_peak_value(0.1, 0.001, 5, [5, 10], [1, 0.7]), 12)   # 0.0703
    0.0703
    """
    cumulative = cumulative_periods(periods)
    idx = period_index(t, cumulative)
    if idx is None:
        return None
    start = 0 if idx == 0 else cumulative[idx - 1]
    alpha = min((t - start) / periods[idx], 1)
    return annealing_cos(base, target, alpha, restart_weights[idx])
