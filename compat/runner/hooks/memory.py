"""MMCV 1.7.2's ``EmptyCacheHook``: release PyTorch's cached CUDA memory at chosen stages."""
from __future__ import annotations

import torch

from compat.runner.hooks.hook import HOOKS, Hook


@HOOKS.register_module()
class EmptyCacheHook(Hook):
    """``torch.cuda.empty_cache()`` before epochs, after epochs (the default) and/or after
    iterations, train and val alike; without CUDA the call does nothing."""

    def __init__(self, before_epoch: bool = False, after_epoch: bool = True,
                 after_iter: bool = False):
        self._before_epoch = before_epoch
        self._after_epoch = after_epoch
        self._after_iter = after_iter

    def after_iter(self, runner) -> None:
        if self._after_iter:
            torch.cuda.empty_cache()

    def before_epoch(self, runner) -> None:
        if self._before_epoch:
            torch.cuda.empty_cache()

    def after_epoch(self, runner) -> None:
        if self._after_epoch:
            torch.cuda.empty_cache()
