"""MMCV 1.7.2's ``SegmindLoggerHook``: the loggable tags to Segmind (its MLflow tracking)."""
from __future__ import annotations

from compat.runner.dist_utils import master_only
from compat.runner.hooks.hook import HOOKS
from compat.runner.hooks.logger.base import LoggerHook
from compat.runner.hooks.logger.optional import import_optional


@HOOKS.register_module()
class SegmindLoggerHook(LoggerHook):
    """At each log ``try_mlflow_log(log_metrics, tags, step=epoch, epoch=epoch)`` with the
    runner's 0-based epoch as the step (MMCV's choice, by iteration too). ``segmind`` is
    imported in ``__init__``."""

    def __init__(self, interval: int = 10, ignore_last: bool = True, reset_flag: bool = False,
                 by_epoch: bool = True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_segmind()

    def import_segmind(self) -> None:
        segmind = import_optional('segmind', 'SegmindLoggerHook', 'segmind')
        self.log_metrics = segmind.tracking.fluent.log_metrics
        self.mlflow_log = segmind.utils.logging_utils.try_mlflow_log

    @master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        if tags:
            self.mlflow_log(self.log_metrics, tags, step=runner.epoch, epoch=runner.epoch)
