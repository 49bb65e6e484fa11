"""Config -> runner: builds every component from MMEngine's keys, in MMEngine's order.

Errors are re-raised naming the config file and the key (``optim_wrapper.optimizer.type``).
The runner class comes in as an argument (``Runner.from_cfg`` passes it), so this module sits
below :mod:`engine.runner.runner` and the two never import each other.
"""
from __future__ import annotations

import contextlib
import copy
import importlib
import os
import time
import warnings
from typing import Any, Dict, Optional

import torch

from engine import register_all_modules
from engine.dist.utils import broadcast_object, get_world_size, is_distributed
from engine.errors import ConfigError, EngineError
from engine.logging.logger import get_logger
from engine.registry import LOG_PROCESSORS, LOOPS, MODEL_WRAPPERS, MODELS, VISUALIZERS
from engine.runner.environment import set_random_seed, setup_env, start_distributed
from engine.runtime_keys import ENGINE_ONLY_KEYS, ENGINE_REFUSED_KEYS, NEW_RUNTIME_KEYS

KNOWN_KEYS = NEW_RUNTIME_KEYS | ENGINE_ONLY_KEYS

DEFAULT_HOOKS = (
    ('runtime_info', dict(type='RuntimeInfoHook')),
    ('timer', dict(type='IterTimerHook')),
    ('sampler_seed', dict(type='DistSamplerSeedHook')),
    ('logger', dict(type='LoggerHook')),
    ('param_scheduler', dict(type='ParamSchedulerHook')),
    ('checkpoint', dict(type='CheckpointHook', interval=1)),
)

# MMEngine would ignore these legacy keys silently; a run that drops someone's schedule or
# checkpoint settings without a word is worse than an error.
LEGACY_KEYS = ENGINE_REFUSED_KEYS


@contextlib.contextmanager
def _config_key(key: str, filename: Optional[str]):
    """Attach the config file and key to any error raised while building ``key``."""
    try:
        yield
    except EngineError as e:
        raise e.with_context(file=filename, key=key) from e
    except (TypeError, ValueError, KeyError, AssertionError, ImportError) as e:
        raise ConfigError(f'{type(e).__name__}: {e}', file=filename, key=key,
                          fix=f'check the {key} entry of the config') from e


def _plain(cfg: Any) -> Dict[str, Any]:
    if hasattr(cfg, 'to_dict'):
        return cfg.to_dict()
    return copy.deepcopy(dict(cfg))


def check_config(cfg: Dict[str, Any], filename: Optional[str]) -> None:
    """Refuse configs MMEngine would misread: legacy keys, missing or inconsistent groups."""
    legacy = [k for k in LEGACY_KEYS if k in cfg]
    if legacy:
        raise ConfigError(f'MMCV 1.x keys {legacy} have no effect on the new-style engine',
                          file=filename, key=legacy[0],
                          fix='convert the config with `migrate convert`, or train it '
                              'unchanged on the compat runtime')
    if 'model' not in cfg:
        raise ConfigError('the config has no model', file=filename, key='model',
                          fix="add model = dict(type='...')")
    for group in (('train_dataloader', 'train_cfg', 'optim_wrapper'),
                  ('val_dataloader', 'val_cfg', 'val_evaluator'),
                  ('test_dataloader', 'test_cfg', 'test_evaluator')):
        present = [k for k in group if cfg.get(k) is not None]
        if present and len(present) != len(group):
            missing = [k for k in group if k not in present]
            raise ConfigError(f'{", ".join(present)} given without {", ".join(missing)}',
                              file=filename, key=missing[0],
                              fix=f'set all of {", ".join(group)} or none of them')
    if cfg.get('param_scheduler') is not None and cfg.get('optim_wrapper') is None:
        raise ConfigError('param_scheduler needs optim_wrapper', file=filename,
                          key='param_scheduler', fix='add optim_wrapper or drop param_scheduler')
    train_cfg = cfg.get('train_cfg') or {}
    if 'type' in train_cfg and 'by_epoch' in train_cfg:
        raise ConfigError('train_cfg cannot have both type and by_epoch', file=filename,
                          key='train_cfg.by_epoch',
                          fix='keep type (a loop name) or by_epoch (True/False), not both')


def _import_custom(cfg: Dict[str, Any], filename: Optional[str]) -> None:
    custom = cfg.get('custom_imports')
    if not custom:
        return
    imports = custom.get('imports', [])
    for name in [imports] if isinstance(imports, str) else imports:
        try:
            importlib.import_module(name)
        except ImportError as e:
            if custom.get('allow_failed_imports', False):
                continue
            raise ConfigError(f'cannot import {name!r}: {e}', file=filename,
                              key='custom_imports.imports',
                              fix='check the module name and that it is on PYTHONPATH') from e


