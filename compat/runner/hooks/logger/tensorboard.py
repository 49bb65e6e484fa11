"""MMCV 1.7.2's ``TensorboardLoggerHook`` on ``torch.utils.tensorboard``."""
from __future__ import annotations

import os.path as osp
from typing import Optional

from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.logger.base import LoggerHook
from engine.dist import master_only


@HOOKS.register_module()
class TensorboardLoggerHook(LoggerHook):
    """Write the loggable tags (``mode/``-prefixed outputs, lr, momentum) as scalars (text for
    strings) at step ``runner.iter + 1`` to ``log_dir`` (default ``work_dir/tf_logs``)."""

    def __init__(self, log_dir: Optional[str] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, by_epoch: bool = True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.log_dir = log_dir

    @master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as err:
            raise ImportError('Please run "pip install future tensorboard" to install the '
                              'dependencies to use torch.utils.tensorboard '
                              '(TensorboardLoggerHook)') from err
        if self.log_dir is None:
            self.log_dir = osp.join(runner.work_dir, 'tf_logs')
        self.writer = SummaryWriter(self.log_dir)

    @master_only
    def log(self, runner) -> None:
        for tag, val in self.get_loggable_tags(runner, allow_text=True).items():
            if isinstance(val, str):
                self.writer.add_text(tag, val, self.get_iter(runner))
            else:
                self.writer.add_scalar(tag, val, self.get_iter(runner))

    @master_only
    def after_run(self, runner) -> None:
        self.writer.close()
