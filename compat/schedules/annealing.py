"""MMCV 1.x annealing policies: ``CosineAnnealing``, ``FlatCosineAnnealing``,
``LinearAnnealing`` (lr and momentum), from the base value to a target.

The target is ``min_lr`` (``min_momentum``) or ``base * min_lr_ratio``; progress is the epoch
or the iteration, out of ``max_epochs`` or ``max_iters``. The curves are the engine's
``annealing_cos`` / ``annealing_linear`` / ``flat_cosine_value``, in MMCV's operation order.
"""
from __future__ import annotations

from typing import Optional

from compat.schedules._shared import (annealing_cos, annealing_linear, flat_cosine_value,
                                      resolve_eta_min)


def annealing_target(base: float, min_value: Optional[float], min_ratio: Optional[float]) -> float:
    """``min_value`` or ``base * min_ratio`` (exactly one is set).

    >>> annealing_target(0.1, None, 0.01), annealing_target(0.1, 0.001, None)
    (0.001, 0.001)
    """
    return resolve_eta_min(base, min_value, min_ratio)


def cosine_annealing_value(base: float, target: float, progress: int, max_progress: int) -> float:
    """``CosineAnnealing``: cosine from ``base`` at 0 to ``target`` at ``max_progress``.

    >>> cosine_annealing_value(0.1, 0.0, 5, 10)
    0.05
    """
    return annealing_cos(base, target, progress / max_progress)


def flat_cosine_annealing_value(base: float, target: float, progress: int, max_progress: int,
                                start_percent: float) -> float:
    """``FlatCosineAnnealing``: ``base`` until ``round(max_progress * start_percent)`` (Python's
    round: halves to even), then cosine to ``target``.

    >>> flat_cosine_annealing_value(0.1, 0.0, 8, 12, 0.75)     # flat until 9
    0.1
    >>> round(flat_cosine_annealing_value(0.1, 0.0, 9, 11, 0.5), 12)   # start 6 (5.5 -> 6), 3/5 in
    0.034549150281
    """
    return flat_cosine_value(base, target, progress, max_progress, start_percent)


def linear_annealing_value(base: float, target: float, progress: int, max_progress: int) -> float:
    """``LinearAnnealing``: straight line from ``base`` at 0 to ``target`` at ``max_progress``.

    >>> round(linear_annealing_value(0.1, 0.0, 3, 4), 12)
    0.025
    """
    return annealing_linear(base, target, progress / max_progress)
