"""MMCV 1.7.2's lr updater hooks (``lr_config``), registered in compat's ``HOOKS``.

Each policy hook is ``<Policy>LrUpdaterHook`` under MMCV's (or the downstream codebase's) name;
its arguments are parsed and checked by :func:`compat.schedules.parse_lr_config` (errors name
``lr_config.<key>``), its values come from :mod:`compat.schedules.regular`, and the shared
timeline of :class:`~compat.runner.hooks.schedule_hook.ScheduleHook` writes them.
"""
from __future__ import annotations

from typing import List

from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.schedule_hook import ScheduleHook
from compat.schedules.parse import parse_lr_config
from compat.schedules.regular import per_group


class LrUpdaterHook(ScheduleHook):
    """Base of the lr policy hooks: ``by_epoch``, ``warmup``, ``warmup_iters``,
    ``warmup_ratio``, ``warmup_by_epoch`` plus the policy's own arguments.

    Only the policy subclasses below can be built: the values come from the policy table of
    :mod:`compat.schedules`, not from a ``get_lr`` override.
    """

    kind = 'lr'

    def __init__(self, **kwargs) -> None:
        if self.policy is None:
            raise TypeError(f'{type(self).__name__} is the base of the lr policy hooks; build '
                            "one of them, e.g. lr_config=dict(policy='step', step=[8, 11])")
        super().__init__(parse_lr_config(dict(policy=self.policy, **kwargs)))

    @property
    def base_lr(self):
        """The base lr of every group (a dict of lists for a dict of optimizers)."""
        return self._public(self._bases)

    @property
    def regular_lr(self):
        """The lr the current position has without warmup."""
        return self._public(self._regular)

    def _read(self, group: dict) -> float:
        return group['lr']

    def _write(self, group: dict, value: float) -> None:
        group['lr'] = value

    def _base_values(self, runner, key, optimizer) -> List[float]:
        # NOTE (MMCV): a resumed optimizer keeps the 'initial_lr' it was saved with
        for group in optimizer.param_groups:
            group.setdefault('initial_lr', group['lr'])
        return [group['initial_lr'] for group in optimizer.param_groups]


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
