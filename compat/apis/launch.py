"""MMDet 2.x's ``tools/train.py`` as a function: a legacy config file in, a trained run out.

Steps, as the script took them: load the config (MMCV semantics, ``custom_imports``), apply
``--cfg-options``, ``mp_start_method``/``opencv_num_threads``/thread variables
(:mod:`compat.apis.environment`), ``cudnn_benchmark``, the work dir (argument, else ``work_dir`` in the file,
else ``./work_dirs/<config name>``), ``resume_from``/``auto_resume``, one "GPU", the launcher
(``dist_params``), dump the config into the work dir, a ``<timestamp>.log`` file, the
environment and config in the log and in ``meta``, the seed (``init_random_seed``, then
``set_random_seed`` with ``deterministic``), the model (top-level ``train_cfg``/``test_cfg``
handed in, ``init_weights``), the datasets (a 2-phase workflow adds the val split with the
training pipeline), ``CLASSES`` into the checkpoints' meta, then :func:`train_model`.

Differences from the script, on purpose: the seed comes from ``seed=`` (``--seed``), else the
config's own ``seed`` key (which MMDet's script overwrote with a random one), else a random one;
the logger is set up afresh for every run in a process (a script ran once per process).
"""
from __future__ import annotations

import copy
import logging
import os
import os.path as osp
import time
from typing import Any, Dict, Optional, Sequence, Tuple

import torch

from compat.apis.builder import build_dataset, build_model
from compat.apis.environment import setup_multi_processes
from compat.apis.errors import config_stage
from compat.apis.preflight import check_model, check_required_keys
from compat.apis.train import init_random_seed, train_model
from compat.runner import get_dist_info, init_dist, set_random_seed
from compat.utils.config import Config
from compat.utils.env import collect_env
from compat.utils.logging import get_logger, logger_initialized

__all__ = ['LOGGER_NAME', 'load_legacy_config', 'train_legacy_config']

LOGGER_NAME = 'compat'


def load_legacy_config(config: Any, cfg_options: Optional[Dict[str, Any]] = None) -> Config:
    """``Config.fromfile`` (MMCV 1.x semantics) with ``--cfg-options`` merged in."""
    cfg = config if isinstance(config, Config) else Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def _fresh_logger(log_file: str, log_level: Any) -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger_initialized.pop(LOGGER_NAME, None)
    return get_logger(LOGGER_NAME, log_file=log_file, log_level=log_level)


def train_legacy_config(config: Any, work_dir: Optional[str] = None, *,
                        resume_from: Optional[str] = None, auto_resume: bool = False,
                        cfg_options: Optional[Dict[str, Any]] = None, launcher: str = 'none',
                        seed: Optional[int] = None, deterministic: bool = False,
                        validate: bool = True, timestamp: Optional[str] = None,
                        prepare=None, extra_hooks: Sequence[Tuple[Any, Any]] = ()):
    """Train a legacy config (a path or a compat ``Config``) as ``tools/train.py`` did;
    ``prepare(cfg)`` may edit the loaded config first; ``extra_hooks`` go to
    :func:`train_model`. Returns the runner after training."""
    cfg = load_legacy_config(config, cfg_options)
    if prepare is not None:
        prepare(cfg)
    filename = cfg.filename or '<config>'
    check_required_keys(cfg, cfg.filename)
    setup_multi_processes(cfg)
    if cfg.get('cudnn_benchmark', False):
        torch.backends.cudnn.benchmark = True
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(filename))[0])
    if resume_from is not None:
        cfg.resume_from = resume_from
    cfg.auto_resume = auto_resume or bool(cfg.get('auto_resume', False))
    cfg.gpu_ids = range(1)
    cfg.device = 'cpu'   # compat runs on the CPU (no compiled ops, no CUDA paths)

    distributed = launcher != 'none'
    if distributed:
        init_dist(launcher, **cfg.get('dist_params', {}))
        cfg.gpu_ids = range(get_dist_info()[1])

    os.makedirs(osp.abspath(cfg.work_dir), exist_ok=True)
    if get_dist_info()[0] == 0:
        cfg.dump(osp.join(cfg.work_dir, osp.basename(filename)))
    timestamp = timestamp or time.strftime('%Y%m%d_%H%M%S', time.localtime())
    logger = _fresh_logger(osp.join(cfg.work_dir, f'{timestamp}.log'),
                           cfg.get('log_level', 'INFO'))

    meta: Dict[str, Any] = {}
    env_info = '\n'.join(f'{k}: {v}' for k, v in collect_env().items())
    dash_line = '-' * 60 + '\n'
    logger.info('Environment info:\n' + dash_line + env_info + '\n' + dash_line)
    meta['env_info'] = env_info
    meta['config'] = cfg.pretty_text
    logger.info(f'Distributed training: {distributed}')
    logger.info(f'Config:\n{cfg.pretty_text}')

    seed = init_random_seed(seed if seed is not None else cfg.get('seed', None))
    logger.info(f'Set random seed to {seed}, deterministic: {deterministic}')
    set_random_seed(seed, deterministic=deterministic)
    cfg.seed = seed
    meta['seed'] = seed
    meta['exp_name'] = osp.basename(filename)

    file = cfg.filename
    with config_stage(file, 'model'):
        model = build_model(cfg.model, train_cfg=cfg.get('train_cfg'),
                            test_cfg=cfg.get('test_cfg'))
        model.init_weights()
    check_model(model, file, cfg.get('workflow'))
    with config_stage(file, 'data.train'):
        datasets = [build_dataset(cfg.data.train)]
    if len(cfg.workflow) == 2:
        with config_stage(file, 'data.val'):
            val_dataset = copy.deepcopy(cfg.data.val)
            val_dataset.pipeline = cfg.data.train.get('pipeline')
            datasets.append(build_dataset(val_dataset))
    classes = getattr(datasets[0], 'CLASSES', None)
    if cfg.checkpoint_config is not None:
        cfg.checkpoint_config.meta = dict(CLASSES=classes)
    model.CLASSES = classes
    return train_model(model, datasets, cfg, distributed=distributed, validate=validate,
                       timestamp=timestamp, meta=meta, extra_hooks=extra_hooks)