def build_runner_of(runner_cls: type, cfg) -> Any:
    """Build a ``runner_cls`` (the engine's :class:`~engine.runner.Runner`) and everything it
    runs from an MMEngine-style config. Callers use ``Runner.from_cfg(cfg)``."""
    filename = getattr(cfg, 'filename', None)
    cfg_obj = cfg
    cfg = _plain(cfg)
    register_all_modules()
    check_config(cfg, filename)
    _import_custom(cfg, filename)
    if 'work_dir' not in cfg or not cfg['work_dir']:
        raise ConfigError('no work_dir', file=filename, key='work_dir',
                          fix='pass --work-dir or set work_dir in the config')
    launcher = cfg.get('launcher', 'none')
    with _config_key('env_cfg', filename):
        setup_env(cfg.get('env_cfg') or {})
    start_distributed(launcher, cfg.get('env_cfg'), filename)  # errors name their own key
    randomness = dict(cfg.get('randomness') or {})
    with _config_key('randomness', filename):
        unknown = set(randomness) - {'seed', 'deterministic', 'diff_rank_seed'}
        if unknown:
            raise ValueError(f'unknown randomness keys {sorted(unknown)}')
        seed = set_random_seed(**randomness)
    work_dir = os.path.abspath(cfg['work_dir'])
    timestamp = broadcast_object(time.strftime('%Y%m%d_%H%M%S', time.localtime()))
    log_dir = os.path.join(work_dir, timestamp)
    logger = get_logger('engine', os.path.join(log_dir, f'{timestamp}.log'),
                        cfg.get('log_level', 'INFO'))
    unknown = sorted(set(cfg) - KNOWN_KEYS)
    if unknown:
        logger.info('config keys not read by the runner (kept for your own code): %s', unknown)

    with _config_key('model', filename):
        model_cfg = dict(cfg['model'])
        if cfg.get('data_preprocessor') is not None:
            model_cfg.setdefault('data_preprocessor', cfg['data_preprocessor'])
        model = MODELS.build(model_cfg)
        model = model.to('cuda' if torch.cuda.is_available() else 'cpu')
        model = _wrap_model(model, cfg)

    dataloaders = {}
    from engine.dataset import build_dataloader
    for split in ('train', 'val', 'test'):
        key = f'{split}_dataloader'
        if cfg.get(key) is not None:
            with _config_key(key, filename):
                dataloaders[split] = build_dataloader(
                    cfg[key], seed=seed, diff_rank_seed=randomness.get('diff_rank_seed', False),
                    key=key)

    optim_wrapper = None
    if cfg.get('optim_wrapper') is not None:
        from engine.optim import build_optim_wrapper
        with _config_key('optim_wrapper', filename):
            optim_wrapper = build_optim_wrapper(model, cfg['optim_wrapper'])
        with _config_key('auto_scale_lr', filename):
            _scale_lr(optim_wrapper, cfg.get('auto_scale_lr'), cfg.get('train_dataloader'))

    with _config_key('log_processor', filename):
        lp_cfg = dict(cfg.get('log_processor') or {})
        lp_cfg.setdefault('type', 'LogProcessor')
        log_processor = LOG_PROCESSORS.build(lp_cfg)
    with _config_key('visualizer', filename):
        vis_cfg = dict(cfg.get('visualizer') or
                       dict(type='Visualizer', vis_backends=[dict(type='LocalVisBackend')]))
        vis_cfg.setdefault('type', 'Visualizer')
        vis_cfg.setdefault('save_dir', log_dir)
        vis_cfg.pop('name', None)
        visualizer = VISUALIZERS.build(vis_cfg)

    runner = runner_cls(
        model, work_dir, train_dataloader=dataloaders.get('train'),
        val_dataloader=dataloaders.get('val'), test_dataloader=dataloaders.get('test'),
        optim_wrapper=optim_wrapper, cfg=cfg_obj, seed=seed,
        experiment_name=cfg.get('experiment_name'), launcher=launcher, logger=logger,
        log_processor=log_processor, visualizer=visualizer, load_from=cfg.get('load_from'),
        resume=bool(cfg.get('resume', False)), load_unsafe=bool(cfg.get('load_unsafe', False)),
        timestamp=timestamp, default_scope=cfg.get('default_scope'))
    _build_loops(runner, cfg, dataloaders, filename)
    if cfg.get('param_scheduler') is not None:
        from engine.schedulers import build_param_schedulers
        with _config_key('param_scheduler', filename):
            loop = runner.train_loop
            runner.param_schedulers = build_param_schedulers(
                cfg['param_scheduler'], optim_wrapper,
                epoch_length=len(dataloaders['train']) if 'train' in dataloaders else None,
                max_epochs=loop.max_epochs if loop is not None else None,
                max_iters=loop.max_iters if loop is not None else None)
    _register_hooks(runner, cfg, filename)
    if hasattr(cfg_obj, 'pretty_text'):
        visualizer.add_config(cfg_obj)   # the Config: back ends that record values need it
    return runner


