"""Release cached, unused GPU memory at chosen points of the loops."""
from __future__ import annotations

from typing import Optional

import torch

from engine.hooks.hook import DATA_BATCH, Hook
from engine.registry import HOOKS


def _empty_cache() -> None:
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


@HOOKS.register_module()
class EmptyCacheHook(Hook):
    """Calls ``torch.cuda.empty_cache()`` (when CUDA is available) before and/or after every
    train/val/test epoch, and/or after every iteration.

    Args:
        before_epoch: empty the cache before each epoch.
        after_epoch: empty the cache after each epoch.
        after_iter: empty the cache after each iteration.
    """

    priority = 'NORMAL'

    def __init__(self, before_epoch: bool = False, after_epoch: bool = True,
                 after_iter: bool = False) -> None:
        self._do_before_epoch = before_epoch
        self._do_after_epoch = after_epoch
        self._do_after_iter = after_iter

    def _after_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                    outputs: Optional[object] = None, mode: str = 'train') -> None:
        if self._do_after_iter:
            _empty_cache()

    def _before_epoch(self, runner, mode: str = 'train') -> None:
        if self._do_before_epoch:
            _empty_cache()

    def _after_epoch(self, runner, mode: str = 'train') -> None:
        if self._do_after_epoch:
            _empty_cache()
