"""``RuntimeInfoHook``: keeps the message hub's run state (epoch, iter, lr, losses, metrics)."""
from __future__ import annotations

from typing import Dict, Optional

import numpy as np
import torch

from engine.hooks.hook import DATA_BATCH, Hook
from engine.registry import HOOKS


def _is_scalar(value) -> bool:
    """MMEngine's rule for a metric logged as a scalar: a number (a bool too, being an int)
    or an array/tensor of exactly one element, whatever its shape; anything else is info."""
    if isinstance(value, np.ndarray):
        return value.size == 1
    if isinstance(value, torch.Tensor):
        return value.numel() == 1
    return isinstance(value, (int, float, np.number))


@HOOKS.register_module()
class RuntimeInfoHook(Hook):
    """Writes ``epoch``, ``iter``, ``max_*``, ``loop_stage`` info and ``train/lr``,
    ``train/<loss>``, ``train/grad_norm``, ``val/<metric>`` scalars into ``runner.message_hub``."""

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        import engine
        cfg = getattr(runner, 'cfg', None)
        runner.message_hub.update_info_dict(dict(
            cfg=getattr(cfg, 'pretty_text', '') if cfg is not None else '',
            seed=runner.seed, experiment_name=runner.experiment_name,
            engine_version=engine.__version__))
        self._last_loop_stage = None

    def before_train(self, runner) -> None:
        hub = runner.message_hub
        hub.update_info('loop_stage', 'train')
        hub.update_info('epoch', runner.epoch)
        hub.update_info('iter', runner.iter)
        hub.update_info('max_epochs', runner.max_epochs)
        hub.update_info('max_iters', runner.max_iters)
        meta = getattr(runner.train_dataloader.dataset, 'metainfo', None)
        if meta is not None:
            hub.update_info('dataset_meta', meta)

    def after_train(self, runner) -> None:
        runner.message_hub.pop_info('loop_stage')

    def before_train_epoch(self, runner) -> None:
        runner.message_hub.update_info('epoch', runner.epoch)

    def before_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        hub = runner.message_hub
        hub.update_info('iter', runner.iter)
        lr_dict = runner.optim_wrapper.get_lr()
        if not isinstance(lr_dict, dict):
            raise TypeError('optim_wrapper.get_lr() must return a dict; is the optim wrapper '
                            f'constructor returning an OptimWrapper? got {type(lr_dict).__name__}')
        for name, lr in lr_dict.items():
            hub.update_scalar(f'train/{name}', lr[0])

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        hub = runner.message_hub
        # MMEngine's optim wrapper records grad_norm while stepping, i.e. before the losses:
        # the same order keeps the log line and scalars.json key order identical
        grad_norm = getattr(runner.optim_wrapper, 'last_grad_norm', None)
        if grad_norm is not None:
            hub.update_scalar('train/grad_norm', grad_norm)
            # read once, as MMEngine records each clipping once: an update_params of a
            # subclass that clips only on some iterations leaves no stale norm behind
            runner.optim_wrapper.last_grad_norm = None
        if outputs is not None:
            # 'loss' is often the very tensor of the only loss term: read it out once
            last, last_item = None, None
            for key, value in outputs.items():
                if isinstance(value, torch.Tensor):
                    if value is not last:
                        last, last_item = value, value.item()
                    value = last_item
                hub.update_scalar(f'train/{key}', value)

    def before_val(self, runner) -> None:
        self._last_loop_stage = runner.message_hub.get_info('loop_stage')
        runner.message_hub.update_info('loop_stage', 'val')

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._record(runner, 'val', metrics)

    def after_val(self, runner) -> None:
        if getattr(self, '_last_loop_stage', None) == 'train':
            runner.message_hub.update_info('loop_stage', 'train')
            self._last_loop_stage = None
        else:
            runner.message_hub.pop_info('loop_stage')

    def before_test(self, runner) -> None:
        runner.message_hub.update_info('loop_stage', 'test')

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._record(runner, 'test', metrics)

    def after_test(self, runner) -> None:
        runner.message_hub.pop_info('loop_stage')

    @staticmethod
    def _record(runner, stage: str, metrics: Optional[dict]) -> None:
        for key, value in (metrics or {}).items():
            if _is_scalar(value):
                runner.message_hub.update_scalar(f'{stage}/{key}', value)
            else:
                runner.message_hub.update_info(f'{stage}/{key}', value)
