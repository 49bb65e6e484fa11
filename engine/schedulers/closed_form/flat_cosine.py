"""Flat then cosine (MMCV ``FlatCosineAnnealing``): hold ``base`` until
``start = round(T * start_percent)``, then cosine-anneal to ``target`` at ``T``."""
from __future__ import annotations

from engine.schedulers.closed_form.annealing import annealing_cos


def flat_cosine_value(base: float, target: float, t: int, T: int, start_percent: float) -> float:
    """Value at progress ``t`` of a run of ``T`` steps.

    >>> flat_cosine_value(0.1, 0.0, 8, 12, 0.75)   # flat until 9
    0.1
    >>> round(flat_cosine_value(0.1, 0.0, 10, 12, 0.75), 12)   # a third into the cosine
    0.075
    """
    start = round(T * start_percent)
    if t < start:
        return base
    return annealing_cos(base, target, (t - start) / (T - start))
