"""MMCV 1.x's 1cycle policies as factor schedulers, engine-only.

* ``OneCycleMomentum``: MMCV's ``OneCycleMomentumUpdaterHook``; the momentum (or Adam's
  beta1) is cycled inversely to the lr, ``max_momentum -> base_momentum -> max_momentum``
  (three phases: then held at ``max_momentum``). MMEngine's 1cycle only schedules the lr::

      dict(type='OneCycleMomentum', base_momentum=0.85, max_momentum=0.95, total_steps=100,
           by_epoch=False)   # 0.95 at step 0, 0.85 at step 29, 0.95 again at step 99

* ``RelativeOneCycleLR``: MMCV's ``OneCycleLrUpdaterHook`` for a warmup laid over it (MMEngine's
  ``OneCycleLR`` overwrites the lr each step, so a chained warmup is lost); same arguments as
  ``OneCycleLR``.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

from engine.schedulers.checks import (check_anneal_strategy, check_fraction, check_number,
                                      scheduler_failure)
from engine.schedulers.closed_form import (annealing_cos, annealing_linear,
                                           one_cycle_momentum_phases)
from engine.schedulers.factor import FactorParamScheduler, default_length, per_group
from engine.schedulers.lr_scheduler import LRSchedulerMixin
from engine.schedulers.momentum_scheduler import MomentumSchedulerMixin
from engine.schedulers.param_scheduler import INF
from engine.registry import PARAM_SCHEDULERS


def _check_common(owner: str, pct_start: Any, anneal_strategy: Any) -> None:
    fail = scheduler_failure(owner)
    check_fraction(fail, 'pct_start', pct_start)
    check_anneal_strategy(fail, 'anneal_strategy', anneal_strategy)


def _phase_value(t: int, phases: List[Tuple[float, Any, Any]], anneal) -> float:
    """Walk MMCV's phase table: ``(last step, start value, end value)`` per phase."""
    start_step = 0
    for i, (end_step, start, end) in enumerate(phases):
        if t <= end_step or i == len(phases) - 1:
            return anneal(start, end, (t - start_step) / (end_step - start_step))
        start_step = end_step
    raise ValueError('a 1cycle schedule needs at least one phase')


@PARAM_SCHEDULERS.register_module()
class OneCycleMomentum(MomentumSchedulerMixin, FactorParamScheduler):
    """1cycle momentum over ``total_steps`` (default ``end - begin``); ``base_momentum`` and
    ``max_momentum`` are absolute values (a number, or one per param group)."""

    _state_attrs = ('base_momentum', 'max_momentum', 'pct_start', 'anneal_strategy',
                    'three_phase', 'total_steps', '_low', '_high')
    _epoch_unit_args = ('total_steps',)

    def __init__(self, optimizer: Any, base_momentum: Any = 0.85, max_momentum: Any = 0.95,
                 pct_start: float = 0.3, anneal_strategy: str = 'cos',
                 three_phase: bool = False, total_steps: Optional[int] = None, begin: int = 0,
                 end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        owner = type(self).__name__
        _check_common(owner, pct_start, anneal_strategy)
        self.base_momentum = base_momentum
        self.max_momentum = max_momentum
        self._low = per_group(owner, 'base_momentum', base_momentum, optimizer)
        self._high = per_group(owner, 'max_momentum', max_momentum, optimizer)
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.three_phase = three_phase
        self.total_steps = default_length(owner, 'total_steps', total_steps, begin, end)
        FactorParamScheduler.__init__(self, optimizer, self._variant_param_name(optimizer),
                                      begin=begin, end=end, last_step=last_step,
                                      by_epoch=by_epoch, verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        anchors = {'base': self._low[index], 'max': self._high[index]}
        phases = [(end, anchors[a], anchors[b]) for end, a, b in
                  one_cycle_momentum_phases(self.total_steps, self.pct_start, self.three_phase)]
        anneal = annealing_cos if self.anneal_strategy == 'cos' else annealing_linear
        return _phase_value(t, phases, anneal)


@PARAM_SCHEDULERS.register_module()
class RelativeOneCycleLR(LRSchedulerMixin, FactorParamScheduler):
    """1cycle lr (MMCV's formula: phases relative to ``eta_max / div_factor``) as a factor
    of the optimizer's lr, so a warmup chained before it stays laid over it."""

    _state_attrs = ('eta_max', 'total_steps', 'pct_start', 'anneal_strategy', 'div_factor',
                    'final_div_factor', 'three_phase', '_peaks')
    _epoch_unit_args = ('total_steps',)

    def __init__(self, optimizer: Any, eta_max: Any = 0, total_steps: Optional[int] = None,
                 pct_start: float = 0.3, anneal_strategy: str = 'cos',
                 div_factor: float = 25., final_div_factor: float = 1e4,
                 three_phase: bool = False, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        _check_common(owner, pct_start, anneal_strategy)
        check_number(fail, 'div_factor', div_factor)
        check_number(fail, 'final_div_factor', final_div_factor)
        self.eta_max = eta_max
        self._peaks = per_group(owner, 'eta_max', eta_max, optimizer)
        self.total_steps = default_length(owner, 'total_steps', total_steps, begin, end)
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.three_phase = three_phase
        FactorParamScheduler.__init__(self, optimizer, 'lr', begin=begin, end=end,
                                      last_step=last_step, by_epoch=by_epoch, verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        start = self._peaks[index] / self.div_factor   # MMCV's base_lr
        total, pct, div = self.total_steps, self.pct_start, self.div_factor
        low = 1 / self.final_div_factor
        if self.three_phase:
            table = [(float(pct * total) - 1, 1, div), (float(2 * pct * total) - 2, div, 1),
                     (total - 1, 1, low)]
        else:
            table = [(float(pct * total) - 1, 1, div), (total - 1, div, low)]
        phases = [(end, start * a, start * b) for end, a, b in table]
        anneal = annealing_cos if self.anneal_strategy == 'cos' else annealing_linear
        return _phase_value(t, phases, anneal)
