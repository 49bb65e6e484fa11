"""The 1cycle learning-rate scheduler (MMEngine's ``OneCycleParamScheduler``; lr only)."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Union

from engine.errors import ConfigError
from engine.schedulers.checks import (check_anneal_strategy, check_fraction, check_number,
                                      param_groups_of, scheduler_failure)
from engine.schedulers.closed_form import one_cycle_phases, one_cycle_value
from engine.schedulers.param_scheduler import INF, ParamScheduler
from engine.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class OneCycleParamScheduler(ParamScheduler):
    """Ramp the lr from ``eta_max / div_factor`` up to ``eta_max`` during ``pct_start`` of
    ``total_steps`` (default ``end - begin``), then anneal it to
    ``eta_max / div_factor / final_div_factor``; ``three_phase`` comes back to the initial lr
    before the final anneal. Not chainable: it overwrites the lr at every step, and it writes
    ``initial_lr``/``max_lr``/``min_lr`` into each param group on a fresh start.

    ``eta_max`` may be a list with one value per entry of ``optimizer.param_groups``.
    """

    _state_attrs = ('eta_max', 'div_factor', 'final_div_factor', 'total_steps', 'pct_start',
                    'anneal_strategy', 'three_phase', '_schedule_phases')
    _epoch_unit_args = ('total_steps',)

    def __init__(self, optimizer: Any, param_name: str, eta_max: Union[float, Sequence] = 0,
                 total_steps: Optional[int] = None, pct_start: float = 0.3,
                 anneal_strategy: str = 'cos', div_factor: float = 25.,
                 final_div_factor: float = 1e4, three_phase: bool = False, begin: int = 0,
                 end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        if param_name != 'lr':
            raise fail('param_name', f"must be 'lr' (1cycle schedules only the learning "
                       f'rate), got {param_name!r}')
        if total_steps is not None:
            if not isinstance(total_steps, int) or isinstance(total_steps, bool) \
                    or total_steps <= 0:
                raise fail('total_steps', f'must be a positive integer, got {total_steps!r}')
            self.total_steps = total_steps
        else:
            self.total_steps = end - begin
        # MMEngine insists on a float here (pct_start=1 is refused), so a config we accept
        # also builds on MMEngine.
        check_fraction(fail, 'pct_start', pct_start)
        check_anneal_strategy(fail, 'anneal_strategy', anneal_strategy)
        check_number(fail, 'div_factor', div_factor)
        check_number(fail, 'final_div_factor', final_div_factor)
        self.eta_max = eta_max
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.three_phase = three_phase
        self._schedule_phases = one_cycle_phases(self.total_steps, pct_start, three_phase)
        groups = param_groups_of(owner, optimizer)
        max_values = self._per_group(owner, groups, eta_max)
        if last_step == -1:
            for peak, group in zip(max_values, groups):
                group['initial_lr'] = peak / div_factor
                group['max_lr'] = peak
                group['min_lr'] = group['initial_lr'] / final_div_factor
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    @staticmethod
    def _per_group(owner: str, groups: list, eta_max: Any) -> List[float]:
        fail = scheduler_failure(owner)
        if isinstance(eta_max, (list, tuple)):
            if len(eta_max) != len(groups):
                raise fail('eta_max', f'has {len(eta_max)} values but the optimizer has '
                           f'{len(groups)} param groups')
            for value in eta_max:
                check_number(fail, 'eta_max', value)
            return list(eta_max)
        check_number(fail, 'eta_max', eta_max)
        return [eta_max] * len(groups)

    def _next_values(self, current: List[float]) -> List[float]:
        # absolute, not chained: the anchors live in the groups, the current values are unused
        if self.last_step > self.total_steps:
            raise ConfigError(
                f'{type(self).__name__} was stepped {self.last_step + 1} times but total_steps '
                f'is {self.total_steps}', key='total_steps',
                fix='set total_steps (or end) to the number of scheduled steps')
        values = []
        for group in self.param_groups:
            anchors = {k: group[f'{k}_{self.param_name}'] for k in ('initial', 'max', 'min')}
            values.append(one_cycle_value(self.last_step, self._schedule_phases, anchors,
                                          self.anneal_strategy))
        return values
