"""Polynomial decay from ``base`` to ``eta_min`` over ``total_iters = end - begin - 1`` steps.

``eta_min`` is reached at step ``end - 1``; MMCV's poly reaches it at ``max``, so an exact
translation uses ``end = max + 1``.
"""
from __future__ import annotations


def poly_value(base: float, eta_min: float, power: float, t: int, total_iters: int) -> float:
    """Value at step ``t`` of a lone poly scheduler.

    >>> poly_value(0.1, 0.0, 1.0, t=5, total_iters=10)
    0.05
    >>> round(poly_value(0.1, 0.001, 2.0, t=10, total_iters=10), 12)
    0.001
    """
    if total_iters <= 0:
        return base
    return (base - eta_min) * (1 - min(t, total_iters) / total_iters) ** power + eta_min


def poly_chain(current: float, eta_min: float, power: float, t: int, total_iters: int) -> float:
    """MMEngine's chainable rule.

    >>> poly_chain(0.1, 0.0, 1.0, t=1, total_iters=2)
    0.05
    """
    if t == 0:
        return current
    return (current - eta_min) * (1 - 1 / (total_iters - t + 1)) ** power + eta_min
