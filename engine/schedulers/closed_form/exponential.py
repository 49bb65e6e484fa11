"""Exponential decay: multiply by ``gamma`` at every step after the first."""
from __future__ import annotations


def exponential_value(base: float, gamma: float, t: int) -> float:
    """Value at step ``t`` of a lone exponential scheduler.

    >>> exponential_value(0.1, 0.5, t=3)
    0.0125
    """
    return base * gamma ** t


def exponential_chain(current: float, gamma: float, t: int) -> float:
    """MMEngine's chainable rule.

    >>> exponential_chain(0.1, 0.5, t=1)
    0.05
    """
    if t == 0:
        return current
    return current * gamma
