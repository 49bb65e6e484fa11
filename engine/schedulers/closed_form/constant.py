"""Constant factor: ``base * factor`` for the first ``total_iters`` steps, then ``base``.

``total_iters`` is ``end - begin - 1`` in MMEngine, so the factor applies during
``[begin, end - 1)``, not ``[begin, end)``: a warmup of W iterations needs ``end = W + 1``.
"""
from __future__ import annotations


def constant_value(base: float, factor: float, t: int, total_iters: int) -> float:
    """Value at step ``t`` of a lone constant scheduler.

    With ``total_iters == 0`` (``end == begin + 1``) the chained rule multiplies at step 0 and
    never divides back, so the factor stays for good.

    >>> constant_value(0.1, 0.5, t=2, total_iters=4)   # lr = 0.05 while t < 4
    0.05
    >>> constant_value(0.1, 0.5, t=4, total_iters=4)
    0.1
    """
    if t < total_iters or total_iters == 0:
        return base * factor
    return base


def constant_chain(current: float, factor: float, t: int, total_iters: int) -> float:
    """MMEngine's chainable rule: multiply at step 0, divide back at ``total_iters``.

    >>> constant_chain(0.1, 0.5, t=0, total_iters=4)
    0.05
    """
    if t == 0:
        return current * factor
    if t == total_iters:
        return current * (1.0 / factor)
    return current
