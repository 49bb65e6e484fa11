"""MIG082: the generic part of ``data`` -> ``train_dataloader``/``val_dataloader``/
``test_dataloader`` (datasets and pipelines are kept as they are).

Loader settings are read as the train scripts read them: ``data.<split>_dataloader`` overrides
the shared ``data`` settings (MMDet 2.25+ ``train_detector``: ``{**train_dataloader_default_args,
**cfg.data.get('train_dataloader', {})}``; ``tools/test.py`` with ``test_dataloader``).
MMAction2 0.x (``videos_per_gpu`` in ``data`` or a recognizer model) reads ``videos_per_gpu``
(default 1) and ``workers_per_gpu`` (default 1), and its ``apis/train.py::train_model`` divides
the train batch by ``optimizer_config.update_interval``. A loader setting that no rule
understands is reported, never dropped silently.
"""
from __future__ import annotations

from typing import Any, Dict, List

from migrate.rules._codebase import codebase_of
from migrate.rules.base import DROPPED, MANUAL, NOTE, Plan, Rule

_LOADER_KEYS = ('samples_per_gpu', 'imgs_per_gpu', 'videos_per_gpu', 'workers_per_gpu',
                'persistent_workers', 'shuffle', 'drop_last', 'pin_memory')
_SPLITS = ('train', 'val', 'test')
#: build_dataloader arguments that only steered MMCV-era distribution (the launcher decides).
_IGNORED_LOADER_KEYS = ('num_gpus', 'dist', 'seed')


