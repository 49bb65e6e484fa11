"""Iteration timing: ``<mode>/data_time`` and ``<mode>/time`` scalars, and the ``eta`` info."""
from __future__ import annotations

import time
from typing import Optional

from engine.hooks.hook import DATA_BATCH, Hook
from engine.registry import HOOKS


@HOOKS.register_module()
class IterTimerHook(Hook):
    """Logs data-loading and iteration time into ``runner.message_hub``.

    ``data_time`` runs from the end of the previous iteration (or the start of the epoch) to
    ``before_*_iter``; ``time`` runs to ``after_*_iter``. ``eta`` (seconds) is the average
    iteration time since training (re)started times the iterations left; in validation and
    test it counts the batches left in the current dataloader.
    """

    priority = 'NORMAL'

    def __init__(self):
        self.time_sec_tot = 0
        self.time_sec_test_val = 0
        self.start_iter = 0

    def before_train(self, runner) -> None:
        # after a resume the average must only cover the iterations run in this process
        self.start_iter = runner.iter

    def _before_epoch(self, runner, mode: str = 'train') -> None:
        self.t = time.time()

    def _after_epoch(self, runner, mode: str = 'train') -> None:
        self.time_sec_test_val = 0

    def _before_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                     mode: str = 'train') -> None:
        runner.message_hub.update_scalar(f'{mode}/data_time', time.time() - self.t)

    def _after_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                    outputs: Optional[object] = None, mode: str = 'train') -> None:
        hub = runner.message_hub
        now = time.time()
        # the value just stored, as the buffer's current() would give it back
        iter_time = now - self.t
        hub.update_scalar(f'{mode}/time', iter_time)
        self.t = now
        if mode == 'train':
            self.time_sec_tot += iter_time
            time_sec_avg = self.time_sec_tot / (runner.iter - self.start_iter + 1)
            eta_sec = time_sec_avg * (runner.max_iters - runner.iter - 1)
        else:
            loader = runner.val_dataloader if mode == 'val' else runner.test_dataloader
            self.time_sec_test_val += iter_time
            time_sec_avg = self.time_sec_test_val / (batch_idx + 1)
            eta_sec = time_sec_avg * (len(loader) - batch_idx - 1)
        hub.update_info('eta', eta_sec)
