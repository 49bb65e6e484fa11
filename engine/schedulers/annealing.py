"""Schedulers that anneal the value along a curve: Linear, CosineAnnealing, Poly and
CosineRestart (generic ``param_name`` form; LR/momentum variants live elsewhere)."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

from engine.schedulers.checks import (check_eta_min_xor_ratio, check_number,
                                      check_restart_periods, check_unit_interval,
                                      scheduler_failure)
from engine.schedulers.closed_form import (annealing_target, cosine_annealing_chain,
                                           cosine_restart_chain, cumulative_periods, linear_chain,
                                           poly_chain)
from engine.schedulers.param_scheduler import INF, ParamScheduler
from engine.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class LinearParamScheduler(ParamScheduler):
    """Scale the value by a factor moving linearly from ``start_factor`` to ``end_factor``
    (both in [0, 1]); the end factor is reached at step ``end - 1``."""

    _state_attrs = ('start_factor', 'end_factor', 'total_iters')

    def __init__(self, optimizer: Any, param_name: str, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, begin: int = 0, end: int = INF, last_step: int = -1,
                 by_epoch: bool = True, verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        check_unit_interval(fail, 'start_factor', start_factor)
        check_unit_interval(fail, 'end_factor', end_factor)
        if start_factor == 0 and end - begin - 1 > 0:
            # The chained ratio at step 1 has total_iters * start_factor = 0 as denominator:
            # MMEngine dies with ZeroDivisionError there.
            raise fail('start_factor', 'must be > 0 (the chained rule divides by it)',
                       fix='use a tiny positive start_factor such as 1e-3')
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = end - begin - 1
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _next_values(self, current: List[float]) -> List[float]:
        return [linear_chain(v, self.start_factor, self.end_factor, self.last_step,
                             self.total_iters) for v in current]


@PARAM_SCHEDULERS.register_module()
class CosineAnnealingParamScheduler(ParamScheduler):
    """Cosine annealing from the value at ``begin`` to ``eta_min`` over ``T_max`` steps
    (``T_max`` defaults to ``end - begin``). Give ``eta_min`` or ``eta_min_ratio``, not both;
    neither means ``eta_min = 0``. A ratio above 1 makes the curve rise."""

    _state_attrs = ('T_max', 'eta_min', 'eta_min_ratio')
    _epoch_unit_args = ('T_max',)

    def __init__(self, optimizer: Any, param_name: str, T_max: Optional[int] = None,
                 eta_min: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False,
                 eta_min_ratio: Optional[float] = None):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        if eta_min is None and eta_min_ratio is None:
            eta_min = 0.
        check_eta_min_xor_ratio(fail, eta_min, eta_min_ratio)
        if T_max is not None:
            check_number(fail, 'T_max', T_max)
            if T_max < 0:
                raise fail('T_max', f'must be positive, got {T_max!r}')
        # A zero T_max falls back to the range length, as in MMEngine (`T_max or ...`).
        self.T_max = T_max or (end - begin)
        self.eta_min = eta_min
        self.eta_min_ratio = eta_min_ratio
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _next_values(self, current: List[float]) -> List[float]:
        return [cosine_annealing_chain(v, base,
                                       annealing_target(base, self.eta_min, self.eta_min_ratio),
                                       self.last_step, self.T_max)
                for base, v in zip(self.base_values, current)]


@PARAM_SCHEDULERS.register_module()
class PolyParamScheduler(ParamScheduler):
    """Polynomial decay to ``eta_min`` with exponent ``power``, reached at step ``end - 1``."""

    _state_attrs = ('eta_min', 'power', 'total_iters')

    def __init__(self, optimizer: Any, param_name: str, eta_min: float = 0, power: float = 1.0,
                 begin: int = 0, end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        check_number(fail, 'eta_min', eta_min)
        check_number(fail, 'power', power)
        self.eta_min = eta_min
        self.power = power
        self.total_iters = end - begin - 1
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _next_values(self, current: List[float]) -> List[float]:
        return [poly_chain(v, self.eta_min, self.power, self.last_step, self.total_iters)
                for v in current]


@PARAM_SCHEDULERS.register_module()
class CosineRestartParamScheduler(ParamScheduler):
    """Cosine annealing restarted at the end of each of ``periods``; period ``i`` starts at
    ``base * restart_weights[i]``. Needs exactly one of ``eta_min`` / ``eta_min_ratio``.
    Past the last period the value is held."""

    _state_attrs = ('periods', 'restart_weights', 'eta_min', 'eta_min_ratio',
                    'cumulative_periods')
    _epoch_unit_args = ('periods',)

    def __init__(self, optimizer: Any, param_name: str, periods: List[int],
                 restart_weights: Sequence[float] = (1, ), eta_min: Optional[float] = None,
                 eta_min_ratio: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        check_eta_min_xor_ratio(fail, eta_min, eta_min_ratio)
        periods, weights = check_restart_periods(fail, periods, restart_weights)
        self.periods = periods
        self.restart_weights = weights
        self.eta_min = eta_min
        self.eta_min_ratio = eta_min_ratio
        self.cumulative_periods = cumulative_periods(periods)
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _next_values(self, current: List[float]) -> List[float]:
        return [cosine_restart_chain(v, base,
                                     annealing_target(base, self.eta_min, self.eta_min_ratio),
                                     self.last_step, self.periods, self.cumulative_periods,
                                     self.restart_weights)
                for base, v in zip(self.base_values, current)]
