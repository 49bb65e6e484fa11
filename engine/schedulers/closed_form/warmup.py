"""MMCV 1.x warmup: a multiplier laid over the regular value for the first ``warmup_iters``
iterations (always counted in iterations, from 0).

* ``'constant'``: ``ratio``;
* ``'linear'``: ``1 - (1 - t / W) * (1 - ratio)``, from ``ratio`` at t=0 up to 1 at t=W;
* ``'exp'``: ``ratio ** (1 - t / W)``, a geometric ramp from ``ratio`` up to 1.

The learning rate is *multiplied* by the factor; MMCV's momentum warmup *divides* by it, so the
momentum starts at ``momentum / ratio`` and comes down to ``momentum``.
"""
from __future__ import annotations

WARMUP_KINDS = ('constant', 'linear', 'exp')


def warmup_factor(kind: str, ratio: float, t: int, warmup_iters: int) -> float:
    """The multiplier at iteration ``t`` (1.0 from ``warmup_iters`` on).

    >>> warmup_factor('linear', 0.1, 5, 10)
    0.55
    >>> warmup_factor('exp', 0.01, 5, 10)   # half way in log space
    0.1
    >>> warmup_factor('constant', 0.1, 10, 10)
    1.0
    """
    if t >= warmup_iters:
        return 1.0
    if kind == 'constant':
        return ratio
    if kind == 'linear':
        return 1 - (1 - t / warmup_iters) * (1 - ratio)
    if kind == 'exp':
        return ratio ** (1 - t / warmup_iters)
    raise ValueError(f'warmup kind must be one of {WARMUP_KINDS}, got {kind!r}')


def warmup_value(regular: float, kind: str, ratio: float, t: int, warmup_iters: int,
                 divide: bool = False) -> float:
    """``regular`` with the warmup applied at iteration ``t`` (MMCV's operation order).

    >>> round(warmup_value(0.02, 'linear', 0.001, 250, 500), 12)   # lr half way up
    0.01001
    >>> round(warmup_value(0.9, 'constant', 0.9, 3, 10, divide=True), 12)   # momentum / ratio
    1.0
    """
    if t >= warmup_iters:
        return regular
    if kind == 'linear':
        # MMCV computes k = (1 - t/W)(1 - ratio) and uses (1 - k).
        k = (1 - t / warmup_iters) * (1 - ratio)
        factor = 1 - k
    else:
        factor = warmup_factor(kind, ratio, t, warmup_iters)
    return regular / factor if divide else regular * factor
