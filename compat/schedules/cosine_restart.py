"""MMCV 1.x ``CosineRestart`` lr policy: cosine annealing restarted at the end of each period.

Period ``i`` starts at ``target + restart_weights[i] * (base - target)`` (not
``restart_weights[i] * base`` as in MMEngine) and anneals to ``target``; the formula is the
engine's ``cosine_restart_peak_value``. MMCV raises ``ValueError`` once progress reaches
``sum(periods)``; so does :func:`cosine_restart_value`.
"""
from __future__ import annotations

from typing import Sequence

from compat.schedules._shared import cosine_restart_peak_value, cumulative_periods


def cosine_restart_value(base: float, target: float, progress: int, periods: Sequence[int],
                         restart_weights: Sequence[float]) -> float:
    """Value at ``progress`` (epoch or iteration).

    >>> cosine_restart_value(0.1, 0.0, 2, [4, 6], [1, 0.5])      # half way down period 0
    0.05
    >>> cosine_restart_value(0.1, 0.02, 4, [4, 6], [1, 0.5])     # restart: 0.02 + 0.5 * 0.08
    0.06
    """
    value = cosine_restart_peak_value(base, target, progress, periods, restart_weights)
    if value is None:
        raise ValueError(f'progress {progress} is past the last restart period '
                         f'(periods end at {cumulative_periods(periods)})')
    return value
