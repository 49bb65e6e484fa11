"""The downstream train flow (MMDet 2.x ``tools/train.py`` + ``apis/train.py``) on compat:
what turns a legacy config into a training run."""
from compat.apis.builder import (DATASETS, MODELS, ConcatDataset, RepeatDataset, build_dataset,
                                 build_model)
from compat.apis.dataloader import build_dataloader, worker_init_fn
from compat.apis.launch import load_legacy_config, train_legacy_config
from compat.apis.optimizers import build_optimizer, build_optimizers
from compat.apis.train import (auto_scale_lr, compat_cfg, find_latest_checkpoint,
                               init_random_seed, train_model)

__all__ = ['DATASETS', 'MODELS', 'ConcatDataset', 'RepeatDataset', 'build_dataset',
           'build_model', 'build_dataloader', 'worker_init_fn', 'load_legacy_config',
           'train_legacy_config', 'build_optimizer', 'build_optimizers', 'auto_scale_lr',
           'compat_cfg', 'find_latest_checkpoint', 'init_random_seed', 'train_model']
