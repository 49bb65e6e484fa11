"""Schedulers that multiply the current value by a factor at chosen steps: Constant, Step,
MultiStep, Exponential (generic ``param_name`` form; LR/momentum variants live elsewhere)."""
from __future__ import annotations

from collections import Counter
from typing import Any, List

from engine.schedulers.checks import (check_number, check_number_list, check_positive,
                                      check_unit_interval, scheduler_failure)
from engine.schedulers.closed_form import (constant_chain, exponential_chain,
                                           multistep_chain, step_chain)
from engine.schedulers.param_scheduler import INF, ParamScheduler
from engine.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class ConstantParamScheduler(ParamScheduler):
    """Multiply the value by ``factor`` (in [0, 1]) from ``begin`` until step ``end - 1``.

    The factor is removed at ``end - 1`` (``total_iters = end - begin - 1``), so the scheduled
    window is ``[begin, end - 1)``; see :mod:`.closed_form.constant`.
    """

    _state_attrs = ('factor', 'total_iters')

    def __init__(self, optimizer: Any, param_name: str, factor: float = 1.0 / 3,
                 begin: int = 0, end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        check_unit_interval(fail, 'factor', factor)
        if factor == 0 and end != INF and end - begin - 1 > 0:
            # MMEngine divides by the factor at end - 1 and dies with ZeroDivisionError.
            raise fail('factor', 'must be > 0 when end is finite (the value is divided '
                       'by it at step end - 1)', fix='use a tiny positive factor instead of 0')
        self.factor = factor
        self.total_iters = end - begin - 1
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _next_values(self, current: List[float]) -> List[float]:
        return [constant_chain(v, self.factor, self.last_step, self.total_iters)
                for v in current]


@PARAM_SCHEDULERS.register_module()
class StepParamScheduler(ParamScheduler):
    """Multiply the value by ``gamma`` every ``step_size`` steps (counted from ``begin``)."""

    _state_attrs = ('step_size', 'gamma')
    _epoch_unit_args = ('step_size',)

    def __init__(self, optimizer: Any, param_name: str, step_size: int, gamma: float = 0.1,
                 begin: int = 0, end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        check_positive(fail, 'step_size', step_size)
        check_number(fail, 'gamma', gamma)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _next_values(self, current: List[float]) -> List[float]:
        return [step_chain(v, self.gamma, self.last_step, self.step_size) for v in current]


@PARAM_SCHEDULERS.register_module()
class MultiStepParamScheduler(ParamScheduler):
    """Multiply the value by ``gamma`` at each milestone; milestones count from ``begin``, and
    a milestone listed twice decays twice."""

    _state_attrs = ('milestones', 'gamma')
    _epoch_unit_args = ('milestones',)

    def __init__(self, optimizer: Any, param_name: str, milestones: List[int],
                 gamma: float = 0.1, last_step: int = -1, begin: int = 0, end: int = INF,
                 by_epoch: bool = True, verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        self.milestones = Counter(check_number_list(fail, 'milestones', milestones))
        check_number(fail, 'gamma', gamma)
        self.gamma = gamma
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _next_values(self, current: List[float]) -> List[float]:
        return [multistep_chain(v, self.gamma, self.last_step, self.milestones)
                for v in current]


@PARAM_SCHEDULERS.register_module()
class ExponentialParamScheduler(ParamScheduler):
    """Multiply the value by ``gamma`` at every step after the first."""

    _state_attrs = ('gamma',)

    def __init__(self, optimizer: Any, param_name: str, gamma: float, begin: int = 0,
                 end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        check_number(scheduler_failure(type(self).__name__), 'gamma', gamma)
        self.gamma = gamma
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _next_values(self, current: List[float]) -> List[float]:
        return [exponential_chain(v, self.gamma, self.last_step) for v in current]
