"""Cosine annealing from ``base`` to ``eta_min`` over ``T_max`` steps (SGDR without restarts).

Past ``T_max`` the curve keeps following the cosine (it rises again) if the range allows.
``eta_min`` may exceed ``base`` (``eta_min_ratio > 1``): the curve then goes up, which is how a
cyclic schedule's rising half is expressed.
"""
from __future__ import annotations

import math


def cosine_annealing_value(base: float, eta_min: float, t: int, T_max: int) -> float:
    """Value at step ``t`` of a lone cosine annealing scheduler.

    >>> cosine_annealing_value(0.1, 0.0, t=5, T_max=10)   # half way down
    0.05
    >>> cosine_annealing_value(0.1, 0.0, t=10, T_max=10)
    0.0
    """
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / T_max)) / 2


def cosine_ratio(t: int, period: int) -> float:
    """Ratio of the cosine factor at ``t`` to the factor at ``t - 1`` (shared with restarts).

    >>> cosine_ratio(1, 2)
    0.5
    """
    return (1 + math.cos(math.pi * t / period)) / (1 + math.cos(math.pi * (t - 1) / period))


def cosine_annealing_chain(current: float, base: float, eta_min: float, t: int,
                           T_max: int) -> float:
    """MMEngine's chainable rule: scale the distance to ``eta_min`` by :func:`cosine_ratio`.

    Right after a trough (``t - 1`` an odd multiple of ``T_max``) the ratio would divide by
    zero, so the rule adds the first rising increment instead, measured from ``base``.

    >>> round(cosine_annealing_chain(0.1, 0.1, 0.0, t=1, T_max=2), 12)
    0.05
    """
    if t == 0:
        return current
    if (t - 1 - T_max) % (2 * T_max) == 0:
        return current + (base - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
    return cosine_ratio(t, T_max) * (current - eta_min) + eta_min
