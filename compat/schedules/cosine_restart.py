"""MMCV 1.x ``CosineRestart`` lr policy: cosine annealing restarted at the end of each period.

Period ``i`` starts at ``target + restart_weights[i] * (base - target)`` (not
``restart_weights[i] * base`` as in MMEngine) and anneals to ``target``. MMCV raises
``ValueError`` once progress reaches ``sum(periods)``; so does :func:`cosine_restart_value`.
"""
from __future__ import annotations

from itertools import accumulate
from typing import List, Sequence

from compat.schedules.annealing import weighted_annealing_cos


def restart_ends(periods: Sequence[int]) -> List[int]:
    """Progress at which each period ends.

    >>> restart_ends([4, 6, 10])
    [4, 10, 20]
    """
    return list(accumulate(periods))


def restart_position(progress: int, ends: Sequence[int]) -> int:
    """Index of the period holding ``progress``; ``ValueError`` past the last one (as MMCV).

    >>> restart_position(3, [4, 10]), restart_position(4, [4, 10])
    (0, 1)
    """
    for i, end in enumerate(ends):
        if progress < end:
            return i
    raise ValueError(f'progress {progress} is past the last restart period (ends {list(ends)})')


def cosine_restart_value(base: float, target: float, progress: int, periods: Sequence[int],
                         restart_weights: Sequence[float]) -> float:
    """Value at ``progress`` (epoch or iteration).

    >>> cosine_restart_value(0.1, 0.0, 2, [4, 6], [1, 0.5])      # half way down period 0
    0.05
    >>> cosine_restart_value(0.1, 0.02, 4, [4, 6], [1, 0.5])     # restart: 0.02 + 0.5 * 0.08
    0.06
    """
    ends = restart_ends(periods)
    idx = restart_position(progress, ends)
    restart = 0 if idx == 0 else ends[idx - 1]
    alpha = min((progress - restart) / periods[idx], 1)
    return weighted_annealing_cos(base, target, alpha, restart_weights[idx])
