"""MMCV 1.x's two interpolation curves, in MMCV's floating-point operation order.

The MMCV policies (CosineAnnealing, FlatCosineAnnealing, CosineRestart, LinearAnnealing,
cyclic, OneCycle momentum) all evaluate one of these; keeping MMCV's operation order makes our
values equal MMCV's to the last bit or so, far inside the 1e-12 equivalence tolerance.
"""
from __future__ import annotations

import math


def annealing_cos(start: float, end: float, factor: float, weight: float = 1.) -> float:
    """Cosine from ``weight * start + (1 - weight) * end`` (factor 0) down to ``end`` (factor 1).

    >>> annealing_cos(0.1, 0.0, 0.5)
    0.05
    >>> round(annealing_cos(0.1, 0.01, 0.0, weight=0.5), 12)   # restart peak min + w*(base-min)
    0.055
    """
    cos_out = math.cos(math.pi * factor) + 1
    return end + 0.5 * weight * (start - end) * cos_out


def annealing_linear(start: float, end: float, factor: float) -> float:
    """Straight line from ``start`` (factor 0) to ``end`` (factor 1).

    >>> annealing_linear(0.1, 0.02, 0.25)
    0.08
    """
    return start + (end - start) * factor
