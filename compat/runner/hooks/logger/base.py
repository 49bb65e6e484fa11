"""MMCV 1.7.2's ``LoggerHook``: when logger hooks average the log buffer and call ``log``."""
from __future__ import annotations

import numbers
from abc import abstractmethod
from typing import Dict

import numpy as np
import torch

from compat.runner.hooks.hook import Hook


class LoggerHook(Hook):
    """Base of logger hooks: average the buffer every ``interval`` (inner, with ``by_epoch``)
    iterations, then ``log``; ``ignore_last=False`` also logs an epoch's short tail.

    The last registered logger hook clears the buffer's output after logging (``reset_flag``),
    so every logger hook sees the same averages.
    """

    def __init__(self, interval: int = 10, ignore_last: bool = True, reset_flag: bool = False,
                 by_epoch: bool = True):
        self.interval = interval
        self.ignore_last = ignore_last
        self.reset_flag = reset_flag
        self.by_epoch = by_epoch

    @abstractmethod
    def log(self, runner):
        pass

    @staticmethod
    def is_scalar(val, include_np: bool = True, include_torch: bool = True) -> bool:
        """A number, a 0-d ndarray or a one-element tensor."""
        if isinstance(val, numbers.Number):
            return True
        if include_np and isinstance(val, np.ndarray) and val.ndim == 0:
            return True
        # MMCV's test is len(val) == 1, which raises on a 0-d tensor as it did there
        return include_torch and isinstance(val, torch.Tensor) and len(val) == 1

    def get_mode(self, runner) -> str:
        """'train' while training iterations are timed, else 'val'."""
        if runner.mode == 'train':
            return 'train' if 'time' in runner.log_buffer.output else 'val'
        if runner.mode == 'val':
            return 'val'
        raise ValueError(f"runner mode should be 'train' or 'val', but got {runner.mode}")

    def get_epoch(self, runner) -> int:
        if runner.mode == 'train':
            return runner.epoch + 1
        if runner.mode == 'val':
            return runner.epoch
        raise ValueError(f"runner mode should be 'train' or 'val', but got {runner.mode}")

    def get_iter(self, runner, inner_iter: bool = False) -> int:
        """The 1-based iteration: within the epoch when ``by_epoch`` and ``inner_iter``."""
        if self.by_epoch and inner_iter:
            return runner.inner_iter + 1
        return runner.iter + 1

    def get_lr_tags(self, runner) -> Dict[str, float]:
        lrs = runner.current_lr()
        if isinstance(lrs, dict):
            return {f'learning_rate/{name}': value[0] for name, value in lrs.items()}
        return {'learning_rate': lrs[0]}

    def get_momentum_tags(self, runner) -> Dict[str, float]:
        momentums = runner.current_momentum()
        if isinstance(momentums, dict):
            return {f'momentum/{name}': value[0] for name, value in momentums.items()}
        return {'momentum': momentums[0]}

    def get_loggable_tags(self, runner, allow_scalar: bool = True, allow_text: bool = False,
                          add_mode: bool = True,
                          tags_to_skip: tuple = ('time', 'data_time')) -> Dict:
        """The buffer's outputs (``mode/``-prefixed) plus first-group lr and momentum."""
        tags = {}
        for var, val in runner.log_buffer.output.items():
            if var in tags_to_skip:
                continue
            if self.is_scalar(val) and not allow_scalar:
                continue
            if isinstance(val, str) and not allow_text:
                continue
            if add_mode:
                var = f'{self.get_mode(runner)}/{var}'
            tags[var] = val
        tags.update(self.get_lr_tags(runner))
        tags.update(self.get_momentum_tags(runner))
        return tags

    def before_run(self, runner) -> None:
        for hook in runner.hooks[::-1]:
            if isinstance(hook, LoggerHook):
                hook.reset_flag = True
                break

    def before_epoch(self, runner) -> None:
        runner.log_buffer.clear()

    def after_train_iter(self, runner) -> None:
        if self.by_epoch and self.every_n_inner_iters(runner, self.interval):
            runner.log_buffer.average(self.interval)
        elif not self.by_epoch and self.every_n_iters(runner, self.interval):
            runner.log_buffer.average(self.interval)
        elif self.end_of_epoch(runner) and not self.ignore_last:
            # MMCV averages the tail over `interval` entries too (the buffer may hold fewer)
            runner.log_buffer.average(self.interval)
        if runner.log_buffer.ready:
            self._log_and_maybe_reset(runner)

    def after_train_epoch(self, runner) -> None:
        if runner.log_buffer.ready:
            self._log_and_maybe_reset(runner)

    def after_val_epoch(self, runner) -> None:
        runner.log_buffer.average()
        self._log_and_maybe_reset(runner)

    def _log_and_maybe_reset(self, runner) -> None:
        self.log(runner)
        if self.reset_flag:
            runner.log_buffer.clear_output()
