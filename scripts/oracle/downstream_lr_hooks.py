"""The downstream codebases' LR updater hooks, rebuilt on the REAL MMCV 1.7.2 machinery.

MMCls 0.x, MMSelfSup 0.x, MMDet 2.x and MMTracking 0.x are not installed here, so each hook is
written again as its codebase wrote it: a subclass of ``mmcv.runner.hooks.LrUpdaterHook`` (or
of MMCV's ``CosineAnnealingLrUpdaterHook``), registered in MMCV's ``HOOKS`` under the same
class name, so ``register_lr_hook`` finds it from ``policy`` exactly as in those codebases.
Only ``get_lr`` / ``get_warmup_lr`` / ``__init__`` are theirs; the timeline (before_run,
before_train_epoch, before_train_iter, warmup) is MMCV's own. Import with the MMCV oracle
interpreter; never imports this project's packages.

Where our memory of a source is unsure, the docstring of the hook says so.
"""
from __future__ import annotations

import math

import numpy as np
from mmcv.runner import HOOKS
from mmcv.runner.hooks.lr_updater import (CosineAnnealingLrUpdaterHook, LrUpdaterHook,
                                          annealing_cos)


@HOOKS.register_module(force=True)
class CosineAnnealingCooldownLrUpdaterHook(LrUpdaterHook):
    """mmcls/core/hook/lr_updater.py (MMCls 0.x)."""

    def __init__(self, min_lr=None, min_lr_ratio=None, cool_down_ratio=0.1, cool_down_time=10,
                 **kwargs):
        assert (min_lr is None) ^ (min_lr_ratio is None)
        self.min_lr = min_lr
        self.min_lr_ratio = min_lr_ratio
        self.cool_down_time = cool_down_time
        self.cool_down_ratio = cool_down_ratio
        super().__init__(**kwargs)

    def get_lr(self, runner, base_lr):
        if self.by_epoch:
            progress = runner.epoch
            max_progress = runner.max_epochs
        else:
            progress = runner.iter
            max_progress = runner.max_iters
        if self.min_lr_ratio is not None:
            target_lr = base_lr * self.min_lr_ratio
        else:
            target_lr = self.min_lr
        if progress > max_progress - self.cool_down_time:
            return target_lr * self.cool_down_ratio
        else:
            max_progress = max_progress - self.cool_down_time
        return annealing_cos(base_lr, target_lr, progress / max_progress)


@HOOKS.register_module(force=True)
class StepFixCosineAnnealingLrUpdaterHook(CosineAnnealingLrUpdaterHook):
    """mmselfsup/core/hooks/cosineAnnealing_hook.py (MMSelfSup 0.x). Unsure: that the warmup
    iterations are subtracted from progress and max_progress whatever ``by_epoch`` says (the
    MMSelfSup configs only use it with ``by_epoch=False``)."""

    def get_lr(self, runner, base_lr):
        if self.by_epoch:
            progress = runner.epoch
            max_progress = runner.max_epochs
        else:
            progress = runner.iter
            max_progress = runner.max_iters
        if self.min_lr_ratio is not None:
            target_lr = base_lr * self.min_lr_ratio
        else:
            target_lr = self.min_lr
        # Delete warmup iters
        progress = progress - self.warmup_iters
        max_progress = max_progress - self.warmup_iters
        return annealing_cos(base_lr, target_lr, progress / max_progress)


@HOOKS.register_module(force=True)
class YOLOXLrUpdaterHook(CosineAnnealingLrUpdaterHook):
    """mmdet/core/hook/yolox_lrupdater_hook.py (MMDet 2.x)."""

    def __init__(self, num_last_epochs, **kwargs):
        self.num_last_epochs = num_last_epochs
        super().__init__(**kwargs)

    def get_warmup_lr(self, cur_iters):

        def _get_warmup_lr(cur_iters, regular_lr):
            # exp warmup scheme
            k = self.warmup_ratio * pow((cur_iters + 1) / float(self.warmup_iters), 2)
            warmup_lr = [_lr * k for _lr in regular_lr]
            return warmup_lr

        if isinstance(self.base_lr, dict):
            lr_groups = {}
            for key, base_lr in self.base_lr.items():
                lr_groups[key] = _get_warmup_lr(cur_iters, base_lr)
            return lr_groups
        return _get_warmup_lr(cur_iters, self.base_lr)

    def get_lr(self, runner, base_lr):
        last_iter = len(runner.data_loader) * self.num_last_epochs
        if self.by_epoch:
            progress = runner.epoch
            max_progress = runner.max_epochs
        else:
            progress = runner.iter
            max_progress = runner.max_iters
        progress += 1
        if self.min_lr_ratio is not None:
            target_lr = base_lr * self.min_lr_ratio
        else:
            target_lr = self.min_lr
        if progress >= max_progress - last_iter:
            # fixed learning rate
            return target_lr
        return annealing_cos(base_lr, target_lr, (progress - self.warmup_iters) /
                             (max_progress - self.warmup_iters - last_iter))


def step_lr_interval(start_lr_factor, end_lr_factor, start_epoch, end_epoch):
    """mmtrack/core/hook/lr_updater.py: exponentially varying factors."""
    epochs = end_epoch - start_epoch
    mult = math.pow(end_lr_factor / start_lr_factor, 1. / (epochs))
    return start_lr_factor * (mult**np.arange(epochs))


def log_lr_interval(start_lr_factor, end_lr_factor, start_epoch, end_epoch):
    """mmtrack/core/hook/lr_updater.py: logarithmically varying factors."""
    epochs = end_epoch - start_epoch
    return np.logspace(math.log10(start_lr_factor), math.log10(end_lr_factor), epochs)


@HOOKS.register_module(force=True)
class SiameseRPNLrUpdaterHook(LrUpdaterHook):
    """mmtrack/core/hook/lr_updater.py (MMTracking 0.x)."""

    lr_types = {'step': step_lr_interval, 'log': log_lr_interval}

    def __init__(self, lr_configs=(dict(type='step', start_lr_factor=0.2, end_lr_factor=1.0,
                                        end_epoch=5),
                                   dict(type='log', start_lr_factor=1.0, end_lr_factor=0.1,
                                        end_epoch=20)), **kwargs):
        super().__init__(**kwargs)
        assert self.by_epoch is True
        self.lr_intervals = []
        start_epoch = 0
        for lr_config in lr_configs:
            lr_config = dict(lr_config)
            lr_type = self.lr_types[lr_config.pop('type')]
            lr_config['start_epoch'] = start_epoch
            lr_intervals = lr_type(**lr_config)
            self.lr_intervals.append(lr_intervals)
            start_epoch = lr_config['end_epoch']
        self.lr_intervals = np.concatenate(self.lr_intervals)

    def get_lr(self, runner, base_lr):
        return base_lr * self.lr_intervals[runner.epoch]
