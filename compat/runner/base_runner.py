"""MMCV 1.7.2's ``BaseRunner``: the state, the hook list and checkpoint resume of legacy runners.

Subclasses (:class:`~compat.runner.epoch_based_runner.EpochBasedRunner`,
:class:`~compat.runner.iter_based_runner.IterBasedRunner`) implement ``run``/``train``/``val``
and ``save_checkpoint``. MMCV's ``register_lr_hook``, ``register_momentum_hook``,
``register_optimizer_hook``, ``register_checkpoint_hook``, ``register_timer_hook`` and
``register_logger_hooks`` are here; ``register_custom_hooks``, ``register_profiler_hook`` and
``register_training_hooks`` are not yet (they come with ``migrate train`` on legacy configs).
"""
from __future__ import annotations

import ast
import copy
import logging
import os.path as osp
import shutil
import warnings
from abc import ABCMeta, abstractmethod
from typing import Callable, Dict, List, Optional, Union

import torch
from torch.optim import Optimizer

from compat.checkpoint.checkpoint import load_checkpoint, save_checkpoint
from compat.runner.hooks import HOOKS, Hook
from compat.runner.hooks.schedule_hook import build_schedule_hook
from compat.runner.log_buffer import LogBuffer
from compat.runner.priority import Priority, get_priority
from compat.runner.utils import get_time_str
from compat.utils.path import mkdir_or_exist, symlink
from compat.utils.registry import build_from_cfg
from engine.dist.utils import get_dist_info
from engine.errors import ConfigError
from engine.model.wrappers import is_model_wrapper

__all__ = ['BaseRunner']