class DataToDataloaders(Rule):
    id = 'MIG082'
    name = 'data-to-dataloaders'
    summary = ('data.samples_per_gpu|videos_per_gpu/workers_per_gpu/train/val/test and the '
               'data.<split>_dataloader overrides become *_dataloader with batch_size, '
               'num_workers and a DefaultSampler (shuffle on train only)')
    legacy_keys = ('data',)
    new_keys = ('train_dataloader', 'val_dataloader', 'test_dataloader')

    def apply(self, plan: Plan) -> None:
        data = plan.get('data')
        plan.consume('data')
        if not isinstance(data, dict):
            return
        video = self._is_video(plan, data)
        self._report_unknown(plan, data)
        iter_runner = plan.facts.get('runner_type') == 'IterBasedRunner'
        has_eval = plan.legacy.get('evaluation') is not None
        for split in _SPLITS:
            if split not in data:
                continue
            if split == 'val' and not has_eval and 'runner_type' in plan.facts:
                self.report(plan, MANUAL, 'data.val',
                            'no evaluation key: MMDet/MMSeg 2.x tools still validated with '
                            'defaults; MMEngine needs val_cfg and val_evaluator beside '
                            'val_dataloader (or set val_dataloader = None)')
            overrides = data.get(f'{split}_dataloader') or {}
            dataset = data[split]
            if isinstance(dataset, list):
                dataset = dict(type='ConcatDataset', datasets=dataset)
            elif isinstance(dataset, dict) and split != 'train' \
                    and 'samples_per_gpu' in dataset:
                # MMDet 2.x compat_loader_args pops it from data.val/test into the loader
                overrides = {'samples_per_gpu': dataset.pop('samples_per_gpu'), **overrides}
            if video:
                loader = self._video_loader(plan, data, overrides, split, iter_runner)
            else:
                loader = self._loader(data, overrides, split, iter_runner)
            loader['dataset'] = dataset
            plan.set((f'{split}_dataloader',), loader)
            if not isinstance(data[split], list):
                plan.origins[(f'{split}_dataloader', 'dataset')] = ('data', split)
        if 'val' in data and has_eval and 'val_dataloader' not in data and not video:
            self.report(plan, NOTE, 'data.val', 'val batch size = samples_per_gpu (MMDet 2.x '
                        'validated with batch 1 unless data.val_dataloader said otherwise)')

    @staticmethod
    def _is_video(plan: Plan, data: Dict[str, Any]) -> bool:
        if 'videos_per_gpu' in data or any(
                isinstance(data.get(f'{s}_dataloader'), dict)
                and 'videos_per_gpu' in data[f'{s}_dataloader'] for s in _SPLITS):
            return True
        return codebase_of(plan.legacy)[0] == 'mmaction2'

    def _report_unknown(self, plan: Plan, data: Dict[str, Any]) -> None:
        known = set(_SPLITS) | {f'{s}_dataloader' for s in _SPLITS} | set(_LOADER_KEYS)
        unknown: List[str] = [f'data.{k}' for k in data if k not in known]
        for split in _SPLITS:
            over = data.get(f'{split}_dataloader')
            if over is not None and not isinstance(over, dict):
                unknown.append(f'data.{split}_dataloader')
            elif isinstance(over, dict):
                unknown += [f'data.{split}_dataloader.{k}' for k in over
                            if k not in _LOADER_KEYS]
        for key in unknown:
            last = key.rsplit('.', 1)[1]
            why = ('MMEngine takes it from the launcher' if last in _IGNORED_LOADER_KEYS
                   else 'not converted: set it on the *_dataloader by hand if it mattered')
            self.report(plan, DROPPED, key, f'{key} dropped: {why}')

    def _video_loader(self, plan: Plan, data: Dict[str, Any], overrides: Dict[str, Any],
                      split: str, iter_runner: bool) -> Dict[str, Any]:
        """MMAction2 0.x apis/train.py::train_model and tools/test.py."""
        batch = data.get('videos_per_gpu', 1)
        if split == 'train':
            hook = plan.legacy.get('optimizer_config')
            update = hook.get('update_interval', 1) if isinstance(hook, dict) else 1
            if update != 1:
                if isinstance(batch, int) and isinstance(update, int) and update > 0:
                    self.report(plan, NOTE, 'data.videos_per_gpu',
                                f'train batch_size = videos_per_gpu // update_interval = '
                                f'{batch} // {update} (MMAction2 0.x train_model)')
                    batch = batch // update
                else:
                    self.report(plan, MANUAL, 'data.videos_per_gpu',
                                'MMAction2 0.x divided the train batch by '
                                'optimizer_config.update_interval: set batch_size by hand')
        args = {'videos_per_gpu': batch, 'workers_per_gpu': data.get('workers_per_gpu', 1)}
        args.update({k: data[k] for k in _LOADER_KEYS
                     if k in data and k not in ('videos_per_gpu', 'workers_per_gpu')})
        args.update({k: v for k, v in overrides.items() if k in _LOADER_KEYS})
        args['samples_per_gpu'] = args.pop('videos_per_gpu')
        args.pop('imgs_per_gpu', None)
        return self._loader_from(args, split, iter_runner)

    @classmethod
    def _loader(cls, data: Dict[str, Any], overrides: Dict[str, Any], split: str,
                iter_runner: bool) -> Dict[str, Any]:
        args = {k: data[k] for k in _LOADER_KEYS if k in data}
        if 'imgs_per_gpu' in args:
            # MMDet 2.x compat_imgs_per_gpu: imgs_per_gpu wins over samples_per_gpu
            args['samples_per_gpu'] = args.pop('imgs_per_gpu')
        args.update({k: v for k, v in overrides.items() if k in _LOADER_KEYS})
        if 'imgs_per_gpu' in overrides:
            args['samples_per_gpu'] = args.pop('imgs_per_gpu')
        return cls._loader_from(args, split, iter_runner)

    @staticmethod
    def _loader_from(args: Dict[str, Any], split: str, iter_runner: bool) -> Dict[str, Any]:
        loader: Dict[str, Any] = {}
        batch = args.get('samples_per_gpu', args.get('videos_per_gpu'))
        if batch is not None:
            loader['batch_size'] = batch
        if 'workers_per_gpu' in args:
            loader['num_workers'] = args['workers_per_gpu']
        for key in ('persistent_workers', 'drop_last', 'pin_memory'):
            if key in args:
                loader[key] = args[key]
        shuffle = args.get('shuffle', split == 'train')
        if split == 'train' and iter_runner:
            loader['sampler'] = dict(type='InfiniteSampler', shuffle=shuffle)
        else:
            loader['sampler'] = dict(type='DefaultSampler', shuffle=shuffle)
        return loader
