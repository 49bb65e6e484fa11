"""MMDet 2.x's ``train_detector`` (``mmdet/apis/train.py``) on the compat runtime.

What it does with the config, in MMDet's order: normalise the deprecated keys
(:func:`compat_cfg`: ``imgs_per_gpu``, the loader arguments, ``total_epochs``), build one
train loader per dataset, wrap the model (``MMDataParallel``, or ``MMDistributedDataParallel``
under a launcher), scale the lr (``auto_scale_lr``), build the optimizer(s), the runner, the
optimizer hook (``fp16`` makes it an ``Fp16OptimizerHook``), the training hooks, the
distributed sampler-seed hook (epoch runner), the eval hook at priority LOW, then resume or
load and run the workflow.

Where MMCls 0.x / MMSelfSup 0.x differ, see :mod:`compat.downstream.loader_args` (their val
batch is ``data.samples_per_gpu``, not 1) and :mod:`compat.apis.optimizers` (the regex
``paramwise_options`` form); MMSelfSup 0.x also registered ``custom_hooks`` itself and did
not pass ``momentum_config``.
"""
from __future__ import annotations

import copy
import glob
import os.path as osp
import warnings
from typing import Any, List, Optional, Sequence, Tuple

from compat.apis.builder import build_dataset
from compat.apis.dataloader import build_dataloader
from compat.apis.errors import LegacyConfigError, config_stage, named_file
from compat.apis.optimizers import build_optimizers
from compat.apis.preflight import check_workflow
from compat.downstream.loader_args import mmdet as mmdet_loader_args
from compat.parallel import MMDataParallel, MMDistributedDataParallel
from compat.runner import (EpochBasedRunner, build_runner, get_dist_info)
from compat.runner.hooks import DistEvalHook, EvalHook, Fp16OptimizerHook, OptimizerHook
from compat.runner.hooks.sampler_seed import DistSamplerSeedHook
from compat.utils.config_dict import ConfigDict
from compat.utils.logging import get_logger

__all__ = ['train_model', 'compat_cfg', 'auto_scale_lr', 'init_random_seed',
           'find_latest_checkpoint']


def init_random_seed(seed: Optional[int] = None, device: str = 'cpu') -> int:
    """``seed``, or a random one that every rank shares (rank 0's, broadcast)."""
    if seed is not None:
        return seed
    from compat.apis.samplers import sync_random_seed
    return sync_random_seed(None, device=device)


def find_latest_checkpoint(path: str, suffix: str = 'pth') -> Optional[str]:
    """``latest.pth`` in ``path``, else the ``*_<n>.pth`` with the largest ``n``; None (with a
    warning) when there is none."""
    if not osp.exists(path):
        warnings.warn('The path of checkpoints does not exist.')
        return None
    if osp.exists(osp.join(path, f'latest.{suffix}')):
        return osp.join(path, f'latest.{suffix}')
    best, best_path = -1, None
    for checkpoint in glob.glob(osp.join(path, f'*.{suffix}')):
        try:
            count = int(osp.basename(checkpoint).split('_')[-1].split('.')[0])
        except ValueError:
            continue  # MMDet crashed on such names; a foreign file is not a checkpoint here
        if count > best:
            best, best_path = count, checkpoint
    if best_path is None:
        warnings.warn('There are no checkpoints in the path.')
    return best_path


