"""Step decay: multiply by ``gamma`` every ``step_size`` steps."""
from __future__ import annotations


def step_value(base: float, gamma: float, t: int, step_size: int) -> float:
    """Value at step ``t`` of a lone step scheduler.

    >>> step_value(0.1, 0.5, t=7, step_size=3)   # two decays (t = 3 and t = 6)
    0.025
    """
    return base * gamma ** (t // step_size)


def step_chain(current: float, gamma: float, t: int, step_size: int) -> float:
    """MMEngine's chainable rule: decay when ``t`` is a positive multiple of ``step_size``.

    >>> step_chain(0.1, 0.5, t=3, step_size=3)
    0.05
    """
    if t == 0 or t % step_size != 0:
        return current
    return current * gamma
