"""``Runner``: owns built components and runs train/val/test with hooks.

It takes *built* objects; :mod:`engine.runner.build` turns a config into them
(``Runner.from_cfg``, which hands the builder this class, so the builder never imports this
module). Loops are attached after construction because they hold a reference to the runner
(as in MMEngine, so custom loops port unchanged).
"""
from __future__ import annotations

import logging
import os
import time
from typing import Any, List, Optional, Sequence, Union

import torch
import torch.nn as nn

from engine.dist.utils import barrier, broadcast, get_rank, get_world_size, is_distributed
from engine.errors import EngineError
from engine.hooks.hook import Hook
from engine.logging.log_processor import LogProcessor
from engine.model.wrappers import unwrap_model
from engine.runner.build import build_runner_of
from engine.checkpoint.pretrained_init import unsafe_pretrained_loads
from engine.checkpoint.checkpoint_io import (find_latest_checkpoint, load_checkpoint_file,
                                         load_model_state, save_checkpoint_file,
                                         weights_from_checkpoint)
from engine.runner.checkpoint_state import apply_resume, build_checkpoint, finalize_fields
from engine.runner.hook_list import HookList
from engine.runtime.message_hub import MessageHub
from engine.visualization.visualizer import Visualizer


class Runner:
    """Runs the loops of one experiment.

    Args:
        model: the model (already on its device, possibly DDP-wrapped).
        work_dir: where checkpoints and logs go.
        train_dataloader / val_dataloader / test_dataloader: built dataloaders.
        optim_wrapper: an ``OptimWrapper`` or ``OptimWrapperDict``.
        param_schedulers: a list of schedulers, or a dict name -> list.
        cfg: the config the run came from (kept in checkpoints and logs).
        load_from / resume: see :meth:`load_or_resume`.
    """

    def __init__(self, model: nn.Module, work_dir: str, *, train_dataloader=None,
                 val_dataloader=None, test_dataloader=None, optim_wrapper=None,
                 param_schedulers=None, cfg=None, seed: Optional[int] = None,
                 experiment_name: Optional[str] = None, launcher: str = 'none',
                 logger: Optional[logging.Logger] = None, log_processor=None,
                 visualizer: Optional[Visualizer] = None, load_from: Optional[str] = None,
                 resume: bool = False, load_unsafe: bool = False, timestamp: Optional[str] = None,
                 default_scope: Optional[str] = None):
        self.model = model
        self.work_dir = os.path.abspath(work_dir)
        self.train_dataloader = train_dataloader
        self.val_dataloader = val_dataloader
        self.test_dataloader = test_dataloader
        self.optim_wrapper = optim_wrapper
        self.param_schedulers = param_schedulers
        self.cfg = cfg
        self.seed = seed
        self.launcher = launcher
        self.default_scope = default_scope
        self.timestamp = timestamp or time.strftime('%Y%m%d_%H%M%S', time.localtime())
        self.experiment_name = experiment_name or self.timestamp
        self.log_dir = os.path.join(self.work_dir, self.timestamp)
        self.logger = logger or logging.getLogger('engine')
        self.log_processor = log_processor or LogProcessor()
        self.visualizer = visualizer or Visualizer(save_dir=self.log_dir)
        self.message_hub = MessageHub()
        self.load_from = load_from
        self._resume = resume
        self.load_unsafe = load_unsafe
        self._hooks = HookList()
        self.train_loop = None
        self.val_loop = None
        self.test_loop = None
        self._has_loaded = False

    @classmethod
    def from_cfg(cls, cfg) -> 'Runner':
        """Build every component from an MMEngine-style config: see
        :func:`engine.runner.build.build_runner_of`."""
        # Runner, not cls: a subclass has always got a plain Runner from here; building cls
        # (MMEngine's behaviour) would change what existing subclasses get.
        return build_runner_of(Runner, cfg)

    # -- state delegated to the train loop -------------------------------------------------------
    @property
    def epoch(self) -> int:
        return self.train_loop.epoch if self.train_loop is not None else 0

    @property
    def iter(self) -> int:
        return self.train_loop.iter if self.train_loop is not None else 0

    @property
    def max_epochs(self) -> int:
        return self.train_loop.max_epochs if self.train_loop is not None else 0

    @property
    def max_iters(self) -> int:
        return self.train_loop.max_iters if self.train_loop is not None else 0

    @property
    def val_interval(self) -> int:
        return getattr(self.train_loop, 'val_interval', 1)

    @property
    def val_begin(self) -> int:
        return getattr(self.train_loop, 'val_begin', 1)

    @property
    def _train_loop(self):  # MMEngine spelling, read by some third-party hooks
        return self.train_loop

    @property
    def hooks(self) -> List[Hook]:
        return list(self._hooks)

    @property
    def distributed(self) -> bool:
        return is_distributed()

    @property
    def rank(self) -> int:
        return get_rank()

    @property
    def world_size(self) -> int:
        return get_world_size()

    @property
    def model_name(self) -> str:
        return type(unwrap_model(self.model)).__name__

    # -- hooks --------------------------------------------------------------------------------
    def register_hook(self, hook: Union[Hook, dict], priority=None, *, key: Optional[str] = None
                      ) -> Hook:
        return self._hooks.register(hook, priority, key=key)

    def call_hook(self, fn_name: str, **kwargs: Any) -> None:
        self._hooks.call(fn_name, self, **kwargs)

    # -- entry points -----------------------------------------------------------------------------
    def train(self) -> nn.Module:
        if self.train_loop is None:
            raise EngineError('this runner has no train loop', key='train_cfg',
                              fix='set train_dataloader, train_cfg and optim_wrapper')
        if not hasattr(unwrap_model(self.model), 'train_step'):
            raise EngineError(f'{self.model_name} has no train_step', key='model',
                              fix='derive the model from engine.model.BaseModel')
        self.call_hook('before_run')
        self._init_model_weights()
        self.load_or_resume()
        self.optim_wrapper.initialize_count_status(self.model, self.train_loop.iter,
                                                   self.train_loop.max_iters)
        model = self.train_loop.run()
        self.call_hook('after_run')
        return model

    def val(self) -> dict:
        """Validate the (loaded) model once; returns the metrics."""
        return self._evaluate('val')

    def test(self) -> dict:
        """Test the (loaded) model once; returns the metrics."""
        return self._evaluate('test')

    def _evaluate(self, split: str) -> dict:
        loop = getattr(self, f'{split}_loop')
        if loop is None:
            raise EngineError(f'this runner has no {split} loop', key=f'{split}_cfg',
                              fix=f'set {split}_dataloader, {split}_cfg and {split}_evaluator')
        self.call_hook('before_run')
        self.load_or_resume()
        metrics = loop.run()
        self.call_hook('after_run')
        return metrics

    def _init_model_weights(self) -> None:
        """``model.init_weights()`` (``init_cfg``) before ``load_or_resume``, so ``load_from``
        and ``resume`` overwrite it, as in MMEngine's ``train()``."""
        model = unwrap_model(self.model)
        # Weights already loaded by an earlier val()/test() on this runner are kept: MMEngine
        # would re-initialise them here and then skip the load, training from init_cfg.
        if not hasattr(model, 'init_weights') or self._has_loaded:
            return
        try:
            # the run's --unsafe-load covers init_cfg's Pretrained files too
            with unsafe_pretrained_loads(self.load_unsafe):
                model.init_weights()
        except EngineError as e:
            raise e.with_context(file=getattr(self.cfg, 'filename', None), key='model') from e
        if self.distributed:
            # every rank starts from rank 0's values (DDP synced them before init_weights)
            for tensor in model.state_dict().values():
                broadcast(tensor)

    # -- checkpoints ----------------------------------------------------------------------------
    def load_or_resume(self) -> None:
        """``resume=True``: continue from ``load_from`` or, without it, from the checkpoint
        ``work_dir/last_checkpoint`` names; ``load_from`` alone: load weights only."""
        if self._has_loaded:
            return
        if self._resume:
            path = self.load_from or find_latest_checkpoint(self.work_dir)
            if path is None:
                self.logger.warning('resume=True but no checkpoint was found in %s; '
                                    'training from scratch', self.work_dir)
            else:
                self.resume(path)
            self._has_loaded = True
        elif self.load_from is not None:
            self.load_checkpoint(self.load_from)
            self._has_loaded = True

    def load_checkpoint(self, filename: str, map_location: Any = 'cpu', strict: bool = False,
                        revise_keys=((r'^module\.', ''),)) -> dict:
        """Load the weights of ``filename`` into the model; returns the checkpoint dict."""
        ckpt = load_checkpoint_file(filename, map_location, unsafe=self.load_unsafe)
        weights_from_checkpoint(ckpt, filename)  # refuse a file without weights before hooks
        self.call_hook('after_load_checkpoint', checkpoint=ckpt)
        missing, unexpected = load_model_state(self.model, weights_from_checkpoint(ckpt, filename),
                                               strict=strict, revise_keys=revise_keys)
        if missing or unexpected:
            self.logger.warning('loaded %s with missing keys %s and unexpected keys %s',
                                filename, missing, unexpected)
        self.logger.info('loaded weights from %s', filename)
        return ckpt

    def resume(self, filename: str, resume_optimizer: bool = True,
               resume_param_scheduler: bool = True, map_location: Any = 'cpu') -> None:
        """Continue training from ``filename``: weights, optimizer, schedulers, message hub,
        loop position and RNG states (see :mod:`engine.runner.checkpoint_state`)."""
        ckpt = self.load_checkpoint(filename, map_location)
        apply_resume(self, ckpt, filename, resume_optimizer, resume_param_scheduler)
        self.logger.info('resumed from %s at epoch %s, iter %s', filename,
                         ckpt['meta']['epoch'], ckpt['meta']['iter'])

    def save_checkpoint(self, out_dir: str, filename: str, file_client_args=None,
                        save_optimizer: bool = True, save_param_scheduler: bool = True,
                        meta: Optional[dict] = None, by_epoch: bool = True,
                        backend_args=None) -> str:
        """Write ``out_dir/filename`` atomically (rank 0; call on every rank); returns its path.

        ``work_dir/last_checkpoint`` is the :class:`CheckpointHook`'s to update, as in MMEngine.
        """
        meta = dict(meta or {})
        # Saved from after_train_epoch (epoch not yet incremented, iter already is) or from
        # after_train_iter (iter not yet incremented): store completed counts either way.
        if by_epoch:
            meta.setdefault('epoch', self.epoch + 1)
            meta.setdefault('iter', self.iter)
        else:
            meta.setdefault('epoch', self.epoch)
            meta.setdefault('iter', self.iter + 1)
        ckpt = build_checkpoint(self, meta, save_optimizer, save_param_scheduler)
        self.call_hook('before_save_checkpoint', checkpoint=ckpt)
        finalize_fields(ckpt)
        path = os.path.join(out_dir, filename)
        if self.rank == 0:
            save_checkpoint_file(ckpt, path)
        barrier()
        return path


def build_runner(cfg) -> Runner:
    """Build a :class:`Runner` and everything it runs from an MMEngine-style config."""
    return Runner.from_cfg(cfg)
