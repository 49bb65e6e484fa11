"""MMCV 1.7.2's ``IterBasedRunner`` and ``IterLoader``: train and validate step by step."""
from __future__ import annotations

import warnings
from typing import Callable, Dict, List, Optional, Tuple, Union

import torch

from compat.runner.base_runner import (BaseRunner, load_optimizer_state, resolve_map_location,
                                       write_runner_checkpoint)
from compat.runner.hooks import Hook, IterTimerHook
from compat.runner.utils import get_host_info
from compat.utils.misc import is_list_of

__all__ = ['IterBasedRunner', 'IterLoader']


class IterLoader:
    """An endless iterator over a data loader; ``epoch`` counts the completed passes.

    Each new pass calls ``sampler.set_epoch(epoch)`` when the sampler has it (a
    ``DistributedSampler`` then shuffles anew). MMCV slept 2 s at every pass; this does not.
    """

    def __init__(self, dataloader) -> None:
        self._dataloader = dataloader
        self.iter_loader = iter(self._dataloader)
        self._epoch = 0

    @property
    def epoch(self) -> int:
        return self._epoch

    def __next__(self):
        try:
            return next(self.iter_loader)
        except StopIteration:
            self._epoch += 1
            if hasattr(self._dataloader.sampler, 'set_epoch'):
                self._dataloader.sampler.set_epoch(self._epoch)
            self.iter_loader = iter(self._dataloader)
            return next(self.iter_loader)

    def __len__(self) -> int:
        return len(self._dataloader)


