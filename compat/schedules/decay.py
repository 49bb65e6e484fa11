"""MMCV 1.x lr policies that decay from the base value: ``fixed``, ``exp``, ``poly``, ``inv``.

The formulas are the engine's closed forms, which MMCV evaluates in the same order.
"""
from __future__ import annotations

from compat.schedules._shared import exponential_value, inv_value as _inv_value
from compat.schedules._shared import poly_value as _poly_value


def fixed_value(base: float) -> float:
    """``fixed``: the base lr (used for a warmup-only schedule).

    >>> fixed_value(0.02)
    0.02
    """
    return base


def exp_value(base: float, gamma: float, progress: int) -> float:
    """``exp``: ``base * gamma ** progress``.

    >>> exp_value(0.1, 0.5, 3)
    0.0125
    """
    return exponential_value(base, gamma, progress)


def poly_value(base: float, power: float, min_lr: float, progress: int,
               max_progress: int) -> float:
    """``poly``: ``(base - min_lr) * (1 - progress / max_progress) ** power + min_lr``.

    >>> poly_value(0.1, 2.0, 0.0, 5, 10)     # 0.1 * 0.5 ** 2
    0.025
    """
    return _poly_value(base, min_lr, power, progress, max_progress)


def inv_value(base: float, gamma: float, power: float, progress: int) -> float:
    """``inv``: ``base * (1 + gamma * progress) ** -power``.

    >>> inv_value(0.1, 0.5, 1.0, 2)          # 0.1 / 2
    0.05
    """
    return _inv_value(base, gamma, power, progress)
