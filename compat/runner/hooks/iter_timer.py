"""MMCV 1.7.2's ``IterTimerHook``: ``data_time`` and ``time`` of each iteration, in seconds."""
from __future__ import annotations

import time

from compat.runner.hooks.hook import HOOKS, Hook


@HOOKS.register_module()
class IterTimerHook(Hook):
    """``data_time``: from the previous iteration's end to this one's start; ``time``: to its
    end. Both go into ``runner.log_buffer``."""

    def before_epoch(self, runner) -> None:
        self.t = time.time()

    def before_iter(self, runner) -> None:
        runner.log_buffer.update({'data_time': time.time() - self.t})

    def after_iter(self, runner) -> None:
        runner.log_buffer.update({'time': time.time() - self.t})
        self.t = time.time()
