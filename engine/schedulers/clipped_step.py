"""``ClippedStepLR`` / ``ClippedStepMomentum``: step decay with a floor, engine-only.

MMCV's ``step`` policy with ``min_lr`` (``min_momentum``): ``max(base * gamma ** n, eta_min)``
where ``n`` counts the decays (every ``step_size`` steps, or at each of ``milestones``,
counted from ``begin``). MMEngine's StepLR/MultiStepLR cannot clip::

    dict(type='ClippedStepLR', milestones=[8, 11], gamma=0.1, eta_min=0.005)
    # lr 0.1 -> 0.1 (epochs 0-7), 0.01 (8-10), 0.005 (11-, clipped from 0.001)
"""
from __future__ import annotations

from typing import Any, List, Optional

from engine.schedulers.checks import (check_number, check_number_list, check_positive,
                                      scheduler_failure)
from engine.schedulers.closed_form import clipped_step_value
from engine.schedulers.factor import FactorParamScheduler
from engine.schedulers.lr_scheduler import LRSchedulerMixin
from engine.schedulers.momentum_scheduler import MomentumSchedulerMixin
from engine.schedulers.param_scheduler import INF
from engine.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class ClippedStepParamScheduler(FactorParamScheduler):
    """Decay by ``gamma`` every ``step_size`` steps or at each of ``milestones`` (give one),
    never below ``eta_min`` (None: no floor)."""

    _state_attrs = ('step_size', 'milestones', 'gamma', 'eta_min')
    _epoch_unit_args = ('step_size', 'milestones')

    def __init__(self, optimizer: Any, param_name: str, step_size: Optional[int] = None,
                 milestones: Optional[List[int]] = None, gamma: float = 0.1,
                 eta_min: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        if (step_size is None) == (milestones is None):
            raise fail('step_size', 'and milestones: give exactly one of them',
                       fix='step_size=N decays every N steps; milestones=[...] at those steps')
        if step_size is not None:
            check_positive(fail, 'step_size', step_size)
        else:
            milestones = check_number_list(fail, 'milestones', milestones, positive=True)
        check_number(fail, 'gamma', gamma)
        if eta_min is not None:
            check_number(fail, 'eta_min', eta_min)
        self.step_size = step_size
        self.milestones = milestones
        self.gamma = gamma
        self.eta_min = eta_min
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        step = self.step_size if self.step_size is not None else self.milestones
        return clipped_step_value(base, self.gamma, t, step, self.eta_min)


@PARAM_SCHEDULERS.register_module()
class ClippedStepLR(LRSchedulerMixin, ClippedStepParamScheduler):
    """:class:`ClippedStepParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class ClippedStepMomentum(MomentumSchedulerMixin, ClippedStepParamScheduler):
    """:class:`ClippedStepParamScheduler` on the momentum (MMCV's default gamma there was
    0.5; write it explicitly)."""
