"""Rewrite a new-style config so that its legacy model and datasets run on the engine.

``bridge_legacy_parts(cfg)`` takes a converted config (a plain dict, as the engine or the static
reader gives it) whose model and datasets are legacy ones (registered in ``compat.apis``) and
returns a copy where:

* ``model`` is wrapped in :class:`~compat.on_engine.adapter.LegacyModelAdapter`;
* every ``*_dataloader.dataset`` is wrapped in ``LegacyDataset``, batches are collated by
  ``legacy_collate(samples_per_gpu=batch_size)``;
* the training sample order is MMDet 2.x's: ``LegacyGroupSampler`` for an epoch loop, the
  seeded ``LegacyInfiniteGroupBatchSampler`` for an iteration loop, in place of a shuffling
  ``DefaultSampler`` (which draws another order than the legacy samplers did);
* ``val_evaluator``/``test_evaluator`` without a registered type become
  ``LegacyDatasetMetric`` on the same dataset, keeping their arguments (``metric``...).

What it changed is returned too, so a caller (``migrate verify``) can report it.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Tuple

from engine.registry import METRICS

__all__ = ['bridge_legacy_parts']

Changes = List[Tuple[str, str]]


def _is_shuffling_default(sampler: Any) -> bool:
    return isinstance(sampler, dict) and sampler.get('type', 'DefaultSampler') in (
        'DefaultSampler', 'InfiniteSampler') and sampler.get('shuffle', True)


def _bridge_loader(loader: Dict[str, Any], key: str, *, train: bool, by_epoch: bool,
                   seed: Any, changes: Changes) -> Dict[str, Any]:
    loader = dict(loader)
    batch = loader.get('batch_size', 1)
    loader['dataset'] = dict(type='LegacyDataset', dataset=loader['dataset'],
                             **({} if train else dict(test_mode=True)))
    loader['collate_fn'] = dict(type='legacy_collate', samples_per_gpu=batch)
    changes.append((f'{key}.dataset', 'legacy dataset built by compat (LegacyDataset), '
                                      'batches collated by MMCV\'s collate'))
    if train and _is_shuffling_default(loader.get('sampler')):
        if by_epoch:
            loader['sampler'] = dict(type='LegacyGroupSampler', samples_per_gpu=batch)
        else:
            loader['sampler'] = dict(type='DefaultSampler', shuffle=False)
            loader['batch_sampler'] = dict(type='LegacyInfiniteGroupBatchSampler',
                                           seed=seed)
        changes.append((f'{key}.sampler',
                        'MMDet 2.x\'s sample order (GroupSampler / InfiniteGroupBatchSampler) '
                        'instead of DefaultSampler\'s, which draws another order'))
    return loader


def bridge_legacy_parts(cfg: Dict[str, Any], seed: Any = None) -> Tuple[Dict[str, Any], Changes]:
    """A copy of ``cfg`` with its legacy model and data bridged (see the module docstring)."""
    cfg = copy.deepcopy(dict(cfg))
    changes: Changes = []
    model = cfg.get('model')
    if isinstance(model, dict) and model.get('type') != 'LegacyModelAdapter':
        cfg['model'] = dict(type='LegacyModelAdapter', model=model)
        changes.append(('model', 'legacy-protocol model trained through LegacyModelAdapter'))
    train_cfg = cfg.get('train_cfg') or {}
    by_epoch = train_cfg.get('type', 'EpochBasedTrainLoop') != 'IterBasedTrainLoop' and \
        train_cfg.get('by_epoch', True)
    for split in ('train', 'val', 'test'):
        key = f'{split}_dataloader'
        loader = cfg.get(key)
        if isinstance(loader, dict) and isinstance(loader.get('dataset'), dict):
            cfg[key] = _bridge_loader(loader, key, train=split == 'train', by_epoch=by_epoch,
                                      seed=seed, changes=changes)
            evaluator_key = f'{split}_evaluator'
            evaluator = cfg.get(evaluator_key)
            if split != 'train' and isinstance(evaluator, dict) and \
                    evaluator.get('type') not in METRICS:
                args = {k: v for k, v in evaluator.items() if k != 'type'}
                cfg[evaluator_key] = dict(type='LegacyDatasetMetric',
                                          dataset=loader['dataset'], **args)
                changes.append((evaluator_key, 'scored by the legacy dataset\'s evaluate()'))
    imports = dict(cfg.get('custom_imports') or {})
    names = list(imports.get('imports', []))
    if 'compat.on_engine' not in names:
        names.append('compat.on_engine')
    imports['imports'] = names
    cfg['custom_imports'] = imports
    return cfg, changes
