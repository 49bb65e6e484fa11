"""MMCV 1.x annealing policies: ``CosineAnnealing``, ``FlatCosineAnnealing``,
``LinearAnnealing`` (lr and momentum), from the base value to a target.

The target is ``min_lr`` (``min_momentum``) or ``base * min_lr_ratio``; progress is the epoch
or the iteration, out of ``max_epochs`` or ``max_iters``.
"""
from __future__ import annotations

import math
from typing import Optional

from compat.schedules._shared import anneal, resolve_eta_min


def annealing_target(base: float, min_value: Optional[float], min_ratio: Optional[float]) -> float:
    """``min_value`` or ``base * min_ratio`` (exactly one is set).

    >>> annealing_target(0.1, None, 0.01), annealing_target(0.1, 0.001, None)
    (0.001, 0.001)
    """
    return resolve_eta_min(base, min_value, min_ratio)


def weighted_annealing_cos(start: float, end: float, factor: float, weight: float = 1.) -> float:
    """Cosine from ``end + weight * (start - end)`` down to ``end`` as ``factor`` goes 0 -> 1.

    Written here rather than taken from the engine: with ``weight != 1`` MMCV multiplies
    ``0.5 * weight`` first, and the engine's formulas have no weight, so only this order gives
    MMCV's bits (CosineRestart with ``restart_weights``).

    >>> weighted_annealing_cos(0.1, 0.0, 0.0, weight=0.5)
    0.05
    >>> weighted_annealing_cos(0.1, 0.0, 0.5)
    0.05
    """
    cos_out = math.cos(math.pi * factor) + 1
    return end + 0.5 * weight * (start - end) * cos_out


def cosine_annealing_value(base: float, target: float, progress: int, max_progress: int) -> float:
    """``CosineAnnealing``: cosine from ``base`` at 0 to ``target`` at ``max_progress``.

    >>> cosine_annealing_value(0.1, 0.0, 5, 10)
    0.05
    """
    return anneal(base, target, progress / max_progress, 'cos')


def flat_cosine_start(max_progress: int, start_percent: float) -> int:
    """Where ``FlatCosineAnnealing`` starts to anneal: ``round(max_progress * start_percent)``
    (Python's round, halves to even).

    >>> flat_cosine_start(12, 0.75), flat_cosine_start(10, 0.25)
    (9, 2)
    """
    return round(max_progress * start_percent)


def flat_cosine_annealing_value(base: float, target: float, progress: int, max_progress: int,
                                start_percent: float) -> float:
    """``FlatCosineAnnealing``: ``base`` until the start, then cosine to ``target``.

    >>> flat_cosine_annealing_value(0.1, 0.0, 8, 12, 0.75)     # before epoch 9
    0.1
    >>> round(flat_cosine_annealing_value(0.1, 0.0, 9, 11, 0.5), 12)   # start 6 (5.5 -> 6), 3/5 in
    0.034549150281
    """
    start = flat_cosine_start(max_progress, start_percent)
    if progress - start < 0:
        return base
    return anneal(base, target, (progress - start) / (max_progress - start), 'cos')


def linear_annealing_value(base: float, target: float, progress: int, max_progress: int) -> float:
    """``LinearAnnealing``: straight line from ``base`` at 0 to ``target`` at ``max_progress``.

    >>> round(linear_annealing_value(0.1, 0.0, 3, 4), 12)
    0.025
    """
    return anneal(base, target, progress / max_progress, 'linear')
