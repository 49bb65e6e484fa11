"""MIG082: the generic part of ``data`` -> ``train_dataloader``/``val_dataloader``/
``test_dataloader`` (datasets and pipelines are kept as they are)."""
from __future__ import annotations

from typing import Any, Dict

from migrate.rules.base import MANUAL, NOTE, Plan, Rule

_LOADER_KEYS = ('samples_per_gpu', 'imgs_per_gpu', 'workers_per_gpu', 'persistent_workers',
                'shuffle', 'drop_last', 'pin_memory')


class DataToDataloaders(Rule):
    id = 'MIG082'
    name = 'data-to-dataloaders'
    summary = ('data.samples_per_gpu/workers_per_gpu/train/val/test become *_dataloader with '
               'batch_size, num_workers and a DefaultSampler (shuffle on train only)')
    legacy_keys = ('data',)
    new_keys = ('train_dataloader', 'val_dataloader', 'test_dataloader')

    def apply(self, plan: Plan) -> None:
        data = plan.get('data')
        plan.consume('data')
        if not isinstance(data, dict):
            return
        iter_runner = plan.facts.get('runner_type') == 'IterBasedRunner'
        has_eval = plan.legacy.get('evaluation') is not None
        for split in ('train', 'val', 'test'):
            if split not in data:
                continue
            if split == 'val' and not has_eval and 'runner_type' in plan.facts:
                self.report(plan, MANUAL, 'data.val',
                            'no evaluation key: MMDet/MMSeg 2.x tools still validated with '
                            'defaults; MMEngine needs val_cfg and val_evaluator beside '
                            'val_dataloader (or set val_dataloader = None)')
            overrides = data.get(f'{split}_dataloader') or {}
            loader = self._loader(data, overrides, split, iter_runner)
            dataset = data[split]
            if isinstance(dataset, list):
                dataset = dict(type='ConcatDataset', datasets=dataset)
            loader['dataset'] = dataset
            plan.set((f'{split}_dataloader',), loader)
            if not isinstance(data[split], list):
                plan.origins[(f'{split}_dataloader', 'dataset')] = ('data', split)
        if 'val' in data and has_eval and 'val_dataloader' not in data:
            self.report(plan, NOTE, 'data.val', 'val batch size = samples_per_gpu (MMDet 2.x '
                        'validated with batch 1 unless data.val_dataloader said otherwise)')

    @staticmethod
    def _loader(data: Dict[str, Any], overrides: Dict[str, Any], split: str,
                iter_runner: bool) -> Dict[str, Any]:
        args = {k: data[k] for k in _LOADER_KEYS if k in data}
        args.update({k: v for k, v in overrides.items() if k in _LOADER_KEYS})
        loader: Dict[str, Any] = {}
        batch = args.get('samples_per_gpu', args.get('imgs_per_gpu'))
        if batch is not None:
            loader['batch_size'] = batch
        if 'workers_per_gpu' in args:
            loader['num_workers'] = args['workers_per_gpu']
        if 'persistent_workers' in args:
            loader['persistent_workers'] = args['persistent_workers']
        if 'drop_last' in args:
            loader['drop_last'] = args['drop_last']
        if 'pin_memory' in args:
            loader['pin_memory'] = args['pin_memory']
        shuffle = args.get('shuffle', split == 'train')
        if split == 'train' and iter_runner:
            loader['sampler'] = dict(type='InfiniteSampler', shuffle=shuffle)
        else:
            loader['sampler'] = dict(type='DefaultSampler', shuffle=shuffle)
        return loader
