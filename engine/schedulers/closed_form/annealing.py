"""MMCV 1.x's two interpolation curves, in MMCV's floating-point operation order.

The MMCV policies (CosineAnnealing, FlatCosineAnnealing, CosineRestart, LinearAnnealing,
cyclic, OneCycle momentum) all evaluate one of these; keeping MMCV's operation order makes our
values equal MMCV's to the last bit or so, far inside the 1e-12 equivalence tolerance.
"""
from __future__ import annotations

import math
from typing import Optional


def annealing_target(base: float, eta_min: Optional[float],
                     eta_min_ratio: Optional[float]) -> float:
    """Where an annealing schedule ends for a group whose base value is ``base``:
    ``base * eta_min_ratio`` when a ratio is given, else ``eta_min`` (0 when neither is).

    MMCV's ``min_lr``/``min_lr_ratio`` (``min_momentum``/``min_momentum_ratio``) and
    MMEngine's ``eta_min``/``eta_min_ratio`` mean the same.

    >>> annealing_target(0.2, None, 0.05), annealing_target(0.2, 0.001, None)
    (0.010000000000000002, 0.001)
    >>> annealing_target(0.2, None, None)
    0.0
    """
    if eta_min_ratio is not None:
        return base * eta_min_ratio
    return 0. if eta_min is None else eta_min


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