class IterBasedRunner(BaseRunner):
    """Runs iterations: ``workflow=[('train', 4), ('val', 2)]`` trains four steps, then
    validates two, until ``max_iters`` train steps are done.

    ``epoch`` is the number of passes over the train loader. As in MMCV, ``inner_iter`` counts
    the steps of the current workflow phase (reset to 0 at each phase), and ``val_step`` gets
    no optimizer. MMCV's ``time.sleep(1)`` before ``after_run`` is left out.
    """

    def train(self, data_loader: IterLoader, **kwargs) -> None:
        """One train step."""
        self.model.train()
        self.mode = 'train'
        self.data_loader = data_loader
        self._epoch = data_loader.epoch
        data_batch = next(data_loader)
        self.data_batch = data_batch
        self.call_hook('before_train_iter')
        outputs = self.model.train_step(data_batch, self.optimizer, **kwargs)
        if not isinstance(outputs, dict):
            raise TypeError('model.train_step() must return a dict')
        self._record(outputs)
        self.call_hook('after_train_iter')
        del self.data_batch
        self._inner_iter += 1
        self._iter += 1

    @torch.no_grad()
    def val(self, data_loader: IterLoader, **kwargs) -> None:
        """One val step under ``no_grad``; ``iter`` does not change."""
        self.model.eval()
        self.mode = 'val'
        self.data_loader = data_loader
        data_batch = next(data_loader)
        self.data_batch = data_batch
        self.call_hook('before_val_iter')
        outputs = self.model.val_step(data_batch, **kwargs)
        if not isinstance(outputs, dict):
            raise TypeError('model.val_step() must return a dict')
        self._record(outputs)
        self.call_hook('after_val_iter')
        del self.data_batch
        self._inner_iter += 1

    def _record(self, outputs: dict) -> None:
        if 'log_vars' in outputs:
            self.log_buffer.update(outputs['log_vars'], outputs['num_samples'])
        self.outputs = outputs

    def run(self, data_loaders: List, workflow: List[Tuple[str, int]],
            max_iters: Optional[int] = None, **kwargs) -> None:
        """Repeat ``workflow`` (phase name, steps) until ``max_iters`` train steps ran.

        ``before_epoch``/``after_epoch`` are called once, around the whole run, as in MMCV.
        """
        assert isinstance(data_loaders, list)
        assert is_list_of(workflow, tuple)
        assert len(data_loaders) == len(workflow)
        if max_iters is not None:
            warnings.warn('setting max_iters in run is deprecated, '
                          'please set max_iters in runner_config', DeprecationWarning)
            self._max_iters = max_iters
        assert self._max_iters is not None, 'max_iters must be specified during instantiation'
        work_dir = self.work_dir if self.work_dir is not None else 'NONE'
        self.logger.info('Start running, host: %s, work_dir: %s', get_host_info(), work_dir)
        self.logger.info('Hooks will be executed in the following order:\n%s',
                         self.get_hook_info())
        self.logger.info('workflow: %s, max: %d iters', workflow, self._max_iters)
        self.call_hook('before_run')
        iter_loaders = [IterLoader(x) for x in data_loaders]
        self.call_hook('before_epoch')
        while self.iter < self._max_iters:
            for i, (mode, iters) in enumerate(workflow):
                self._inner_iter = 0
                if not isinstance(mode, str) or not hasattr(self, mode):
                    raise ValueError(f'runner has no method named "{mode}" to run a workflow')
                iter_runner = getattr(self, mode)
                for _ in range(iters):
                    if mode == 'train' and self.iter >= self._max_iters:
                        break
                    iter_runner(iter_loaders[i], **kwargs)
        self.call_hook('after_epoch')
        self.call_hook('after_run')

    def resume(self, checkpoint: str, resume_optimizer: bool = True,
               map_location: Union[str, Callable] = 'default') -> None:
        """Load weights, epoch, iter (``inner_iter`` too, as MMCV) and optimizer state.

        Unlike :meth:`BaseRunner.resume`, MMCV's iter runner leaves ``meta`` alone; its
        ``'default'`` location required CUDA, compat falls back to the CPU.
        """
        location = resolve_map_location(map_location)
        checkpoint = self.load_checkpoint(checkpoint, map_location=location)
        self._epoch = checkpoint['meta']['epoch']
        self._iter = checkpoint['meta']['iter']
        self._inner_iter = checkpoint['meta']['iter']
        if 'optimizer' in checkpoint and resume_optimizer:
            load_optimizer_state(self.optimizer, checkpoint['optimizer'])
        self.logger.info(f'resumed from epoch: {self.epoch}, iter {self.iter}')

    def save_checkpoint(self, out_dir: str, filename_tmpl: str = 'iter_{}.pth',
                        meta: Optional[Dict] = None, save_optimizer: bool = True,
                        create_symlink: bool = True) -> None:
        """Save ``iter_{iter+1}.pth`` in ``out_dir`` and link ``latest.pth`` to it.

        The argument order (``meta`` before ``save_optimizer``) is MMCV's for this runner.
        """
        write_runner_checkpoint(self, out_dir, filename_tmpl.format(self.iter + 1),
                                save_optimizer, meta, create_symlink)

    def register_training_hooks(self, lr_config: Union[Dict, Hook, None],
                                optimizer_config: Union[Dict, Hook, None] = None,
                                checkpoint_config: Union[Dict, Hook, None] = None,
                                log_config: Optional[Dict] = None,
                                momentum_config: Union[Dict, Hook, None] = None,
                                custom_hooks_config: Union[List, Dict, Hook, None] = None
                                ) -> None:
        """As ``BaseRunner``'s, with ``by_epoch=False`` as the default of the lr, checkpoint
        and logger configs (set in the caller's dicts, as MMCV does) and always a fresh
        ``IterTimerHook``: MMCV's override takes no ``timer_config``."""
        if checkpoint_config is not None:
            checkpoint_config.setdefault('by_epoch', False)
        if lr_config is not None:
            lr_config.setdefault('by_epoch', False)
        if log_config is not None:
            for info in log_config['hooks']:
                info.setdefault('by_epoch', False)
        super().register_training_hooks(
            lr_config=lr_config, momentum_config=momentum_config,
            optimizer_config=optimizer_config, checkpoint_config=checkpoint_config,
            log_config=log_config, timer_config=IterTimerHook(),
            custom_hooks_config=custom_hooks_config)
