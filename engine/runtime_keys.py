"""The top-level runtime keys of both config schemas: MMCV 1.x (legacy) and MMEngine (new).

The one home of these lists: the engine refuses legacy keys and reads the new ones, the
converter rewrites the legacy keys and passes the new ones through, and any other reader
(the compat runtime included) takes them from here. This module imports nothing of the
project, so the bottom layer (the engine) can read it without shipping the converter. Sources:
``shared/reference/mmcv1-to-mmengine-keys.md`` (B.0 = the new schema, C.5 = the legacy keys).
"""
from __future__ import annotations

from typing import FrozenSet, Tuple

#: Top-level legacy (MMCV 1.x) runtime keys, the converter's rewrite set (C.5).
#: ``migrate.tables.LEGACY_KEY_MAP`` says what each one becomes.
LEGACY_RUNTIME_KEYS: FrozenSet[str] = frozenset((
    'optimizer', 'optimizer_config', 'fp16', 'lr_config', 'momentum_config', 'runner',
    'total_epochs', 'workflow', 'evaluation', 'checkpoint_config', 'log_config', 'resume_from',
    'auto_resume', 'dist_params', 'mp_start_method', 'opencv_num_threads', 'cudnn_benchmark',
    'seed', 'deterministic', 'diff_seed', 'gpu_ids', 'device', 'data'))

#: Legacy keys that MMEngine's Runner silently ignores, so the engine refuses them (B.0).
#: Ordered: the engine's error names the first one present.
ENGINE_REFUSED_KEYS: Tuple[str, ...] = (
    'lr_config', 'optimizer_config', 'momentum_config', 'checkpoint_config', 'log_config',
    'evaluation', 'workflow', 'runner', 'total_epochs', 'resume_from', 'dist_params', 'fp16')

#: Top-level keys of the new (MMEngine) schema: the converter passes them through untouched
#: and the engine reads them (B.0).
NEW_RUNTIME_KEYS: FrozenSet[str] = frozenset((
    'model', 'work_dir', 'train_dataloader', 'val_dataloader', 'test_dataloader', 'train_cfg',
    'val_cfg', 'test_cfg', 'auto_scale_lr', 'optim_wrapper', 'param_scheduler', 'val_evaluator',
    'test_evaluator', 'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from',
    'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level', 'visualizer',
    'default_scope', 'randomness', 'experiment_name', 'model_wrapper_cfg',
    'find_unused_parameters', 'custom_imports', 'sync_bn', 'compile', 'runner_type'))

#: Keys the engine reads beyond the new schema (``cfg``, newer MMEngine switches, our own
#: ``load_unsafe``). Kept out of NEW_RUNTIME_KEYS because the converter never writes them and
#: treats them like any other user key.
ENGINE_ONLY_KEYS: FrozenSet[str] = frozenset((
    'cfg', 'load_unsafe', 'activation_checkpointing', 'efficient_conv_bn_eval'))
