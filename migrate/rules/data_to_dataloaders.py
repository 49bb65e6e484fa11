"""MIG082: the generic part of ``data`` -> ``train_dataloader``/``val_dataloader``/
``test_dataloader`` (datasets and pipelines are kept as they are).

Loader settings are read as each codebase's scripts read them (decided as MIG011 decides,
:func:`migrate.rules._codebase.codebase_of`; the per-codebase readings are in
:mod:`compat.downstream.loader_args`), ``data.<split>_dataloader`` overriding last:

* MMDet 2.x (and MMDet3D 0.x, built by MMDet's ``train_detector``): val/test batch 1 unless
  ``data.val/test.samples_per_gpu`` or the override says otherwise; ``persistent_workers``
  reaches the train loader only; other data-level keys were never read (reported dropped).
* MMSeg 0.x ``train_segmentor``/``tools/test.py``: every data-level setting reaches every loader,
  val/test batch 1, train ``drop_last=True``.
* MMCls 0.x and MMSelfSup 0.x ``train_model``: every data-level setting reaches every loader,
  so val/test use ``data.samples_per_gpu`` (not 1); MMSelfSup 0.x also passed the top-level
  ``persistent_workers`` (its ``default_runtime.py``) to the train loader.
* MMAction2 0.x (``videos_per_gpu`` in ``data`` or a recognizer model) reads ``videos_per_gpu``
  (default 1) and ``workers_per_gpu`` (default 1), and its ``apis/train.py::train_model``
  divides the train batch by ``optimizer_config.update_interval``.
* An unknown codebase is read the MMDet 2.x way (the reference, part A) and reported as a note.

A loader setting that no rule understands is reported, never dropped silently.
"""
from __future__ import annotations

from typing import Any, Dict, List

from compat.downstream import loader_args as _loader_args
from migrate.rules._codebase import codebase_of
from compat.downstream.loader_args import LOADER_KEYS as _LOADER_KEYS
from migrate.rules.base import DROPPED, MANUAL, NOTE, Plan, Rule

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
        codebase, evidence = codebase_of(plan.legacy)
        reader = _loader_args.READERS.get(codebase or '', _loader_args.mmdet)
        self._report_unknown(plan, data)
        iter_runner = plan.facts.get('runner_type') == 'IterBasedRunner'
        has_eval = plan.legacy.get('evaluation') is not None
        unread: List[str] = []
        for split in _SPLITS:
            if split not in data:
                continue
            if split == 'val' and not has_eval and 'runner_type' in plan.facts:
                self.report(plan, MANUAL, 'data.val',
                            'no evaluation key: MMDet/MMSeg 2.x tools still validated with '
                            'defaults; MMEngine needs val_cfg and val_evaluator beside '
                            'val_dataloader (or set val_dataloader = None)')
            if video:
                loader = self._video_loader(plan, data, split, iter_runner)
            else:
                args, missed, twice = reader(data, split)
                for key in twice:
                    self.report(plan, MANUAL, key,
                                f'{key} and data.{split}_dataloader both set the {split} '
                                'loader: MMDet 2.24+ compat_loader_args asserted, earlier 2.x '
                                f'never read the override; {split}_dataloader takes the '
                                'override: check it')
                if codebase == 'mmselfsup' and split == 'train' \
                        and plan.legacy.get('persistent_workers') is not None:
                    # mmselfsup 0.x train_model: persistent_workers=cfg.persistent_workers
                    args.setdefault('persistent_workers', plan.legacy['persistent_workers'])
                unread += [k for k in missed if k not in unread]
                loader = self._loader_from(args, split, iter_runner)
            loader['dataset'] = self._dataset(plan, data, split, codebase, video)
            plan.set((f'{split}_dataloader',), loader)
            if not isinstance(data[split], list):
                plan.origins[(f'{split}_dataloader', 'dataset')] = ('data', split)
        if not video:
            self._report_reading(plan, data, codebase, evidence, unread)

    def _dataset(self, plan: Plan, data: Dict[str, Any], split: str, codebase: Any,
                 video: bool) -> Any:
        dataset = data[split]
        if isinstance(dataset, list):
            return dict(type='ConcatDataset',
                        datasets=[self._without_batch(plan, d, split, codebase, video)
                                  for d in dataset])
        return self._without_batch(plan, dataset, split, codebase, video)

    def _without_batch(self, plan: Plan, dataset: Any, split: str, codebase: Any,
                       video: bool) -> Any:
        """``samples_per_gpu`` inside ``data.val``/``data.test`` is a loader setting for
        MMDet 2.x (``compat_loader_args`` pops it); other codebases passed it on to the
        dataset, which did not take it: dropped with a finding."""
        if not isinstance(dataset, dict) or split == 'train' or 'samples_per_gpu' not in dataset:
            return dataset
        dataset = {k: v for k, v in dataset.items() if k != 'samples_per_gpu'}
        if video or codebase not in (None, 'mmdet', 'mmdet3d'):
            self.report(plan, DROPPED, f'data.{split}.samples_per_gpu',
                        f'{codebase or "this codebase"} never read data.{split}.samples_per_gpu '
                        'as a loader setting (it reached the dataset): removed')
        return dataset

    def _report_reading(self, plan: Plan, data: Dict[str, Any], codebase: Any, evidence: str,
                        unread: List[str]) -> None:
        for key in unread:
            self.report(plan, DROPPED, f'data.{key}',
                        f'data.{key} dropped: MMDet 2.x train_detector never read it (set it on '
                        'data.<split>_dataloader); it is not written to any loader')
        if codebase is None and any(s in data for s in _SPLITS):
            self.report(plan, NOTE, 'data',
                        f'codebase unknown ({evidence}): loaders read the MMDet 2.x way '
                        '(val/test batch 1, persistent_workers on train only); check them '
                        'against your train script')


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

    def _video_loader(self, plan: Plan, data: Dict[str, Any], split: str,
                      iter_runner: bool) -> Dict[str, Any]:
        """MMAction2 0.x apis/train.py::train_model and tools/test.py."""
        over = data.get(f'{split}_dataloader')
        overrides = over if isinstance(over, dict) else {}
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