class BaseRunner(metaclass=ABCMeta):
    """The base of legacy runners, with MMCV 1.7.2's arguments, checks and counters.

    ``model`` must have ``train_step`` unless ``batch_processor`` (deprecated, as in MMCV) is
    given; ``optimizer`` is an optimizer, a dict name -> optimizer, or None; ``logger`` is
    required. Only one of ``max_epochs`` and ``max_iters`` may be set.
    """

    #: compat only: load checkpoints without ``weights_only`` (trusted files; see
    #: :meth:`load_checkpoint`)
    load_unsafe: bool = False

    def __init__(self, model: torch.nn.Module, batch_processor: Optional[Callable] = None,
                 optimizer: Union[Dict, Optimizer, None] = None,
                 work_dir: Optional[str] = None, logger: Optional[logging.Logger] = None,
                 meta: Optional[Dict] = None, max_iters: Optional[int] = None,
                 max_epochs: Optional[int] = None) -> None:
        _check_step_source(model, batch_processor)
        _check_optimizer(optimizer)
        if not isinstance(logger, logging.Logger):
            raise TypeError(f'logger must be a logging.Logger object, but got {type(logger)}')
        if meta is not None and not isinstance(meta, dict):
            raise TypeError(f'meta must be a dict or None, but got {type(meta)}')
        self.model = model
        self.batch_processor = batch_processor
        self.optimizer = optimizer
        self.logger = logger
        self.meta = meta
        if isinstance(work_dir, str):
            self.work_dir: Optional[str] = osp.abspath(work_dir)
            mkdir_or_exist(self.work_dir)
        elif work_dir is None:
            self.work_dir = None
        else:
            raise TypeError('"work_dir" must be a str or None')
        named = self.model.module if hasattr(self.model, 'module') else self.model
        self._model_name = named.__class__.__name__
        self._rank, self._world_size = get_dist_info()
        self.timestamp = get_time_str()
        self.mode: Optional[str] = None
        self._hooks: List[Hook] = []
        self._epoch = 0
        self._iter = 0
        self._inner_iter = 0
        if max_epochs is not None and max_iters is not None:
            # MMCV raised a bare ValueError here too; this one also says which key to drop
            raise _BothLimitsError(
                'Only one of `max_epochs` or `max_iters` can be set (MMCV 1.7.2 refused both '
                f'too); got max_epochs={max_epochs}, max_iters={max_iters}',
                key='runner.max_epochs', fix='keep max_epochs for an EpochBasedRunner or '
                                             'max_iters for an IterBasedRunner, not both')
        self._max_epochs = max_epochs
        self._max_iters = max_iters
        self.log_buffer = LogBuffer()

    # -- read-only state, as MMCV exposes it ------------------------------------------------
    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def rank(self) -> int:
        return self._rank

    @property
    def world_size(self) -> int:
        return self._world_size

    @property
    def hooks(self) -> List[Hook]:
        return self._hooks

    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def iter(self) -> int:
        return self._iter

    @property
    def inner_iter(self) -> int:
        return self._inner_iter

    @property
    def max_epochs(self):
        return self._max_epochs

    @property
    def max_iters(self):
        return self._max_iters

    @abstractmethod
    def train(self, data_loader, **kwargs):
        pass

    @abstractmethod
    def val(self, data_loader, **kwargs):
        pass

    @abstractmethod
    def run(self, data_loaders, workflow, **kwargs):
        pass

    @abstractmethod
    def save_checkpoint(self, out_dir, filename_tmpl, save_optimizer=True, meta=None,
                        create_symlink=True):
        pass

    # -- optimizer state ----------------------------------------------------------------------
    def current_lr(self) -> Union[List[float], Dict[str, List[float]]]:
        """The lr of every param group; a dict of such lists for a dict of optimizers."""
        if isinstance(self.optimizer, Optimizer):
            return [group['lr'] for group in self.optimizer.param_groups]
        if isinstance(self.optimizer, dict):
            return {name: [group['lr'] for group in optim.param_groups]
                    for name, optim in self.optimizer.items()}
        raise RuntimeError('lr is not applicable because optimizer does not exist.')

    def current_momentum(self) -> Union[List[float], Dict[str, List[float]]]:
        """The momentum of every param group (``betas[0]`` for Adam-like, 0 when neither)."""
        if self.optimizer is None:
            raise RuntimeError('momentum is not applicable because optimizer does not exist.')
        if isinstance(self.optimizer, dict):
            return {name: _momentums(optim) for name, optim in self.optimizer.items()}
        return _momentums(self.optimizer)

    # -- hooks ----------------------------------------------------------------------------------
    def register_hook(self, hook: Hook, priority: Union[int, str, Priority] = 'NORMAL') -> None:
        """Insert ``hook`` after every hook of lower or equal priority value (MMCV's order:
        equal priorities run in registration order)."""
        assert isinstance(hook, Hook)
        if hasattr(hook, 'priority'):
            raise ValueError('"priority" is a reserved attribute for hooks')
        priority = get_priority(priority)
        hook.priority = priority
        for i in range(len(self._hooks) - 1, -1, -1):
            if priority >= self._hooks[i].priority:
                self._hooks.insert(i + 1, hook)
                return
        self._hooks.insert(0, hook)

    def register_hook_from_cfg(self, hook_cfg: Dict) -> None:
        """Build ``hook_cfg`` (``type`` and an optional ``priority``) from ``HOOKS``."""
        hook_cfg = hook_cfg.copy()
        priority = hook_cfg.pop('priority', 'NORMAL')
        self.register_hook(build_from_cfg(hook_cfg, HOOKS), priority=priority)

    def register_lr_hook(self, lr_config: Union[Dict, Hook, None]) -> None:
        """Register ``lr_config`` (a hook or ``dict(policy=...)``) at VERY_HIGH priority."""
        hook = build_schedule_hook(lr_config, 'lr')
        if hook is not None:
            self.register_hook(hook, priority='VERY_HIGH')

    def register_momentum_hook(self, momentum_config: Union[Dict, Hook, None]) -> None:
        """Register ``momentum_config`` (a hook or ``dict(policy=...)``) at HIGH priority."""
        hook = build_schedule_hook(momentum_config, 'momentum')
        if hook is not None:
            self.register_hook(hook, priority='HIGH')

    def register_checkpoint_hook(self, checkpoint_config: Union[Dict, Hook, None]) -> None:
        """Register a ``CheckpointHook`` (the default ``type``) built from a dict, or a hook,
        at NORMAL priority; None registers nothing."""
        if checkpoint_config is None:
            return
        if isinstance(checkpoint_config, dict):
            # MMCV sets the default type on the caller's dict itself
            checkpoint_config.setdefault('type', 'CheckpointHook')
            hook = build_from_cfg(checkpoint_config, HOOKS)
        else:
            hook = checkpoint_config
        self.register_hook(hook, priority='NORMAL')

    def register_logger_hooks(self, log_config: Optional[Dict]) -> None:
        """Register each of ``log_config['hooks']`` at VERY_LOW priority, with
        ``log_config['interval']`` as their default interval."""
        if log_config is None:
            return
        log_interval = log_config['interval']
        for info in log_config['hooks']:
            logger_hook = build_from_cfg(info, HOOKS, default_args=dict(interval=log_interval))
            self.register_hook(logger_hook, priority='VERY_LOW')

    def register_timer_hook(self, timer_config: Union[Dict, Hook, None]) -> None:
        """Register a timer hook (a dict with ``type``, or a hook) at LOW priority."""
        if timer_config is None:
            return
        if isinstance(timer_config, dict):
            hook = build_from_cfg(copy.deepcopy(timer_config), HOOKS)
        else:
            hook = timer_config
        self.register_hook(hook, priority='LOW')

    def register_profiler_hook(self, profiler_config: Union[Dict, Hook, None]) -> None:
        """Register a ``ProfilerHook`` (the default ``type``) built from a dict, or a hook, at
        NORMAL priority; None registers nothing. MMCV 1.7.2 has this method, but its
        ``register_training_hooks`` never calls it: a legacy script calls it itself."""
        if profiler_config is None:
            return
        if isinstance(profiler_config, dict):
            profiler_config.setdefault('type', 'ProfilerHook')
            hook = build_from_cfg(profiler_config, HOOKS)
        else:
            hook = profiler_config
        self.register_hook(hook)

    def register_optimizer_hook(self, optimizer_config: Union[Dict, Hook, None]) -> None:
        """Register an ``OptimizerHook`` (the default ``type``) built from a dict, or a hook,
        at ABOVE_NORMAL priority; None registers nothing."""
        if optimizer_config is None:
            return
        if isinstance(optimizer_config, dict):
            # MMCV sets the default type on the caller's dict itself
            optimizer_config.setdefault('type', 'OptimizerHook')
            hook = build_from_cfg(optimizer_config, HOOKS)
        else:
            hook = optimizer_config
        self.register_hook(hook, priority='ABOVE_NORMAL')

    def register_custom_hooks(self, custom_config: Union[List, Dict, Hook, None]) -> None:
        """Register each custom hook: a dict (its optional ``priority`` popped, NORMAL by
        default) or a hook instance, which MMCV always registers at NORMAL."""
        if custom_config is None:
            return
        if not isinstance(custom_config, list):
            custom_config = [custom_config]
        for item in custom_config:
            if isinstance(item, dict):
                self.register_hook_from_cfg(item)
            else:
                self.register_hook(item, priority='NORMAL')

    def register_training_hooks(self, lr_config: Union[Dict, Hook, None],
                                optimizer_config: Union[Dict, Hook, None] = None,
                                checkpoint_config: Union[Dict, Hook, None] = None,
                                log_config: Optional[Dict] = None,
                                momentum_config: Union[Dict, Hook, None] = None,
                                timer_config: Union[Dict, Hook] = dict(type='IterTimerHook'),
                                custom_hooks_config: Union[List, Dict, Hook, None] = None
                                ) -> None:
        """Register the default hooks, then the custom ones, in MMCV 1.7.2's order: lr,
        momentum, optimizer, checkpoint, timer, loggers, custom. A custom hook whose priority
        ties a default hook's runs after it."""
        self.register_lr_hook(lr_config)
        self.register_momentum_hook(momentum_config)
        self.register_optimizer_hook(optimizer_config)
        self.register_checkpoint_hook(checkpoint_config)
        self.register_timer_hook(timer_config)
        self.register_logger_hooks(log_config)
        self.register_custom_hooks(custom_hooks_config)

    def call_hook(self, fn_name: str) -> None:
        """Call ``fn_name(self)`` of every hook, in priority order."""
        for hook in self._hooks:
            getattr(hook, fn_name)(self)

    def get_hook_info(self) -> str:
        """The hooks of each stage with their priorities, in MMCV's log layout."""
        stage_hooks: Dict[str, list] = {stage: [] for stage in Hook.stages}
        for hook in self.hooks:
            try:
                priority = Priority(hook.priority).name
            except ValueError:
                priority = hook.priority
            info = f'({priority:<12}) {hook.__class__.__name__:<35}'
            for stage in hook.get_triggered_stages():
                stage_hooks[stage].append(info)
        blocks = [f'{stage}:\n' + '\n'.join(infos) + '\n -------------------- '
                  for stage, infos in stage_hooks.items() if infos]
        return '\n'.join(blocks)

    # -- checkpoints ----------------------------------------------------------------------------
    def load_checkpoint(self, filename: str, map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False, revise_keys: List = [(r'^module.', '')]):
        """Load ``filename``'s weights into the model; returns the checkpoint. Loads with
        ``weights_only`` unless the runner's ``load_unsafe`` is set (compat only: ``migrate
        train --unsafe-load`` sets it for trusted files that pickle other objects)."""
        return load_checkpoint(self.model, filename, map_location, strict, self.logger,
                               revise_keys=revise_keys, unsafe=self.load_unsafe)

    def resume(self, checkpoint: str, resume_optimizer: bool = True,
               map_location: Union[str, Callable] = 'default') -> None:
        """Load weights, epoch/iter, ``meta`` and (with ``resume_optimizer``) optimizer state.

        When the saved config ran on another number of GPUs, ``iter`` is rescaled as MMCV
        does; the config text is read with :mod:`ast` (never executed), see
        :func:`_saved_gpu_count`.
        """
        location = resolve_map_location(map_location)
        checkpoint = self.load_checkpoint(checkpoint, map_location=location)
        self._epoch = checkpoint['meta']['epoch']
        self._iter = checkpoint['meta']['iter']
        if self.meta is None:
            self.meta = {}
        self.meta.setdefault('hook_msgs', {})
        self.meta['hook_msgs'].update(checkpoint['meta'].get('hook_msgs', {}))
        if 'config' in checkpoint['meta']:
            gpus = _saved_gpu_count(checkpoint['meta']['config'], self.logger)
            if gpus and gpus != self.world_size:
                self._iter = int(self._iter * gpus / self.world_size)
                self.logger.info('the iteration number is changed due to change of GPU number')
        self.meta = checkpoint['meta']
        if 'optimizer' in checkpoint and resume_optimizer:
            load_optimizer_state(self.optimizer, checkpoint['optimizer'])
        self.logger.info('resumed epoch %d, iter %d', self.epoch, self.iter)


