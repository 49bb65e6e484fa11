"""Engine-only LR schedulers for the policies downstream codebases registered on MMCV 1.x
(``migrate convert --target engine`` writes them; MMEngine has no exact form).

They are factor schedulers (:mod:`.factor`): each evaluates the policy's closed form
(:mod:`engine.schedulers.closed_form`) at its step and swaps it in as a factor, so a warmup
chained in front stays MMCV's ``warmup(t) * regular(t)``. Step ``t`` counts from ``begin``, as
MMCV's progress counts from 0; length arguments are epoch units under
``convert_to_iter_based``.

===============================  ===============================================================
``CosineCooldownLR``             MMCls ``CosineAnnealingCooldown``: cosine to the target over
                                 ``T_max - cool_down_time``, then ``target * cool_down_ratio``
``StepFixCosineAnnealingLR``     MMSelfSup ``StepFixCosineAnnealing``: cosine of
                                 ``(t - offset) / (T_max - offset)``
``YOLOXLR``                      MMDet ``YOLOX``: quadratic warmup from the base lr, cosine from
                                 ``t + 1``, the target for the last ``last_iters`` steps
``SiameseRPNLR``                 MMTracking ``SiameseRPN``: base lr times a per-step factor table
===============================  ===============================================================
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

from engine.registry import PARAM_SCHEDULERS
from engine.schedulers.checks import check_eta_min_or_ratio, check_number, scheduler_failure
from engine.schedulers.closed_form import (annealing_target, cosine_cooldown_value,
                                           siamese_rpn_factors, siamese_rpn_value,
                                           step_fix_cosine_value, yolox_value,
                                           yolox_warmup_value)
from engine.schedulers.factor import FactorParamScheduler
from engine.schedulers.lr_scheduler import LRSchedulerMixin
from engine.schedulers.param_scheduler import INF


class _TargetedLR(LRSchedulerMixin, FactorParamScheduler):
    """Shared: ``T_max`` (the policy's ``max_progress``) and the target (``eta_min`` xor
    ``eta_min_ratio``, MMCV's ``min_lr`` / ``min_lr_ratio``)."""

    _state_attrs = ('T_max', 'eta_min', 'eta_min_ratio')
    _epoch_unit_args = ('T_max',)

    def __init__(self, optimizer: Any, T_max: int, eta_min: Optional[float] = None,
                 eta_min_ratio: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        fail = scheduler_failure(type(self).__name__)
        check_eta_min_or_ratio(fail, eta_min, eta_min_ratio)
        check_number(fail, 'T_max', T_max)
        self.T_max = T_max
        self.eta_min = eta_min
        self.eta_min_ratio = eta_min_ratio
        super().__init__(optimizer, 'lr', begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _target(self, base: float) -> float:
        return annealing_target(base, self.eta_min, self.eta_min_ratio)


@PARAM_SCHEDULERS.register_module()
class CosineCooldownLR(_TargetedLR):
    """MMCls 0.x ``CosineAnnealingCooldown`` (``cool_down_time`` in the steps of ``t``)."""

    _state_attrs = ('cool_down_time', 'cool_down_ratio')

    def __init__(self, optimizer: Any, T_max: int, cool_down_time: int = 10,
                 cool_down_ratio: float = 0.1, eta_min: Optional[float] = None,
                 eta_min_ratio: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        fail = scheduler_failure(type(self).__name__)
        check_number(fail, 'cool_down_time', cool_down_time)
        check_number(fail, 'cool_down_ratio', cool_down_ratio)
        self.cool_down_time = cool_down_time
        self.cool_down_ratio = cool_down_ratio
        super().__init__(optimizer, T_max, eta_min=eta_min, eta_min_ratio=eta_min_ratio,
                         begin=begin, end=end, last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        return cosine_cooldown_value(base, self._target(base), t, self.T_max,
                                     self.cool_down_time, self.cool_down_ratio)


@PARAM_SCHEDULERS.register_module()
class StepFixCosineAnnealingLR(_TargetedLR):
    """MMSelfSup 0.x ``StepFixCosineAnnealing``; ``offset`` is the hook's ``warmup_iters``
    (an epoch unit too under ``convert_to_iter_based``)."""

    _state_attrs = ('offset',)
    _epoch_unit_args = ('T_max', 'offset')

    def __init__(self, optimizer: Any, T_max: int, offset: int = 0, eta_min: Optional[float] = None,
                 eta_min_ratio: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        check_number(scheduler_failure(type(self).__name__), 'offset', offset)
        self.offset = offset
        super().__init__(optimizer, T_max, eta_min=eta_min, eta_min_ratio=eta_min_ratio,
                         begin=begin, end=end, last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        return step_fix_cosine_value(base, self._target(base), t, self.T_max, self.offset)


@PARAM_SCHEDULERS.register_module()
class YOLOXLR(_TargetedLR):
    """MMDet 2.x ``YOLOX`` by iteration, its warmup included (``warmup_iters`` 0: none)."""

    _state_attrs = ('warmup_iters', 'warmup_ratio', 'last_iters')
    _epoch_unit_args = ('T_max', 'warmup_iters', 'last_iters')

    def __init__(self, optimizer: Any, T_max: int, warmup_iters: int = 0,
                 warmup_ratio: float = 1.0, last_iters: int = 0, eta_min: Optional[float] = None,
                 eta_min_ratio: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        fail = scheduler_failure(type(self).__name__)
        for name, value in (('warmup_iters', warmup_iters), ('warmup_ratio', warmup_ratio),
                            ('last_iters', last_iters)):
            check_number(fail, name, value)
        self.warmup_iters = warmup_iters
        self.warmup_ratio = warmup_ratio
        self.last_iters = last_iters
        super().__init__(optimizer, T_max, eta_min=eta_min, eta_min_ratio=eta_min_ratio,
                         begin=begin, end=end, last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        if t < self.warmup_iters:
            return yolox_warmup_value(base, self.warmup_ratio, t, self.warmup_iters)
        return yolox_value(base, self._target(base), t, self.T_max, self.warmup_iters,
                           self.last_iters)


@PARAM_SCHEDULERS.register_module()
class SiameseRPNLR(LRSchedulerMixin, FactorParamScheduler):
    """MMTracking 0.x ``SiameseRPN``: ``lr_configs`` as the hook takes them, one factor per
    step (epoch); the last factor is held past the table."""

    _state_attrs = ('lr_configs',)

    def __init__(self, optimizer: Any, lr_configs: Sequence[dict], begin: int = 0,
                 end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        self.lr_configs = [dict(phase) for phase in lr_configs]
        self.factors = siamese_rpn_factors(self.lr_configs)
        super().__init__(optimizer, 'lr', begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        return siamese_rpn_value(base, self.factors, t)
