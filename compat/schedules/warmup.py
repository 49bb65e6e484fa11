"""MMCV 1.x warmup: a multiplicative overlay on the regular value, counted in global iterations.

For ``cur_iter < warmup_iters`` the lr is ``regular * factor`` and the momentum is
``regular / factor`` (momentum warmup *divides*, so it starts above the regular momentum);
from ``warmup_iters`` on the regular value is used. ``factor`` goes from ``warmup_ratio`` at
iteration 0 towards 1 at ``warmup_iters``:

* ``'constant'``: ``ratio``
* ``'linear'``:   ``1 - k`` with ``k = (1 - cur_iter / warmup_iters) * (1 - ratio)``
* ``'exp'``:      ``ratio ** (1 - cur_iter / warmup_iters)``

The formulas are the engine's (``closed_form.warmup``), which keep MMCV's operation order.
"""
from __future__ import annotations

from compat.schedules._shared import WARMUP_KINDS, warmup_factor, warmup_value

__all__ = ['WARMUP_KINDS', 'in_warmup', 'warmup_factor', 'warmup_lr', 'warmup_momentum']


def warmup_lr(regular: float, kind: str, ratio: float, cur_iter: int, warmup_iters: int) -> float:
    """The lr MMCV sets at ``cur_iter``: ``regular * factor`` during the warmup.

    >>> warmup_lr(0.02, 'linear', 0.1, 5, 10)   # 0.02 * 0.55
    0.011000000000000001
    """
    return warmup_value(regular, kind, ratio, cur_iter, warmup_iters)


def warmup_momentum(regular: float, kind: str, ratio: float, cur_iter: int,
                    warmup_iters: int) -> float:
    """The momentum MMCV sets at ``cur_iter``: ``regular / factor`` during the warmup.

    >>> warmup_momentum(0.9, 'constant', 0.9, 0, 10)   # 0.9 / 0.9
    1.0
    """
    return warmup_value(regular, kind, ratio, cur_iter, warmup_iters, divide=True)


def in_warmup(kind, cur_iter: int, warmup_iters: int) -> bool:
    """True while the warmup overlay applies (MMCV sets the regular value at ``warmup_iters``).

    >>> in_warmup('linear', 9, 10), in_warmup('linear', 10, 10), in_warmup(None, 0, 10)
    (True, False, False)
    """
    return kind is not None and cur_iter < warmup_iters