def write_runner_checkpoint(runner: BaseRunner, out_dir: str, filename: str,
                            save_optimizer: bool, meta: Optional[Dict],
                            create_symlink: bool) -> None:
    """Save ``out_dir/filename`` with ``meta`` + the runner's meta + ``epoch+1``/``iter``,
    and point ``latest.pth`` at it: a relative symlink, or a copy where links fail."""
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise TypeError(f'meta should be a dict or None, but got {type(meta)}')
    if runner.meta is not None:
        meta.update(runner.meta)
    meta.update(epoch=runner.epoch + 1, iter=runner.iter)
    filepath = osp.join(out_dir, filename)
    optimizer = runner.optimizer if save_optimizer else None
    save_checkpoint(runner.model, filepath, optimizer=optimizer, meta=meta)
    if create_symlink:
        latest = osp.join(out_dir, 'latest.pth')
        try:
            symlink(filename, latest)
        except (OSError, NotImplementedError):
            # MMCV copied on Windows only; any file system without links gets the copy here
            shutil.copy(filepath, latest)


class _BothLimitsError(ConfigError, ValueError):
    """Both ``max_epochs`` and ``max_iters`` are set (MMCV: ValueError)."""


def _check_step_source(model, batch_processor) -> None:
    if batch_processor is None:
        assert hasattr(model, 'train_step')
        return
    if not callable(batch_processor):
        raise TypeError(f'batch_processor must be callable, but got {type(batch_processor)}')
    warnings.warn('batch_processor is deprecated, please implement train_step() and '
                  'val_step() in the model instead.', DeprecationWarning)
    inner = model.module if is_model_wrapper(model) else model
    if hasattr(inner, 'train_step') or hasattr(inner, 'val_step'):
        raise RuntimeError('batch_processor and model.train_step()/model.val_step() '
                           'cannot be both available.')


