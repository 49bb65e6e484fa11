"""MMCV 1.7.2's ``SyncBuffersHook``: average the model's buffers over the ranks."""
from __future__ import annotations

from compat.runner.dist_utils import allreduce_params
from compat.runner.hooks.hook import HOOKS, Hook


@HOOKS.register_module()
class SyncBuffersHook(Hook):
    """All-reduce (average) every buffer, e.g. BatchNorm's running statistics, after each
    train and val epoch when ``distributed`` (a no-op in one process)."""

    def __init__(self, distributed: bool = True):
        self.distributed = distributed

    def after_epoch(self, runner) -> None:
        if self.distributed:
            allreduce_params(list(runner.model.buffers()))
