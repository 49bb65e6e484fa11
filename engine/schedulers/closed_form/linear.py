"""Linear factor from ``start_factor`` to ``end_factor`` over ``total_iters = end - begin - 1``.

The end factor is reached at step ``end - 1`` (one step before MMCV's warmup would reach it,
hence ``end = W + 1`` for an exact warmup of W iterations).
"""
from __future__ import annotations


def linear_value(base: float, start_factor: float, end_factor: float, t: int,
                 total_iters: int) -> float:
    """Value at step ``t`` of a lone linear scheduler.

    >>> linear_value(0.1, 0.0, 1.0, t=5, total_iters=10)   # half way: factor 0.5
    0.05
    """
    if total_iters <= 0:
        return base * start_factor
    progress = min(t, total_iters) / total_iters
    return base * (start_factor + (end_factor - start_factor) * progress)


def linear_chain(current: float, start_factor: float, end_factor: float, t: int,
                 total_iters: int) -> float:
    """MMEngine's chainable rule: the ratio of consecutive factors, applied to ``current``.

    >>> round(linear_chain(0.05, 0.5, 1.0, t=1, total_iters=1), 12)
    0.1
    """
    if t == 0:
        return current * start_factor
    delta = end_factor - start_factor
    return current * (1. + delta / (total_iters * start_factor + (t - 1) * delta))