def _check_optimizer(optimizer) -> None:
    if isinstance(optimizer, dict):
        for name, optim in optimizer.items():
            if not isinstance(optim, Optimizer):
                raise TypeError(f'optimizer must be a dict of torch.optim.Optimizers, '
                                f'but optimizer["{name}"] is a {type(optim)}')
    elif not isinstance(optimizer, Optimizer) and optimizer is not None:
        raise TypeError(f'optimizer must be a torch.optim.Optimizer object or dict or None, '
                        f'but got {type(optimizer)}')


def _momentums(optimizer: Optimizer) -> List[float]:
    momentums = []
    for group in optimizer.param_groups:
        if 'momentum' in group:
            momentums.append(group['momentum'])
        elif 'betas' in group:
            momentums.append(group['betas'][0])
        else:
            momentums.append(0)
    return momentums


def resolve_map_location(map_location):
    """MMCV's ``'default'``: the current CUDA device when there is one, else the CPU."""
    if map_location != 'default':
        return map_location
    if torch.cuda.is_available():
        device_id = torch.cuda.current_device()
        return lambda storage, loc: storage.cuda(device_id)
    return 'cpu'


def load_optimizer_state(optimizer, state) -> None:
    """Load a saved optimizer state (or a dict name -> state) into the runner's optimizer(s)."""
    if isinstance(optimizer, Optimizer):
        optimizer.load_state_dict(state)
    elif isinstance(optimizer, dict):
        for name in optimizer.keys():
            optimizer[name].load_state_dict(state[name])
    else:
        raise TypeError('Optimizer should be dict or torch.optim.Optimizer '
                        f'but got {type(optimizer)}')


def _saved_gpu_count(config_text: str, logger: logging.Logger) -> Optional[int]:
    """``len(gpu_ids)`` of a saved config's text, or None when it sets none.

    MMCV executed the text (``Config.fromstring``); compat never executes it and reads a
    top-level ``gpu_ids = [..]``/``(..)``/``range(..)`` with :mod:`ast` instead (MMDet 2.x
    ``tools/train.py`` sets ``cfg.gpu_ids = range(world_size)`` or ``[args.gpu_id]``). Any
    other form is logged as a warning: the iteration is then not rescaled.
    """
    try:
        tree = ast.parse(config_text)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == 'gpu_ids'):
            count = _literal_length(node.value)
            if count is None:
                logger.warning('resume: cannot read gpu_ids of the saved config '
                               f'({ast.unparse(node.value)!r}) without running it; the '
                               'iteration is not rescaled to the new number of GPUs')
            return count
    return None


def _literal_length(node: ast.expr) -> Optional[int]:
    try:
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == 'range' and not node.keywords):
            return len(range(*[ast.literal_eval(arg) for arg in node.args]))
        return len(ast.literal_eval(node))
    except (ValueError, TypeError, SyntaxError):
        return None