def compat_cfg(cfg):
    """A copy of ``cfg`` with MMDet 2.x's deprecated keys normalised: ``data.imgs_per_gpu``
    becomes ``samples_per_gpu``; the data-level and per-split loader settings move into
    ``data.<split>_dataloader``; a missing ``runner`` is built from ``total_epochs``."""
    cfg = copy.deepcopy(cfg)
    data = cfg.data
    if 'imgs_per_gpu' in data:
        warnings.warn('"imgs_per_gpu" is deprecated in MMDet V2.0. '
                      'Please use "samples_per_gpu" instead')
        data.samples_per_gpu = data.imgs_per_gpu
    readings = {}
    for split in ('train', 'val', 'test'):
        args, unread, conflicts = mmdet_loader_args(data.to_dict() if hasattr(data, 'to_dict')
                                                    else dict(data), split)
        if conflicts:
            raise ValueError(
                f'`{conflicts[0]}` is set both there and in `data.{split}_dataloader` '
                f'(MMDet 2.24+ asserted on this): keep only the data.{split}_dataloader one')
        for key in unread if split == 'train' else ():   # the same keys for every split
            warnings.warn(f'data.{key} is not read by MMDet 2.x\'s train script (it has no '
                          'effect); move it into data.train_dataloader if it should')
        readings[split] = args
    for split in ('val', 'test'):
        split_cfg = data.get(split)
        for part in (split_cfg if isinstance(split_cfg, list) else [split_cfg]):
            if isinstance(part, dict):
                part.pop('samples_per_gpu', None)
    for split, args in readings.items():
        data[f'{split}_dataloader'] = ConfigDict(args)
    if 'runner' not in cfg:
        if 'total_epochs' not in cfg:
            raise KeyError('neither `runner` nor `total_epochs` is set: add '
                           "runner = dict(type='EpochBasedRunner', max_epochs=N)")
        cfg.runner = ConfigDict(type='EpochBasedRunner', max_epochs=cfg.total_epochs)
        warnings.warn('config is now expected to have a `runner` section, '
                      'please set `runner` in your config.', UserWarning)
    elif 'total_epochs' in cfg and cfg.total_epochs != cfg.runner.get('max_epochs'):
        raise ValueError(f'total_epochs={cfg.total_epochs} disagrees with '
                         f'runner.max_epochs={cfg.runner.get("max_epochs")} (MMDet 2.x '
                         'asserted they are equal): delete total_epochs')
    return cfg


def auto_scale_lr(cfg, distributed: bool, logger) -> None:
    """MMDet 2.24+: with ``auto_scale_lr.enable``, multiply ``optimizer.lr`` by
    (GPUs x samples per GPU) / ``base_batch_size`` before the optimizer is built."""
    if 'auto_scale_lr' not in cfg or not cfg.auto_scale_lr.get('enable', False):
        logger.info('Automatic scaling of learning rate (LR) has been disabled.')
        return
    base_batch_size = cfg.auto_scale_lr.get('base_batch_size', None)
    if base_batch_size is None:
        return
    num_gpus = get_dist_info()[1] if distributed else len(cfg.gpu_ids)
    samples_per_gpu = cfg.data.train_dataloader.samples_per_gpu
    batch_size = num_gpus * samples_per_gpu
    logger.info(f'Training with {num_gpus} GPU(s) with {samples_per_gpu} samples per GPU. '
                f'The total batch size is {batch_size}.')
    if batch_size != base_batch_size:
        scaled_lr = (batch_size / base_batch_size) * cfg.optimizer.lr
        logger.info(f'LR has been automatically scaled from {cfg.optimizer.lr} to {scaled_lr}')
        cfg.optimizer.lr = scaled_lr
    else:
        logger.info(f'The batch size match the base batch size: {base_batch_size}, '
                    f'will not scaling the LR ({cfg.optimizer.lr}).')


def _optimizer_hook(cfg, distributed: bool) -> Any:
    fp16_cfg = cfg.get('fp16', None)
    optimizer_config = cfg.optimizer_config
    if fp16_cfg is not None:
        if optimizer_config is None:
            optimizer_config = {}
        if 'type' in optimizer_config:
            raise TypeError(
                f"fp16 with optimizer_config.type={optimizer_config['type']!r}: MMDet 2.x "
                'passed optimizer_config to Fp16OptimizerHook, which takes no `type` '
                '(TypeError); for fp16 with accumulation write optimizer_config = '
                "dict(type='GradientCumulativeFp16OptimizerHook', loss_scale=..., "
                'cumulative_iters=...) and delete `fp16`')
        return Fp16OptimizerHook(**optimizer_config, **fp16_cfg, distributed=distributed)
    if distributed and optimizer_config is not None and 'type' not in optimizer_config:
        return OptimizerHook(**optimizer_config)
    return optimizer_config


