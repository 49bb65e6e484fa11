"""Multi-step decay: multiply by ``gamma`` at each milestone (counted from ``begin``).

Milestones are a multiset: a milestone listed twice decays by ``gamma ** 2`` at that step.
"""
from __future__ import annotations

from typing import Mapping


def multistep_value(base: float, gamma: float, t: int, milestones: Mapping[int, int]) -> float:
    """Value at step ``t`` of a lone multi-step scheduler; ``milestones`` maps step -> count.

    >>> multistep_value(0.1, 0.1, t=9, milestones={8: 1, 11: 1})   # lr = 0.01 if 8 <= t < 11
    0.010000000000000002
    """
    passed = sum(count for m, count in milestones.items() if 0 <= m <= t)
    return base * gamma ** passed


def multistep_chain(current: float, gamma: float, t: int, milestones: Mapping[int, int]) -> float:
    """MMEngine's chainable rule: decay by ``gamma ** count`` when ``t`` is a milestone.

    >>> multistep_chain(0.1, 0.5, t=4, milestones={4: 2})
    0.025
    """
    if t not in milestones:
        return current
    return current * gamma ** milestones[t]
