"""``CyclicLR`` / ``CyclicMomentum``: MMCV 1.x's cyclic policy, engine-only.

``total_steps`` (default ``end - begin``; MMCV used the run's ``max_iters``) is cut into
``cyclic_times`` cycles; each rises from the base value to ``target_ratio[0]`` times it during
``step_ratio_up`` of the cycle, then goes to ``target_ratio[1]`` times it, along a cosine or a
line; ``gamma < 1`` shrinks later peaks (see :mod:`.closed_form.cyclic`). MMEngine can only
chain one cosine cycle exactly::

    dict(type='CyclicLR', target_ratio=(10, 1e-4), cyclic_times=2, step_ratio_up=0.4,
         total_steps=100, by_epoch=False)
    # lr 0.1: up to 1.0 at step 20, down towards 1e-5 (0.0027 at step 49), 0.1 again at 50

The momentum variant defaults to MMCV's ``target_ratio=(0.85 / 0.95, 1)`` (down, then back).
"""
from __future__ import annotations

from typing import Any, Optional

from engine.schedulers.checks import check_anneal_strategy, check_number, scheduler_failure
from engine.schedulers.closed_form import (cyclic_phases, cyclic_value,
                                           normalize_target_ratio)
from engine.schedulers.factor import FactorParamScheduler, default_length
from engine.schedulers.lr_scheduler import LRSchedulerMixin
from engine.schedulers.momentum_scheduler import MomentumSchedulerMixin
from engine.schedulers.param_scheduler import INF
from engine.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class CyclicParamScheduler(FactorParamScheduler):
    """Cosine (or linear) cycles of ``param_name`` relative to its base value."""

    _state_attrs = ('target_ratio', 'cyclic_times', 'step_ratio_up', 'anneal_strategy',
                    'gamma', 'total_steps', 'period', 'up')
    _epoch_unit_args = ('total_steps',)
    _default_target_ratio = (10, 1e-4)

    def __init__(self, optimizer: Any, param_name: str, target_ratio: Any = None,
                 cyclic_times: int = 1, step_ratio_up: float = 0.4,
                 anneal_strategy: str = 'cos', gamma: float = 1.,
                 total_steps: Optional[int] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        try:
            ratios = normalize_target_ratio(
                self._default_target_ratio if target_ratio is None else target_ratio)
            for r in ratios:
                check_number(fail, 'target_ratio', r)
        except (TypeError, ValueError) as e:
            raise fail('target_ratio', f'must be a number or two numbers, got '
                       f'{target_ratio!r}') from e
        if not isinstance(cyclic_times, int) or isinstance(cyclic_times, bool) \
                or cyclic_times <= 0:
            raise fail('cyclic_times', f'must be a positive int, got {cyclic_times!r}')
        check_number(fail, 'step_ratio_up', step_ratio_up)
        if not 0 <= step_ratio_up < 1:
            raise fail('step_ratio_up', f'must be in [0, 1), got {step_ratio_up!r}')
        check_anneal_strategy(fail, 'anneal_strategy', anneal_strategy)
        check_number(fail, 'gamma', gamma)
        if not 0 < gamma <= 1:
            raise fail('gamma', f'must be in (0, 1], got {gamma!r}')
        total_steps = default_length(owner, 'total_steps', total_steps, begin, end)
        period, up = cyclic_phases(int(total_steps), cyclic_times, step_ratio_up)
        if period <= 0:
            raise fail('cyclic_times', f'{cyclic_times} cycles do not fit in '
                       f'{total_steps} steps', fix='use fewer cycles or more steps')
        self.target_ratio = tuple(ratios)
        self.cyclic_times = cyclic_times
        self.step_ratio_up = step_ratio_up
        self.anneal_strategy = anneal_strategy
        self.gamma = gamma
        self.total_steps = total_steps
        self.period, self.up = period, up
        super().__init__(optimizer, param_name, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        return cyclic_value(base, t, self.period, self.up, self.target_ratio, self.gamma,
                            self.anneal_strategy)


@PARAM_SCHEDULERS.register_module()
class CyclicLR(LRSchedulerMixin, CyclicParamScheduler):
    """:class:`CyclicParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class CyclicMomentum(MomentumSchedulerMixin, CyclicParamScheduler):
    """:class:`CyclicParamScheduler` on the momentum."""

    _default_target_ratio = (0.85 / 0.95, 1.)
