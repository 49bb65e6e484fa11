"""MMCV 1.7.2's momentum updater hooks (``momentum_config``), registered in compat's ``HOOKS``.

Momentum is ``momentum`` or, for Adam-like optimizers, ``betas[0]``; its warmup divides by
the warmup factor where the lr's multiplies. Arguments are parsed and checked by
:func:`compat.schedules.parse_momentum_config` (errors name ``momentum_config.<key>``).
A downstream subclass of ``MomentumUpdaterHook`` that implements
``get_momentum(runner, base_momentum)`` is driven through its methods, as MMCV does.
"""
from __future__ import annotations

from typing import List

# re-exported as MMCV's momentum_updater imports them from lr_updater
from engine.schedulers.closed_form import annealing_cos, annealing_linear  # noqa: F401

from compat.runner.hooks.custom_schedule import format_param  # noqa: F401
from compat.runner.hooks.custom_schedule import (DownstreamValues, custom_schedule,
                                                 overridden_outside, to_internal)
from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.schedule_hook import ScheduleHook, no_momentum_error
from compat.schedules.parse import parse_momentum_config
from compat.schedules.regular import per_group

_VALUE_METHODS = ('get_momentum', 'get_regular_momentum', 'get_warmup_momentum')


class MomentumUpdaterHook(DownstreamValues, ScheduleHook):
    """Base of the momentum policy hooks: ``by_epoch``, ``warmup``, ``warmup_iters``,
    ``warmup_ratio`` plus the policy's own arguments.

    As :class:`~compat.runner.hooks.lr_updater.LrUpdaterHook`: a downstream subclass that
    implements ``get_momentum`` (or ``get_regular_momentum``) runs on MMCV's base arguments
    and timeline; overriding these methods of a compat policy subclass is refused.
    """

    kind = 'momentum'

    def __init__(self, *args, **kwargs) -> None:
        cls = type(self)
        self._custom = self.policy is None and any(
            overridden_outside(cls, name, __name__) for name in _VALUE_METHODS[:2])
        if self._custom:
            super().__init__(custom_schedule('momentum', cls.__name__, args, kwargs))
            return
        if self.policy is None:
            raise TypeError(f'{cls.__name__} is the base of the momentum policy hooks; build '
                            "one of them, e.g. momentum_config=dict(policy='cyclic'), or "
                            'implement get_momentum(runner, base_momentum) in a subclass')
        _refuse_value_overrides(cls, self.policy)
        if args:
            raise TypeError(f'{cls.__name__} takes keyword arguments only, got {args!r}: '
                            f"write momentum_config=dict(policy='{self.policy}', ...)")
        super().__init__(parse_momentum_config(dict(policy=self.policy, **kwargs)))

    @property
    def base_momentum(self):
        return self._public(self._bases)

    @base_momentum.setter
    def base_momentum(self, values) -> None:
        self._bases = to_internal(values)

    @property
    def regular_momentum(self):
        return self._public(self._regular)

    @regular_momentum.setter
    def regular_momentum(self, values) -> None:
        self._regular = to_internal(values)

    # -- MMCV's value methods: what a downstream subclass implements or calls ----------------
    def get_momentum(self, runner, base_momentum: float) -> float:
        raise NotImplementedError(f'{type(self).__name__} must implement get_momentum(runner, '
                                  'base_momentum)')

    def get_regular_momentum(self, runner):
        """``get_momentum`` of every group's base momentum, in MMCV's shape."""
        return self._each_group(runner, self.base_momentum, self.get_momentum)

    def get_warmup_momentum(self, cur_iters: int):
        """The warmup applied to ``regular_momentum`` at iteration ``cur_iters``."""
        return self._public(ScheduleHook._warmup_values(self, cur_iters))

    def _read(self, group: dict) -> float:
        if 'momentum' in group:
            return group['momentum']
        if 'betas' in group:
            return group['betas'][0]
        raise no_momentum_error(self.schedule)

    def _write(self, group: dict, value: float) -> None:
        if 'momentum' in group:
            group['momentum'] = value
        elif 'betas' in group:
            group['betas'] = (value, group['betas'][1])

    def _base_values(self, runner, key, optimizer) -> List[float]:
        for group in optimizer.param_groups:
            group.setdefault('initial_momentum', self._read(group))
        return [group['initial_momentum'] for group in optimizer.param_groups]


def _refuse_value_overrides(cls: type, policy: str) -> None:
    for name in _VALUE_METHODS:
        if overridden_outside(cls, name, __name__):
            raise TypeError(
                f'{cls.__name__} overrides {name} of a compat policy hook (policy {policy!r}); '
                "compat computes that policy's values from its policy table and would ignore "
                'the override (MMCV 1.7.2 would call it). Subclass MomentumUpdaterHook '
                'instead and implement get_momentum(runner, base_momentum) in full')


def _policy_hook(name: str, policy: str, doc: str) -> type:
    cls = type(name, (MomentumUpdaterHook,), {'policy': policy, '__doc__': doc,
                                              '__module__': __name__})
    return HOOKS.register_module()(cls)


StepMomentumUpdaterHook = _policy_hook(
    'StepMomentumUpdaterHook', 'step', 'Decay by ``gamma`` at each ``step`` (clipped at '
    '``min_momentum``).')
CosineAnnealingMomentumUpdaterHook = _policy_hook(
    'CosineAnnealingMomentumUpdaterHook', 'CosineAnnealing', 'Cosine annealing to '
    '``min_momentum`` or ``base * min_momentum_ratio``.')
LinearAnnealingMomentumUpdaterHook = _policy_hook(
    'LinearAnnealingMomentumUpdaterHook', 'LinearAnnealing', 'Linear annealing to '
    '``min_momentum`` or ``base * min_momentum_ratio``.')
CyclicMomentumUpdaterHook = _policy_hook(
    'CyclicMomentumUpdaterHook', 'cyclic', 'Cycles to ``target_ratio`` (by iteration only).')


@HOOKS.register_module()
class OneCycleMomentumUpdaterHook(MomentumUpdaterHook):
    """The 1cycle momentum (by iteration only): from ``max_momentum`` down to
    ``base_momentum`` and back, against the lr."""

    policy = 'OneCycle'

    def _base_values(self, runner, key, optimizer) -> List[float]:
        # MMCV: no initial_momentum; every group starts at max_momentum and records its range
        groups = optimizer.param_groups
        if not all('momentum' in g or 'betas' in g for g in groups):
            raise no_momentum_error(self.schedule)
        name = type(optimizer).__name__ if key is None else key
        lows = per_group(self.schedule, 'base_momentum', len(groups), name)
        highs = per_group(self.schedule, 'max_momentum', len(groups), name)
        for group, low, high in zip(groups, lows, highs):
            self._write(group, high)
            group['base_momentum'] = low
            group['max_momentum'] = high
        return highs
