"""``WarmupLR`` / ``WarmupMomentum``: MMCV 1.x's warmup overlay as a scheduler.

MMCV multiplies the learning rate (and *divides* the momentum) by a factor during the first
``warmup_iters`` iterations: ``'constant'`` ``ratio``, ``'linear'`` from ``ratio`` up to 1,
``'exp'`` ``ratio ** (1 - t / W)``. MMEngine has no exp ramp and no factor above 1, so these
are engine-only. Put the warmup first in ``param_scheduler``; it composes exactly with factor
schedulers (see :mod:`.factor`).

``warmup_iters`` is an epoch unit under ``convert_to_iter_based=True`` (multiplied by the
dataloader length), which makes MMCV's ``warmup_by_epoch=True`` exact without knowing that
length in the config::

    dict(type='WarmupLR', warmup='exp', warmup_ratio=0.1, warmup_iters=4, by_epoch=False)
    # lr 0.1 -> 0.01, 0.01778, 0.03162, 0.05623, then 0.1 from step 4 on
    dict(type='WarmupMomentum', warmup='linear', warmup_ratio=0.9, warmup_iters=10,
         by_epoch=False)   # momentum 0.9 -> 1.0 at step 0, back to 0.9 at step 10
"""
from __future__ import annotations

from typing import Any, Optional

from engine.schedulers.checks import check_number, scheduler_failure
from engine.schedulers.closed_form import WARMUP_KINDS, warmup_value
from engine.schedulers.factor import FactorParamScheduler
from engine.schedulers.lr_scheduler import LRSchedulerMixin
from engine.schedulers.momentum_scheduler import MomentumSchedulerMixin
from engine.schedulers.param_scheduler import INF
from engine.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class WarmupParamScheduler(FactorParamScheduler):
    """Warm ``param_name`` up over ``warmup_iters`` steps from ``begin``.

    Args:
        warmup: ``'constant'``, ``'linear'`` or ``'exp'``.
        warmup_ratio: the starting factor, in (0, 1].
        warmup_iters: steps of warmup; defaults to ``end - begin - 1`` (like LinearLR, so
            ``end = W + 1`` gives W steps).
        divide: divide by the factor instead of multiplying (MMCV's momentum warmup); the
            default is False, True for :class:`WarmupMomentum`.
    """

    _state_attrs = ('warmup', 'warmup_ratio', 'warmup_iters', 'divide')
    _epoch_unit_args = ('warmup_iters',)
    _divide_default = False

    def __init__(self, optimizer: Any, param_name: str, warmup: str = 'linear',
                 warmup_ratio: float = 0.1, warmup_iters: Optional[int] = None,
                 divide: Optional[bool] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        if warmup not in WARMUP_KINDS:
            raise fail('warmup', f'must be one of {", ".join(WARMUP_KINDS)}, '
                       f'got {warmup!r}')
        check_number(fail, 'warmup_ratio', warmup_ratio)
        if not 0 < warmup_ratio <= 1:
            raise fail('warmup_ratio', f'must be in (0, 1], got {warmup_ratio!r}')
        if warmup_iters is None:
            if end == INF:
                raise fail('warmup_iters', 'is needed when end is not set',
                           fix='give warmup_iters, or end = warmup_iters + 1')
            warmup_iters = end - begin - 1
        check_number(fail, 'warmup_iters', warmup_iters)
        if warmup_iters <= 0:
            raise fail('warmup_iters', f'must be positive, got {warmup_iters!r}')
        self.warmup = warmup
        self.warmup_ratio = warmup_ratio
        self.warmup_iters = warmup_iters
        self.divide = self._divide_default if divide is None else bool(divide)
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        if t > self.warmup_iters:
            return None   # the warmup is over: leave the value alone
        return warmup_value(base, self.warmup, self.warmup_ratio, t, self.warmup_iters,
                            divide=self.divide)


@PARAM_SCHEDULERS.register_module()
class WarmupLR(LRSchedulerMixin, WarmupParamScheduler):
    """:class:`WarmupParamScheduler` on the learning rate (multiplies)."""


@PARAM_SCHEDULERS.register_module()
class WarmupMomentum(MomentumSchedulerMixin, WarmupParamScheduler):
    """:class:`WarmupParamScheduler` on the momentum; divides, as MMCV's momentum warmup."""

    _divide_default = True