def train_model(model, dataset, cfg, distributed: bool = False, validate: bool = False,
                timestamp: Optional[str] = None, meta: Optional[dict] = None,
                extra_hooks: Sequence[Tuple[Any, Any]] = ()):
    """Train ``model`` on ``dataset`` (one per workflow phase) as ``cfg`` says; returns the
    runner after ``run``. ``extra_hooks`` (``(hook, priority)`` pairs, e.g. an observer) are
    registered after the config's hooks, before resuming."""
    file = getattr(cfg, 'filename', None)
    with config_stage(file, 'data'):
        cfg = compat_cfg(cfg)
    logger = get_logger('compat', log_level=cfg.get('log_level', 'INFO'))
    datasets: List[Any] = dataset if isinstance(dataset, (list, tuple)) else [dataset]
    runner_type = cfg.runner['type'] if 'runner' in cfg else 'EpochBasedRunner'
    train_loader_cfg = dict(samples_per_gpu=2, workers_per_gpu=2, num_gpus=len(cfg.gpu_ids),
                            dist=distributed, seed=cfg.seed, runner_type=runner_type,
                            persistent_workers=False)
    train_loader_cfg.update(cfg.data.get('train_dataloader', {}))
    with config_stage(file, 'data.train_dataloader'):
        data_loaders = [build_dataloader(ds, **train_loader_cfg) for ds in datasets]

    if distributed:
        model = MMDistributedDataParallel(model, broadcast_buffers=False,
                                          find_unused_parameters=cfg.get(
                                              'find_unused_parameters', False))
    else:
        model = MMDataParallel(model, device_ids=list(cfg.gpu_ids))

    with config_stage(file, 'optimizer'):
        auto_scale_lr(cfg, distributed, logger)
        optimizer = build_optimizers(model, cfg.optimizer)
    with config_stage(file, 'runner'):
        runner = build_runner(cfg.runner, default_args=dict(
            model=model, optimizer=optimizer, work_dir=cfg.work_dir, logger=logger, meta=meta))
    runner.timestamp = timestamp   # the .log and .log.json files share this name
    runner.load_unsafe = bool(cfg.get('load_unsafe', False))
    check_workflow(cfg.workflow, runner, file)

    with config_stage(file, 'fp16' if cfg.get('fp16') is not None else 'optimizer_config'):
        optimizer_hook = _optimizer_hook(cfg, distributed)
    with config_stage(file, 'training hooks'):
        runner.register_training_hooks(cfg.lr_config, optimizer_hook,
                                       cfg.checkpoint_config, cfg.log_config,
                                       cfg.get('momentum_config', None),
                                       custom_hooks_config=cfg.get('custom_hooks', None))
    if distributed and isinstance(runner, EpochBasedRunner):
        runner.register_hook(DistSamplerSeedHook())

    if validate:
        val_loader_cfg = dict(samples_per_gpu=1, workers_per_gpu=2, dist=distributed,
                              shuffle=False, persistent_workers=False)
        val_loader_cfg.update(cfg.data.get('val_dataloader', {}))
        with config_stage(file, 'data.val'):
            if cfg.data.get('val') is None:
                raise LegacyConfigError(
                    'validation needs data.val, which the config does not give (MMDet 2.x '
                    'failed with a KeyError/TypeError building the val loader)', key='data.val',
                    fix='add data.val (the validation split), or train with --no-validate')
            val_dataset = build_dataset(cfg.data.val, dict(test_mode=True))
            val_dataloader = build_dataloader(val_dataset, **val_loader_cfg)
        with config_stage(file, 'evaluation'):
            eval_cfg = dict(cfg.get('evaluation', {}))
            eval_cfg['by_epoch'] = cfg.runner['type'] != 'IterBasedRunner'
            eval_hook = DistEvalHook if distributed else EvalHook
            runner.register_hook(eval_hook(val_dataloader, **eval_cfg), priority='LOW')

    for hook, priority in extra_hooks:
        runner.register_hook(hook, priority=priority)

    resume_from = cfg.get('resume_from')
    if resume_from is None and cfg.get('auto_resume'):
        resume_from = find_latest_checkpoint(cfg.work_dir)
    if resume_from:
        with config_stage(file, 'resume_from'):
            runner.resume(resume_from)
    elif cfg.get('load_from'):
        with config_stage(file, 'load_from'):
            runner.load_checkpoint(cfg.load_from)
    with named_file(file):
        runner.run(data_loaders, cfg.workflow)
    return runner

