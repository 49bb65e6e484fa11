"""MMCV 1.7.2's ``ClearMLLoggerHook``: the loggable tags to ClearML."""
from __future__ import annotations

from typing import Dict, Optional

from compat.runner.dist_utils import master_only
from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.logger.base import LoggerHook
from compat.runner.hooks.logger.optional import import_optional


@HOOKS.register_module()
class ClearMLLoggerHook(LoggerHook):
    """``clearml.Task.init(**init_kwargs)`` before the run; at each log
    ``report_scalar(tag, tag, value, iter + 1)`` per tag on the task's logger.
    ``clearml`` is imported in ``__init__``."""

    def __init__(self, init_kwargs: Optional[Dict] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, by_epoch: bool = True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_clearml()
        self.init_kwargs = init_kwargs

    def import_clearml(self) -> None:
        self.clearml = import_optional('clearml', 'ClearMLLoggerHook', 'clearml')

    @master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        self.task = self.clearml.Task.init(**(self.init_kwargs or {}))
        self.task_logger = self.task.get_logger()

    @master_only
    def log(self, runner) -> None:
        for tag, value in self.get_loggable_tags(runner).items():
            self.task_logger.report_scalar(tag, tag, value, self.get_iter(runner))
