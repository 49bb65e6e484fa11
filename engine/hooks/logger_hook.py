"""``LoggerHook``: prints the log line every ``interval`` iterations and sends scalars to the
visualizer (``vis_data/scalars.json`` with the local back end)."""
from __future__ import annotations

import json
import os
from typing import Dict, Optional, Sequence

import numpy as np
import torch

from engine.dist.utils import is_main_process
from engine.hooks.hook import DATA_BATCH, Hook
from engine.registry import HOOKS


@HOOKS.register_module()
class LoggerHook(Hook):
    """Log training every ``interval`` iterations, validation/test per ``interval`` and per epoch.

    Args:
        interval: iterations between two log lines.
        ignore_last: skip the partial window at the end of an epoch.
        interval_exp_name: iterations between two ``Exp name:`` lines.
        log_metric_by_epoch: step validation metrics by epoch (else by iteration).
        out_dir, out_suffix, keep_local, file_client_args, backend_args: accepted for MMEngine
            config compatibility; copying logs elsewhere is not supported and ``out_dir`` must
            stay None.
    """

    priority = 'BELOW_NORMAL'

    def __init__(self, interval: int = 10, ignore_last: bool = True,
                 interval_exp_name: int = 1000, out_dir: Optional[str] = None,
                 out_suffix=('.json', '.log', '.py', 'yaml'), keep_local: bool = True,
                 file_client_args: Optional[dict] = None, log_metric_by_epoch: bool = True,
                 backend_args: Optional[dict] = None):
        if not isinstance(interval, int) or interval <= 0:
            raise ValueError(f'LoggerHook interval must be a positive int, got {interval!r}')
        if out_dir is not None:
            raise ValueError('LoggerHook out_dir (copying logs to another storage) is not '
                             'supported; logs stay under work_dir')
        self.interval = interval
        self.ignore_last = ignore_last
        self.interval_exp_name = interval_exp_name
        self.log_metric_by_epoch = log_metric_by_epoch
        self.json_log_path: Optional[str] = None

    def before_run(self, runner) -> None:
        self.json_log_path = f'{runner.timestamp}.json'

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        # len(dataloader) walks sampler layers: asked once per iteration, not twice
        end_of_epoch = self.end_of_epoch(runner.train_dataloader, batch_idx)
        if self.every_n_train_iters(runner, self.interval_exp_name) or end_of_epoch:
            runner.logger.info(f'Exp name: {runner.experiment_name}')
        if self.every_n_inner_iters(batch_idx, self.interval):
            tag, line = runner.log_processor.get_log_after_iter(runner, batch_idx, 'train')
        elif (end_of_epoch
              and (not self.ignore_last or len(runner.train_dataloader) <= self.interval)):
            tag, line = runner.log_processor.get_log_after_iter(runner, batch_idx, 'train')
        else:
            return
        runner.logger.info(line)
        runner.visualizer.add_scalars(tag, step=runner.iter + 1, file_path=self.json_log_path)

    def after_val_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                       outputs: Optional[Sequence] = None) -> None:
        if self.every_n_inner_iters(batch_idx, self.interval):
            _, line = runner.log_processor.get_log_after_iter(runner, batch_idx, 'val')
            runner.logger.info(line)

    def after_test_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                        outputs: Optional[Sequence] = None) -> None:
        if self.every_n_inner_iters(batch_idx, self.interval):
            _, line = runner.log_processor.get_log_after_iter(runner, batch_idx, 'test')
            runner.logger.info(line)

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        tag, line = runner.log_processor.get_log_after_epoch(runner, len(runner.val_dataloader),
                                                             'val')
        runner.logger.info(line)
        trained = runner.train_loop is not None
        step = (runner.epoch if self.log_metric_by_epoch else runner.iter) if trained else 0
        runner.visualizer.add_scalars(tag, step=step, file_path=self.json_log_path)

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        """Log the test metrics and write them (with non-scalar results) as one JSON object to
        ``<log_dir>/<timestamp>.json`` on rank 0, as MMEngine does."""
        tag, line = runner.log_processor.get_log_after_epoch(
            runner, len(runner.test_dataloader), 'test', with_non_scalar=True)
        runner.logger.info(line)
        if is_main_process():
            os.makedirs(runner.log_dir, exist_ok=True)
            with open(os.path.join(runner.log_dir, self.json_log_path), 'w',
                      encoding='utf-8') as f:
                json.dump(_jsonable(tag), f)

    def after_run(self, runner) -> None:
        runner.visualizer.close()


def _jsonable(value):
    """Tags as JSON: tensors and arrays become lists; values JSON cannot hold are dropped."""
    if isinstance(value, dict):
        out = {k: _jsonable(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not _DROP}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (torch.Tensor, np.ndarray, np.generic)):
        return value.tolist()
    return _DROP


_DROP = object()
