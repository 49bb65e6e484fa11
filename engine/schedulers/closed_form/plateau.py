"""Reduce-on-plateau decisions: is a metric an improvement, and the reduced value."""
from __future__ import annotations


def plateau_is_better(value: float, best: float, rule: str, threshold: float,
                      threshold_rule: str) -> bool:
    """True when ``value`` beats ``best`` by more than the threshold.

    ``rule`` is 'less' (lower is better) or 'greater'; ``threshold_rule`` 'rel' compares with
    ``best * (1 -/+ threshold)``, 'abs' with ``best -/+ threshold``.

    >>> plateau_is_better(0.95, 1.0, 'less', 0.1, 'rel')   # needs < 0.9 to count as better
    False
    >>> plateau_is_better(0.89, 1.0, 'less', 0.1, 'rel')
    True
    """
    if rule == 'less':
        if threshold_rule == 'rel':
            return value < best * (1. - threshold)
        return value < best - threshold
    if threshold_rule == 'rel':
        return value > best * (threshold + 1.)
    return value > best + threshold


def plateau_reduce(value: float, factor: float, min_value: float) -> float:
    """The reduced value, floored at ``min_value``.

    >>> plateau_reduce(0.1, 0.5, 0.0), plateau_reduce(0.1, 0.1, 0.02)
    (0.05, 0.02)
    """
    return max(float(value) * factor, min_value)
