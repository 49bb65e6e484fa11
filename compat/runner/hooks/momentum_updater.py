"""MMCV 1.7.2's momentum updater hooks (``momentum_config``), registered in compat's ``HOOKS``.

Momentum is ``momentum`` or, for Adam-like optimizers, ``betas[0]``; its warmup divides by
the warmup factor where the lr's multiplies. Arguments are parsed and checked by
:func:`compat.schedules.parse_momentum_config` (errors name ``momentum_config.<key>``).
"""
from __future__ import annotations

from typing import List

from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.schedule_hook import ScheduleHook, no_momentum_error
from compat.schedules.parse import parse_momentum_config
from compat.schedules.regular import per_group


class MomentumUpdaterHook(ScheduleHook):
    """Base of the momentum policy hooks: ``by_epoch``, ``warmup``, ``warmup_iters``,
    ``warmup_ratio`` plus the policy's own arguments (only the policy subclasses build)."""

    kind = 'momentum'

    def __init__(self, **kwargs) -> None:
        if self.policy is None:
            raise TypeError(f'{type(self).__name__} is the base of the momentum policy hooks; '
                            "build one of them, e.g. momentum_config=dict(policy='cyclic')")
        super().__init__(parse_momentum_config(dict(policy=self.policy, **kwargs)))

    @property
    def base_momentum(self):
        return self._public(self._bases)

    @property
    def regular_momentum(self):
        return self._public(self._regular)

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
