"""MMCV 1.7.2's lr updater hooks (``lr_config``), registered in compat's ``HOOKS``.

Each policy hook is ``<Policy>LrUpdaterHook`` under MMCV's (or the downstream codebase's) name;
its arguments are parsed and checked by :func:`compat.schedules.parse_lr_config` (errors name
``lr_config.<key>``), its values come from :mod:`compat.schedules.regular`, and the shared
timeline of :class:`~compat.runner.hooks.schedule_hook.ScheduleHook` writes them.

A downstream subclass of ``LrUpdaterHook`` that implements ``get_lr(runner, base_lr)`` (and
maybe ``get_regular_lr``/``get_warmup_lr``) is driven through those methods, as MMCV does.
"""
from __future__ import annotations

from typing import List

# annealing_cos, annealing_linear and format_param are re-exported: downstream policies
# import them from mmcv.runner.hooks.lr_updater
from engine.schedulers.closed_form import annealing_cos, annealing_linear  # noqa: F401

from compat.runner.hooks.custom_schedule import format_param  # noqa: F401
from compat.runner.hooks.custom_schedule import (DownstreamValues, custom_schedule,
                                                 overridden_outside, to_internal)
from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.schedule_hook import ScheduleHook
from compat.schedules.parse import parse_lr_config
from compat.schedules.regular import per_group

_VALUE_METHODS = ('get_lr', 'get_regular_lr', 'get_warmup_lr')


class LrUpdaterHook(DownstreamValues, ScheduleHook):
    """Base of the lr policy hooks: ``by_epoch``, ``warmup``, ``warmup_iters``,
    ``warmup_ratio``, ``warmup_by_epoch`` plus the policy's own arguments.

    compat's policy subclasses take their values from the policy table of
    :mod:`compat.schedules`. A downstream subclass that implements ``get_lr`` (or
    ``get_regular_lr``) gets MMCV's base arguments and timeline around its own values;
    one that overrides these methods of a policy subclass is refused (TypeError), since the
    policy's values would ignore the override.
    """

    kind = 'lr'

    def __init__(self, *args, **kwargs) -> None:
        cls = type(self)
        self._custom = self.policy is None and any(
            overridden_outside(cls, name, __name__) for name in _VALUE_METHODS[:2])
        if self._custom:
            super().__init__(custom_schedule('lr', cls.__name__, args, kwargs))
            return
        if self.policy is None:
            raise TypeError(f'{cls.__name__} is the base of the lr policy hooks; build one of '
                            "them, e.g. lr_config=dict(policy='step', step=[8, 11]), or "
                            'implement get_lr(runner, base_lr) in a subclass')
        _refuse_value_overrides(cls, self.policy)
        if args:
            raise TypeError(f'{cls.__name__} takes keyword arguments only, got {args!r}: '
                            f"write lr_config=dict(policy='{self.policy}', <name>=<value>, ...)")
        super().__init__(parse_lr_config(dict(policy=self.policy, **kwargs)))

    @property
    def base_lr(self):
        """The base lr of every group (a dict of lists for a dict of optimizers)."""
        return self._public(self._bases)

    @base_lr.setter
    def base_lr(self, values) -> None:
        self._bases = to_internal(values)

    @property
    def regular_lr(self):
        """The lr the current position has without warmup."""
        return self._public(self._regular)

    @regular_lr.setter
    def regular_lr(self, values) -> None:
        self._regular = to_internal(values)

    # -- MMCV's value methods: what a downstream subclass implements or calls ----------------
    def get_lr(self, runner, base_lr: float) -> float:
        raise NotImplementedError(f'{type(self).__name__} must implement get_lr(runner, '
                                  'base_lr), the lr of a param group whose base lr is base_lr')

    def get_regular_lr(self, runner):
        """``get_lr`` of every group's base lr, in MMCV's shape (list or dict of lists)."""
        return self._each_group(runner, self.base_lr, self.get_lr)

    def get_warmup_lr(self, cur_iters: int):
        """The warmup applied to ``regular_lr`` at iteration ``cur_iters``."""
        return self._public(ScheduleHook._warmup_values(self, cur_iters))

    # -- how the timeline reads and writes a param group ------------------------------------
    def _read(self, group: dict) -> float:
        return group['lr']

    def _write(self, group: dict, value: float) -> None:
        group['lr'] = value

    def _base_values(self, runner, key, optimizer) -> List[float]:
        # NOTE (MMCV): a resumed optimizer keeps the 'initial_lr' it was saved with
        for group in optimizer.param_groups:
            group.setdefault('initial_lr', group['lr'])
        return [group['initial_lr'] for group in optimizer.param_groups]