def _wrap_model(model, cfg: Dict[str, Any]):
    """MMEngine's ``wrap_model``: no ``model_wrapper_cfg`` means ``MMDistributedDataParallel``
    with ``broadcast_buffers=False`` and the config's ``find_unused_parameters``; a given
    ``model_wrapper_cfg`` is built as written (type defaulting to MMDistributedDataParallel)."""
    if not is_distributed():
        return model
    if cfg.get('sync_bn'):
        model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    from torch.nn.parallel import DistributedDataParallel
    user_cfg = cfg.get('model_wrapper_cfg')
    if user_cfg is None:
        wrapper_cfg = dict(type='MMDistributedDataParallel', broadcast_buffers=False,
                           find_unused_parameters=bool(cfg.get('find_unused_parameters', False)))
    else:
        wrapper_cfg = dict(user_cfg)
        wrapper_cfg.setdefault('type', 'MMDistributedDataParallel')
    wrapper_type = wrapper_cfg['type']
    if isinstance(wrapper_type, str):
        wrapper_type = MODEL_WRAPPERS.get(wrapper_type)
    default_args = dict(module=model)
    # DDP on CPU (gloo) must not get device_ids; on GPU each rank drives its current device
    if (isinstance(wrapper_type, type) and issubclass(wrapper_type, DistributedDataParallel)
            and torch.cuda.is_available()):
        default_args['device_ids'] = [torch.cuda.current_device()]
    with warnings.catch_warnings():
        # torch>=2.10 deprecates broadcast_buffers; its meaning here is MMEngine's
        warnings.filterwarnings('ignore', message='`broadcast_buffers` is deprecated',
                                category=FutureWarning)
        return MODEL_WRAPPERS.build(wrapper_cfg, default_args=default_args)


def _scale_lr(optim_wrapper, auto_scale_lr: Optional[dict], train_dataloader: Optional[dict]
              ) -> None:
    """``lr *= world_size * batch_size / base_batch_size`` when ``enable=True``."""
    if not auto_scale_lr or not auto_scale_lr.get('enable', False):
        return
    if 'base_batch_size' not in auto_scale_lr:
        raise ValueError('auto_scale_lr needs base_batch_size')
    if not train_dataloader or 'batch_size' not in train_dataloader:
        raise ValueError('auto_scale_lr needs train_dataloader.batch_size')
    ratio = get_world_size() * train_dataloader['batch_size'] / auto_scale_lr['base_batch_size']
    wrappers = optim_wrapper.values() if hasattr(optim_wrapper, 'values') else [optim_wrapper]
    for wrapper in wrappers:
        for group in wrapper.optimizer.param_groups:
            group['lr'] = group['lr'] * ratio


def _build_loops(runner: Any, cfg: Dict[str, Any], dataloaders: dict,
                 filename: Optional[str]) -> None:
    if cfg.get('train_cfg') is not None:
        with _config_key('train_cfg', filename):
            loop_cfg = dict(cfg['train_cfg'])
            if 'type' not in loop_cfg:
                by_epoch = loop_cfg.pop('by_epoch', True)
                loop_cfg['type'] = 'EpochBasedTrainLoop' if by_epoch else 'IterBasedTrainLoop'
            runner.train_loop = LOOPS.build(loop_cfg, default_args=dict(
                runner=runner, dataloader=dataloaders['train']))
    for split in ('val', 'test'):
        if cfg.get(f'{split}_cfg') is not None:
            with _config_key(f'{split}_cfg', filename):
                loop_cfg = dict(cfg[f'{split}_cfg'])
                loop_cfg.setdefault('type', 'ValLoop' if split == 'val' else 'TestLoop')
                loop = LOOPS.build(loop_cfg, default_args=dict(
                    runner=runner, dataloader=dataloaders[split],
                    evaluator=cfg[f'{split}_evaluator']))
                setattr(runner, f'{split}_loop', loop)


def _register_hooks(runner: Any, cfg: Dict[str, Any], filename: Optional[str]) -> None:
    user_defaults = cfg.get('default_hooks') or {}
    if not isinstance(user_defaults, dict):
        raise ConfigError('default_hooks must be a dict name -> hook config', file=filename,
                          key='default_hooks')
    hooks = dict(DEFAULT_HOOKS)
    for name, hook in user_defaults.items():
        if hook is None:
            hooks.pop(name, None)
        elif name in hooks and isinstance(hook, dict) and 'type' not in hook:
            merged = dict(hooks[name])
            merged.update(hook)
            hooks[name] = merged
        else:
            hooks[name] = hook
    for name, hook in hooks.items():
        with _config_key(f'default_hooks.{name}', filename):
            runner.register_hook(hook)
    custom = cfg.get('custom_hooks') or []
    if not isinstance(custom, (list, tuple)):
        raise ConfigError('custom_hooks must be a list of hook configs', file=filename,
                          key='custom_hooks', fix='write custom_hooks = [dict(type=...), ...]')
    for i, hook in enumerate(custom):
        with _config_key(f'custom_hooks[{i}]', filename):
            runner.register_hook(hook)
