"""Inverse decay (Caffe's ``inv`` policy, MMCV ``InvLrUpdaterHook``):
``base * (1 + gamma * t) ** (-power)``."""
from __future__ import annotations


def inv_value(base: float, gamma: float, power: float, t: float) -> float:
    """Value at progress ``t`` (epochs or iterations).

    >>> inv_value(0.1, 0.5, 1.0, 2)   # 0.1 / (1 + 0.5 * 2)
    0.05
    >>> round(inv_value(0.01, 1e-4, 0.75, 10000), 12)   # 0.01 * 2 ** -0.75
    0.005946035575
    """
    return base * (1 + gamma * t) ** (-power)