def _refuse_value_overrides(cls: type, policy: str) -> None:
    for name in _VALUE_METHODS:
        if overridden_outside(cls, name, __name__):
            raise TypeError(
                f'{cls.__name__} overrides {name} of a compat policy hook (policy {policy!r}); '
                "compat computes that policy's values from its policy table and would ignore "
                f'the override (MMCV 1.7.2 would call it). Subclass LrUpdaterHook instead and '
                'implement get_lr(runner, base_lr) in full')


def _policy_hook(name: str, policy: str, doc: str) -> type:
    cls = type(name, (LrUpdaterHook,), {'policy': policy, '__doc__': doc,
                                        '__module__': __name__})
    return HOOKS.register_module()(cls)


FixedLrUpdaterHook = _policy_hook('FixedLrUpdaterHook', 'fixed', 'The base lr throughout.')
StepLrUpdaterHook = _policy_hook('StepLrUpdaterHook', 'step',
                                 'Decay by ``gamma`` at each ``step`` (clipped at ``min_lr``).')
ExpLrUpdaterHook = _policy_hook('ExpLrUpdaterHook', 'exp', '``base * gamma ** progress``.')
PolyLrUpdaterHook = _policy_hook('PolyLrUpdaterHook', 'poly',
                                 'Polynomial decay to ``min_lr`` with ``power``.')
InvLrUpdaterHook = _policy_hook('InvLrUpdaterHook', 'inv',
                                '``base * (1 + gamma * progress) ** -power``.')
CosineAnnealingLrUpdaterHook = _policy_hook(
    'CosineAnnealingLrUpdaterHook', 'CosineAnnealing', 'Cosine annealing to ``min_lr`` or '
    '``base * min_lr_ratio``.')
FlatCosineAnnealingLrUpdaterHook = _policy_hook(
    'FlatCosineAnnealingLrUpdaterHook', 'FlatCosineAnnealing', 'Flat until ``start_percent`` '
    'of training, then cosine annealing.')
CosineRestartLrUpdaterHook = _policy_hook(
    'CosineRestartLrUpdaterHook', 'CosineRestart', 'Cosine annealing restarted at each of '
    '``periods``, scaled by ``restart_weights``.')
CyclicLrUpdaterHook = _policy_hook('CyclicLrUpdaterHook', 'cyclic',
                                   'Cycles to ``target_ratio`` (by iteration only).')
LinearAnnealingLrUpdaterHook = _policy_hook(
    'LinearAnnealingLrUpdaterHook', 'LinearAnnealing', 'Linear annealing to ``min_lr`` or '
    '``base * min_lr_ratio``.')
# downstream codebases, see compat/schedules/downstream.py for their sources
CosineAnnealingCooldownLrUpdaterHook = _policy_hook(
    'CosineAnnealingCooldownLrUpdaterHook', 'CosineAnnealingCooldown', 'MMCls 0.x: cosine '
    'annealing, then ``cool_down_time`` at ``cool_down_ratio``.')
StepFixCosineAnnealingLrUpdaterHook = _policy_hook(
    'StepFixCosineAnnealingLrUpdaterHook', 'StepFixCosineAnnealing', 'MMSelfSup 0.x: cosine '
    'annealing that starts after the warmup.')
YOLOXLrUpdaterHook = _policy_hook('YOLOXLrUpdaterHook', 'YOLOX', 'MMDet 2.x: quadratic '
                                  'warmup, cosine, then ``num_last_epochs`` at the minimum.')
SiameseRPNLrUpdaterHook = _policy_hook('SiameseRPNLrUpdaterHook', 'SiameseRPN', 'MMTracking '
                                       '0.x: per-epoch step/log phases of ``lr_configs``.')


@HOOKS.register_module()
class OneCycleLrUpdaterHook(LrUpdaterHook):
    """The 1cycle policy (by iteration only): up to ``max_lr``, down to
    ``max_lr / div_factor / final_div_factor``."""

    policy = 'OneCycle'

    def _base_values(self, runner, key, optimizer) -> List[float]:
        # MMCV: the base lr is max_lr / div_factor, not the optimizer's lr
        name = type(optimizer).__name__ if key is None else key
        max_lrs = per_group(self.schedule, 'max_lr', len(optimizer.param_groups), name)
        bases = [lr / self.schedule.params['div_factor'] for lr in max_lrs]
        for group, lr in zip(optimizer.param_groups, bases):
            group.setdefault('initial_lr', lr)
        return bases
