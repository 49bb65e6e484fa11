"""MMCV 1.x's annealing policies as factor schedulers (``Relative*``), engine-only.

MMEngine's CosineAnnealingLR / PolyLR / CosineRestartLR move the *current* value towards an
absolute ``eta_min``; with a warmup chained in front, that is not MMCV's
``warmup(t) * regular(t)`` (0.46 % off for cosine to ``0.05 * base`` after a linear warmup).
These compute MMCV's value from the base value and swap it in as a factor (see :mod:`.factor`),
so warmups and other factor schedulers chain exactly. ``T_max`` is the progress at which MMCV
reaches the target (its ``max_epochs`` or ``max_iters``; default ``end - begin``) and is an
epoch unit under ``convert_to_iter_based``. ``eta_min`` / ``eta_min_ratio`` are MMCV's
``min_lr`` / ``min_lr_ratio`` (absolute, or times each group's base value).

====================================  ======================================================
``RelativeCosineAnnealingLR``         ``annealing_cos(base, target, t / T_max)``
``RelativeFlatCosineAnnealingLR``     ``base`` until ``round(T_max * start_percent)``, then cosine
``RelativeCosineRestartLR``           restarts at ``target + w * (base - target)`` (MMCV's peak)
``RelativePolyLR``                    ``(base - eta_min) * (1 - t / T_max) ** power + eta_min``
``RelativeLinearAnnealingLR``         ``base + (target - base) * t / T_max``
====================================  ======================================================

Example: ``RelativeCosineAnnealingLR(eta_min=0.001, T_max=10)`` on lr 0.1 gives 0.1, 0.0976,
0.0905, ... 0.0034 at step 9; behind ``LinearLR(start_factor=0.1, end=3, by_epoch=False)`` the
first two steps are 0.01 and 0.0537 (= 0.55 * 0.0976), as in MMCV.
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

from engine.schedulers.checks import (check_eta_min_or_ratio, check_fraction, check_number,
                                      check_restart_periods, scheduler_failure)
from engine.schedulers.closed_form import (annealing_cos, annealing_linear, annealing_target,
                                           cosine_restart_peak_value, flat_cosine_value,
                                           poly_value)
from engine.schedulers.factor import FactorParamScheduler, default_length
from engine.schedulers.lr_scheduler import LRSchedulerMixin
from engine.schedulers.momentum_scheduler import MomentumSchedulerMixin
from engine.schedulers.param_scheduler import INF
from engine.registry import PARAM_SCHEDULERS


class _RelativeAnnealing(FactorParamScheduler):
    """Shared arguments: ``T_max`` and the target (``eta_min`` xor ``eta_min_ratio``)."""

    _state_attrs = ('T_max', 'eta_min', 'eta_min_ratio')
    _epoch_unit_args = ('T_max',)

    def __init__(self, optimizer: Any, param_name: str, T_max: Optional[int] = None,
                 eta_min: Optional[float] = None, eta_min_ratio: Optional[float] = None,
                 begin: int = 0, end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        owner = type(self).__name__
        check_eta_min_or_ratio(scheduler_failure(owner), eta_min, eta_min_ratio)
        self.T_max = default_length(owner, 'T_max', T_max, begin, end)
        self.eta_min = eta_min
        self.eta_min_ratio = eta_min_ratio
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _target(self, base: float) -> float:
        return annealing_target(base, self.eta_min, self.eta_min_ratio)


@PARAM_SCHEDULERS.register_module()
class RelativeCosineAnnealingParamScheduler(_RelativeAnnealing):
    """MMCV ``CosineAnnealing``: cosine from the base value to the target at ``T_max``."""

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        return annealing_cos(base, self._target(base), t / self.T_max)


@PARAM_SCHEDULERS.register_module()
class RelativeLinearAnnealingParamScheduler(_RelativeAnnealing):
    """MMCV ``LinearAnnealing``: a line from the base value to the target at ``T_max``."""

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        return annealing_linear(base, self._target(base), t / self.T_max)


@PARAM_SCHEDULERS.register_module()
class RelativeFlatCosineAnnealingParamScheduler(_RelativeAnnealing):
    """MMCV ``FlatCosineAnnealing``: flat until ``round(T_max * start_percent)``, then cosine."""

    _state_attrs = ('start_percent',)

    def __init__(self, optimizer: Any, param_name: str, start_percent: float = 0.75,
                 T_max: Optional[int] = None, eta_min: Optional[float] = None,
                 eta_min_ratio: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        check_fraction(fail, 'start_percent', start_percent)
        self.start_percent = start_percent
        super().__init__(optimizer, param_name, T_max=T_max, eta_min=eta_min,
                         eta_min_ratio=eta_min_ratio, begin=begin, end=end,
                         last_step=last_step, by_epoch=by_epoch, verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        return flat_cosine_value(base, self._target(base), t, self.T_max, self.start_percent)


@PARAM_SCHEDULERS.register_module()
class RelativePolyParamScheduler(_RelativeAnnealing):
    """MMCV ``poly``: ``(base - eta_min) * (1 - t / T_max) ** power + eta_min`` (absolute
    ``eta_min`` only, as MMCV's ``min_lr``)."""

    _state_attrs = ('power',)

    def __init__(self, optimizer: Any, param_name: str, power: float = 1.,
                 T_max: Optional[int] = None, eta_min: float = 0., begin: int = 0,
                 end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        check_number(scheduler_failure(type(self).__name__), 'power', power)
        self.power = power
        super().__init__(optimizer, param_name, T_max=T_max, eta_min=eta_min, begin=begin,
                         end=end, last_step=last_step, by_epoch=by_epoch, verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        return poly_value(base, self.eta_min, self.power, t, self.T_max)


@PARAM_SCHEDULERS.register_module()
class RelativeCosineRestartParamScheduler(FactorParamScheduler):
    """MMCV ``CosineRestart``: period ``i`` restarts at ``target + w_i * (base - target)``;
    the value is held past the last period (MMCV raised there)."""

    _state_attrs = ('periods', 'restart_weights', 'eta_min', 'eta_min_ratio')
    _epoch_unit_args = ('periods',)

    def __init__(self, optimizer: Any, param_name: str, periods: List[int],
                 restart_weights: Sequence[float] = (1, ), eta_min: Optional[float] = None,
                 eta_min_ratio: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        check_eta_min_or_ratio(fail, eta_min, eta_min_ratio)
        periods, weights = check_restart_periods(fail, periods, restart_weights)
        self.periods = periods
        self.restart_weights = weights
        self.eta_min = eta_min
        self.eta_min_ratio = eta_min_ratio
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        target = annealing_target(base, self.eta_min, self.eta_min_ratio)
        return cosine_restart_peak_value(base, target, t, self.periods, self.restart_weights)


@PARAM_SCHEDULERS.register_module()
class RelativeCosineAnnealingLR(LRSchedulerMixin, RelativeCosineAnnealingParamScheduler):
    """:class:`RelativeCosineAnnealingParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class RelativeCosineAnnealingMomentum(MomentumSchedulerMixin,
                                      RelativeCosineAnnealingParamScheduler):
    """:class:`RelativeCosineAnnealingParamScheduler` on the momentum."""


@PARAM_SCHEDULERS.register_module()
class RelativeLinearAnnealingLR(LRSchedulerMixin, RelativeLinearAnnealingParamScheduler):
    """:class:`RelativeLinearAnnealingParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class RelativeLinearAnnealingMomentum(MomentumSchedulerMixin,
                                      RelativeLinearAnnealingParamScheduler):
    """:class:`RelativeLinearAnnealingParamScheduler` on the momentum."""


@PARAM_SCHEDULERS.register_module()
class RelativeFlatCosineAnnealingLR(LRSchedulerMixin, RelativeFlatCosineAnnealingParamScheduler):
    """:class:`RelativeFlatCosineAnnealingParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class RelativePolyLR(LRSchedulerMixin, RelativePolyParamScheduler):
    """:class:`RelativePolyParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class RelativeCosineRestartLR(LRSchedulerMixin, RelativeCosineRestartParamScheduler):
    """:class:`RelativeCosineRestartParamScheduler` on the learning rate."""
