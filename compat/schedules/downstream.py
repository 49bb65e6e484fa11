"""LR policies that downstream codebases registered on top of MMCV 1.x, modelled like MMCV's:
the regular value per runner position (and YOLOX's own warmup), with the hooks' timeline.

============================  ===================================================================
``CosineAnnealingCooldown``   MMCls 0.x, mmcls/core/hook/lr_updater.py,
                              ``CosineAnnealingCooldownLrUpdaterHook``
``StepFixCosineAnnealing``    MMSelfSup 0.x, mmselfsup/core/hooks/cosineAnnealing_hook.py,
                              ``StepFixCosineAnnealingLrUpdaterHook``
``YOLOX``                     MMDet 2.x, mmdet/core/hook/yolox_lrupdater_hook.py,
                              ``YOLOXLrUpdaterHook`` (MMTracking's YOLOX configs use it too)
``SiameseRPN``                MMTracking 0.x, mmtrack/core/hook/lr_updater.py,
                              ``SiameseRPNLrUpdaterHook``
============================  ===================================================================

Rebuilt from our reading of those sources (the packages are not installed here); the details
we are least sure of: StepFixCosineAnnealing subtracts the hook's ``warmup_iters`` (iterations,
after ``warmup_by_epoch`` is applied, and even with ``warmup=None``) from both the progress and
its maximum, whatever ``by_epoch`` says; YOLOX's ``get_lr`` reads ``len(runner.data_loader)``,
so its last phase needs the epoch length under both runners. The formulas are the closed forms
of :mod:`engine.schedulers.closed_form`.
"""
from __future__ import annotations

from typing import Callable, Optional

from engine.schedulers.closed_form import (annealing_target, cosine_cooldown_value,
                                           siamese_rpn_factors, siamese_rpn_value,
                                           step_fix_cosine_value, yolox_value,
                                           yolox_warmup_value)

from compat.schedules.checks import fail
from compat.schedules.schedule import LegacySchedule

RegularFn = Callable[[int, float, int, int], float]   # (group, base, epoch, cur_iter) -> value

DOWNSTREAM_POLICIES = ('CosineAnnealingCooldown', 'StepFixCosineAnnealing', 'YOLOX',
                       'SiameseRPN')


def hook_warmup_iters(schedule: LegacySchedule, epoch_len: Optional[int]) -> int:
    """The hook's ``self.warmup_iters`` once training runs: epochs times the dataloader length
    with ``warmup_by_epoch`` (MMCV's ``before_train_epoch``), else as given (with or without
    a warmup kind)."""
    if schedule.warmup_by_epoch:
        return schedule.warmup_iters * _need_epoch_len(schedule, epoch_len, 'warmup_by_epoch')
    return schedule.warmup_iters


def downstream_regular(schedule: LegacySchedule, *, max_epochs: Optional[int], max_iters: int,
                       epoch_len: Optional[int]) -> RegularFn:
    """``f(group, base, epoch, cur_iter)`` for a downstream policy."""
    p = schedule.params
    by_epoch = schedule.by_epoch
    max_progress = max_epochs if by_epoch else max_iters
    name = schedule.policy

    def target(base: float) -> float:
        return annealing_target(base, p.get('min_lr'), p.get('min_lr_ratio'))

    if name == 'CosineAnnealingCooldown':
        return lambda g, base, epoch, it: cosine_cooldown_value(
            base, target(base), (epoch if by_epoch else it), max_progress,
            p['cool_down_time'], p['cool_down_ratio'])
    if name == 'StepFixCosineAnnealing':
        offset = hook_warmup_iters(schedule, epoch_len)
        return lambda g, base, epoch, it: step_fix_cosine_value(
            base, target(base), (epoch if by_epoch else it), max_progress, offset)
    if name == 'YOLOX':
        offset = hook_warmup_iters(schedule, epoch_len)
        last = _need_epoch_len(schedule, epoch_len, 'num_last_epochs') * p['num_last_epochs']
        return lambda g, base, epoch, it: yolox_value(
            base, target(base), (epoch if by_epoch else it), max_progress, offset, last)
    if name == 'SiameseRPN':
        factors = siamese_rpn_factors(p['lr_configs'])
        if max_epochs is not None and max_epochs > len(factors):
            raise fail('lr', 'lr_configs', f'the SiameseRPN phases end at epoch {len(factors)} '
                       f'but the run lasts {max_epochs} epochs (MMTracking raises IndexError '
                       'there)', f"make the last phase's end_epoch at least {max_epochs}",
                       schedule.source)
        return lambda g, base, epoch, it: siamese_rpn_value(base, factors, epoch)
    raise ValueError(f'no value function for policy {name!r}')


def yolox_warmup(schedule: LegacySchedule) -> Callable[[float, int, int], float]:
    """YOLOX's warmup replaces the value by ``base * ratio * ((it + 1) / W) ** 2`` whatever
    the ``warmup`` kind: ``f(base, cur_iter, warmup_iters)``."""
    ratio = schedule.warmup_ratio
    return lambda base, it, warmup_iters: yolox_warmup_value(base, ratio, it, warmup_iters)


def _need_epoch_len(schedule: LegacySchedule, epoch_len: Optional[int], key: str) -> int:
    if epoch_len is None:
        raise fail(schedule.kind, key, f"policy '{schedule.policy}' reads the dataloader "
                   f'length for {key}, which is not known here',
                   'pass the number of iterations per epoch (--epoch-len N)', schedule.source)
    return epoch_len
