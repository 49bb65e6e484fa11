"""MMCV 1.7.2's ``EpochBasedRunner``: train and validate epoch by epoch along a workflow."""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Tuple

import torch

from compat.runner.base_runner import BaseRunner, write_runner_checkpoint
from compat.runner.utils import get_host_info
from compat.utils.misc import is_list_of

__all__ = ['EpochBasedRunner', 'Runner']


class EpochBasedRunner(BaseRunner):
    """Runs whole epochs: ``workflow=[('train', 2), ('val', 1)]`` trains two epochs, then
    validates one, until ``max_epochs`` train epochs are done.

    Hooks see the counters exactly as in MMCV. One difference: MMCV slept 2 s after
    ``before_{train,val}_epoch`` ("prevent possible deadlock during epoch transition") and 1 s
    before ``after_run``; compat does not sleep.
    """

    def run_iter(self, data_batch: Any, train_mode: bool, **kwargs) -> None:
        """One step: ``batch_processor``, ``model.train_step`` or ``model.val_step``."""
        if self.batch_processor is not None:
            outputs = self.batch_processor(self.model, data_batch, train_mode=train_mode,
                                           **kwargs)
        elif train_mode:
            outputs = self.model.train_step(data_batch, self.optimizer, **kwargs)
        else:
            outputs = self.model.val_step(data_batch, self.optimizer, **kwargs)
        if not isinstance(outputs, dict):
            # MMCV's text, missing space included
            raise TypeError('"batch_processor()" or "model.train_step()"'
                            'and "model.val_step()" must return a dict')
        if 'log_vars' in outputs:
            self.log_buffer.update(outputs['log_vars'], outputs['num_samples'])
        self.outputs = outputs

    def train(self, data_loader, **kwargs) -> None:
        """One train epoch; ``iter`` counts every step, ``epoch`` grows at the end."""
        self.model.train()
        self.mode = 'train'
        self.data_loader = data_loader
        self._max_iters = self._max_epochs * len(self.data_loader)
        self.call_hook('before_train_epoch')
        for i, data_batch in enumerate(self.data_loader):
            self.data_batch = data_batch
            self._inner_iter = i
            self.call_hook('before_train_iter')
            self.run_iter(data_batch, train_mode=True, **kwargs)
            self.call_hook('after_train_iter')
            del self.data_batch
            self._iter += 1
        self.call_hook('after_train_epoch')
        self._epoch += 1

    @torch.no_grad()
    def val(self, data_loader, **kwargs) -> None:
        """One val epoch under ``no_grad``; ``epoch`` and ``iter`` do not change."""
        self.model.eval()
        self.mode = 'val'
        self.data_loader = data_loader
        self.call_hook('before_val_epoch')
        for i, data_batch in enumerate(self.data_loader):
            self.data_batch = data_batch
            self._inner_iter = i
            self.call_hook('before_val_iter')
            # MMCV passes no kwargs to val steps of an epoch runner
            self.run_iter(data_batch, train_mode=False)
            self.call_hook('after_val_iter')
            del self.data_batch
        self.call_hook('after_val_epoch')

    def run(self, data_loaders: List, workflow: List[Tuple[str, int]],
            max_epochs: Optional[int] = None, **kwargs) -> None:
        """Repeat ``workflow`` (phase name, epochs) until ``max_epochs`` train epochs ran."""
        assert isinstance(data_loaders, list)
        assert is_list_of(workflow, tuple)
        assert len(data_loaders) == len(workflow)
        if max_epochs is not None:
            warnings.warn('setting max_epochs in run is deprecated, '
                          'please set max_epochs in runner_config', DeprecationWarning)
            self._max_epochs = max_epochs
        assert self._max_epochs is not None, 'max_epochs must be specified during instantiation'
        for i, (mode, _) in enumerate(workflow):
            if mode == 'train':
                self._max_iters = self._max_epochs * len(data_loaders[i])
                break
        work_dir = self.work_dir if self.work_dir is not None else 'NONE'
        self.logger.info('Start running, host: %s, work_dir: %s', get_host_info(), work_dir)
        self.logger.info('Hooks will be executed in the following order:\n%s',
                         self.get_hook_info())
        self.logger.info('workflow: %s, max: %d epochs', workflow, self._max_epochs)
        self.call_hook('before_run')
        while self.epoch < self._max_epochs:
            for i, (mode, epochs) in enumerate(workflow):
                epoch_runner = self._phase(mode)
                for _ in range(epochs):
                    if mode == 'train' and self.epoch >= self._max_epochs:
                        break
                    epoch_runner(data_loaders[i], **kwargs)
        self.call_hook('after_run')

    def _phase(self, mode):
        if not isinstance(mode, str):
            raise TypeError(f'mode in workflow must be a str, but got {type(mode)}')
        if not hasattr(self, mode):
            raise ValueError(f'runner has no method named "{mode}" to run an epoch')
        return getattr(self, mode)

    def save_checkpoint(self, out_dir: str, filename_tmpl: str = 'epoch_{}.pth',
                        save_optimizer: bool = True, meta: Optional[Dict] = None,
                        create_symlink: bool = True) -> None:
        """Save ``epoch_{epoch+1}.pth`` in ``out_dir`` and link ``latest.pth`` to it."""
        write_runner_checkpoint(self, out_dir, filename_tmpl.format(self.epoch + 1),
                                save_optimizer, meta, create_symlink)


class Runner(EpochBasedRunner):
    """Deprecated name of :class:`EpochBasedRunner`."""

    def __init__(self, *args, **kwargs):
        warnings.warn('Runner was deprecated, please use EpochBasedRunner instead',
                      DeprecationWarning)
        super().__init__(*args, **kwargs)
