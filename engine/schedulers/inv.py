"""``InvLR``: Caffe's ``inv`` policy (MMCV ``policy='inv'``), engine-only.

``lr = base * (1 + gamma * t) ** (-power)``; a factor scheduler, so warmups chain exactly::

    dict(type='InvLR', gamma=0.5, power=1.0, by_epoch=True)
    # lr 0.1 -> 0.1, 0.0667, 0.05, 0.04, ... (epochs 0, 1, 2, 3)

With ``convert_to_iter_based=True`` the same curve is followed per iteration: ``gamma`` is
divided by the epoch length.
"""
from __future__ import annotations

from typing import Any, Optional

from engine.schedulers.checks import check_number, scheduler_failure
from engine.schedulers.closed_form import inv_value
from engine.schedulers.factor import FactorParamScheduler
from engine.schedulers.lr_scheduler import LRSchedulerMixin
from engine.schedulers.param_scheduler import INF
from engine.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class InvParamScheduler(FactorParamScheduler):
    """``value = base * (1 + gamma * t) ** (-power)``, ``t`` counted from ``begin``."""

    _state_attrs = ('gamma', 'power')

    def __init__(self, optimizer: Any, param_name: str, gamma: float, power: float = 1.0,
                 begin: int = 0, end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        check_number(fail, 'gamma', gamma)
        check_number(fail, 'power', power)
        if gamma < 0:
            raise fail('gamma', f'must be >= 0, got {gamma!r}')
        self.gamma = gamma
        self.power = power
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args: Any, epoch_length: int = None,
                              **kwargs: Any) -> 'InvParamScheduler':
        """Per-iteration form of an epoch curve: ``gamma`` per iteration is ``gamma / L``."""
        if 'gamma' in kwargs and isinstance(epoch_length, int) and epoch_length > 0:
            kwargs['gamma'] = kwargs['gamma'] / epoch_length
        return super().build_iter_from_epoch(*args, epoch_length=epoch_length, **kwargs)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        return inv_value(base, self.gamma, self.power, t)


@PARAM_SCHEDULERS.register_module()
class InvLR(LRSchedulerMixin, InvParamScheduler):
    """:class:`InvParamScheduler` on the learning rate."""
