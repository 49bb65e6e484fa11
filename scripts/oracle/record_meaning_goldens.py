"""Record the meaning facts of every fixture leaf from the real libraries.

Two sides, two interpreters (neither imports this project's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_meaning_goldens.py legacy
    .oracle/mmengine/bin/python scripts/oracle/record_meaning_goldens.py converted [SRC_DIR]

``legacy``: each leaf of fixtures/legacy/manifest.json loaded by the real
``mmcv.Config.fromfile`` (our own fixtures, so executing them is fine) and its facts read the
way MMCV 1.7.2 and the downstream train script read them (MMDet 2.x ``train_detector`` after
``compat_cfg``; MMCls/MMSelfSup 0.x ``train_model``, MMSeg 0.x ``train_segmentor`` where the
fixture's codebase says so). ``converted``: the same leaf under SRC_DIR (default
fixtures/converted) loaded by the real ``mmengine.Config.fromfile`` and read the way MMEngine
0.10.7's ``Runner`` reads it. Validation points are listed in full (they are the loops'
conditions run over every epoch/iteration), so the canonical form the converter's check uses
is checked against a plain enumeration. Output: fixtures/goldens/meaning/<side>/<leaf>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fixture_golden_io import GOLDENS, REPO, encode, golden_name, load_manifest  # noqa: E402

OUT = os.path.join(GOLDENS, 'meaning')
LEGACY_DIR = os.path.join(REPO, 'fixtures', 'legacy')
CONVERTED_DIR = os.path.join(REPO, 'fixtures', 'converted')
#: legacy logger hook -> MMEngine back end (reference C.5 / MMDet 3.x config_migration.md)
BACKENDS = {'TextLoggerHook': 'LocalVisBackend', 'TensorboardLoggerHook': 'TensorboardVisBackend',
            'WandbLoggerHook': 'WandbVisBackend', 'MMDetWandbHook': 'WandbVisBackend',
            'MlflowLoggerHook': 'MLflowVisBackend', 'NeptuneLoggerHook': 'NeptuneVisBackend',
            'DvcliveLoggerHook': 'DVCLiveVisBackend', 'ClearMLLoggerHook': 'ClearMLVisBackend'}


# -- MMCV 1.7.2 + downstream ---------------------------------------------------------------
def legacy_facts(cfg: dict, codebase: str) -> dict:
    runner = cfg.get('runner')
    if runner is None and cfg.get('total_epochs') is not None:
        runner = dict(type='EpochBasedRunner', max_epochs=cfg['total_epochs'])  # compat_runner_args
    facts = {}
    if runner is not None:
        by_epoch = runner['type'] != 'IterBasedRunner'
        length = runner['max_epochs'] if by_epoch else runner['max_iters']
        facts['loop'] = ['epoch' if by_epoch else 'iter', length]
        evaluation = cfg.get('evaluation')
        if isinstance(evaluation, dict) and 'val' in (cfg.get('data') or {}):
            facts['val_points'] = [c for c in range(1, length + 1)
                                   if mmcv_should_evaluate(evaluation, c)]
    data = cfg.get('data') or {}
    for split in ('train', 'val', 'test'):
        if split in data:
            update = (cfg.get('optimizer_config') or {}).get('update_interval', 1)
            facts[f'{split}_loader'] = list(legacy_loader(data, split, codebase, update))
            ds = data[split]
            if isinstance(ds, list):
                ds = dict(type='ConcatDataset', datasets=ds)   # mmdet build_dataset
            elif split != 'train':
                ds = {k: v for k, v in ds.items() if k != 'samples_per_gpu'}
            facts[f'{split}_dataset'] = ds
    if 'model' in cfg:
        model = dict(cfg['model'])
        # build_detector(cfg.model, train_cfg=...) and MMAction2 0.x build_model(cfg.model,
        # train_cfg=...); MMCls 0.x build_classifier(cfg.model) and MMSelfSup 0.x
        # build_algorithm(cfg.model) never read the top-level ones
        for key in ('train_cfg', 'test_cfg') if codebase not in ('mmcls', 'mmselfsup') else ():
            if model.get(key) is None and cfg.get(key) is not None:
                model[key] = cfg[key]
        facts['model'] = {k: v for k, v in model.items()
                          if not (k in ('train_cfg', 'test_cfg') and v is None)}
    if isinstance(cfg.get('optimizer'), dict):
        opt = cfg['optimizer']
        facts['optimizer'] = {k: v for k, v in opt.items()
                              if k not in ('constructor', 'paramwise_cfg', 'paramwise_options')}
        facts['paramwise'] = [opt.get('paramwise_cfg', opt.get('paramwise_options')),
                              opt.get('constructor', 'DefaultOptimizerConstructor')]
    if 'optimizer_config' in cfg or 'fp16' in cfg:
        hook = cfg.get('optimizer_config') or {}
        htype = hook.get('type', 'OptimizerHook')
        facts['grad_clip'] = hook.get('grad_clip')
        facts['accumulation'] = hook.get('cumulative_iters', 1) if 'Cumulative' in htype \
            else hook.get('update_interval', 1)
        fp16 = cfg.get('fp16')
        if fp16 is not None:
            facts['amp'] = ['amp', fp16.get('loss_scale', hook.get('loss_scale', 512.))]
        elif 'Fp16' in htype or hook.get('use_fp16'):
            facts['amp'] = ['amp', hook.get('loss_scale', 512.)]
        else:
            facts['amp'] = None
    if 'checkpoint_config' in cfg:
        ck = cfg['checkpoint_config']
        if ck is None:
            facts['checkpoint'] = None
        else:
            iter_runner = runner is not None and runner['type'] == 'IterBasedRunner'
            facts['checkpoint'] = periodic(dict(
                interval=ck.get('interval', -1), by_epoch=ck.get('by_epoch', not iter_runner),
                save_optimizer=ck.get('save_optimizer', True), out_dir=ck.get('out_dir'),
                max_keep_ckpts=ck.get('max_keep_ckpts', -1), save_last=ck.get('save_last', True)))
    if isinstance(cfg.get('evaluation'), dict):
        best = cfg['evaluation'].get('save_best')
        facts['save_best'] = None if best is None else [best, cfg['evaluation'].get('rule')]
    if 'log_config' in cfg:
        lc = cfg['log_config']
        if lc is None:
            facts['logger_interval'] = facts['log_backends'] = None
        else:
            hooks = lc.get('hooks') or []
            text = [h for h in hooks if h['type'] == 'TextLoggerHook']
            # register_logger_hooks: interval is a default argument of every logger hook
            facts['logger_interval'] = (text[0] if text else {}).get('interval', lc['interval'])
            facts['log_backends'] = sorted({'LocalVisBackend'} | {
                BACKENDS.get(h['type'], f"<no backend: {h['type']}>") for h in hooks})
    keys = ('resume_from', 'load_from', 'auto_resume')
    if any(k in cfg for k in keys):
        if cfg.get('resume_from'):
            facts['resume'] = ['resume', cfg['resume_from']]
        elif cfg.get('auto_resume'):
            facts['resume'] = ['resume-latest', cfg.get('load_from')]
        elif cfg.get('load_from'):
            facts['resume'] = ['load', cfg['load_from']]
        else:
            facts['resume'] = None
    return facts


def mmcv_should_evaluate(evaluation: dict, count: int) -> bool:
    """mmcv/runner/hooks/evaluation.py::EvalHook._should_evaluate at 1-based ``count``."""
    interval, start = evaluation.get('interval', 1), evaluation.get('start')
    if start is None:
        return interval > 0 and count % interval == 0
    return count >= start and (count - start) % interval == 0


def legacy_loader(data: dict, split: str, codebase: str, update_interval: int = 1):
    over = data.get(f'{split}_dataloader') or {}
    if codebase == 'mmaction':
        # mmaction/apis/train.py::train_model (0.x): videos_per_gpu (default 1, the train
        # batch divided by optimizer_config.update_interval), workers default 1, then the
        # <split>_dataloader override
        batch = data.get('videos_per_gpu', 1)
        if split == 'train':
            batch //= update_interval
        return (over.get('videos_per_gpu', batch),
                over.get('workers_per_gpu', data.get('workers_per_gpu', 1)))
    workers = over.get('workers_per_gpu', data.get('workers_per_gpu', 2))
    shared = data.get('imgs_per_gpu', data.get('samples_per_gpu'))
    if split == 'train' or codebase in ('mmcls', 'mmselfsup'):
        batch = over.get('samples_per_gpu', shared if shared is not None else 2)
    elif codebase == 'mmseg':
        batch = over.get('samples_per_gpu', 1)
    else:   # mmdet compat_loader_args + train_detector / tools/test.py
        ds = data[split] if isinstance(data[split], dict) else {}
        batch = over.get('samples_per_gpu', ds.get('samples_per_gpu', 1))
    return batch, workers


def periodic(settings: dict):
    if settings['interval'] <= 0 and settings['save_last'] is False:
        return None
    return settings


# -- MMEngine 0.10.7 Runner -------------------------------------------------------------------
def converted_facts(cfg: dict) -> dict:
    facts = {}
    train_cfg = cfg.get('train_cfg')
    if train_cfg is not None:
        by_epoch = train_cfg.get('type', 'EpochBasedTrainLoop') == 'EpochBasedTrainLoop' \
            if 'type' in train_cfg else train_cfg.get('by_epoch')
        length = train_cfg['max_epochs'] if by_epoch else train_cfg['max_iters']
        facts['loop'] = ['epoch' if by_epoch else 'iter', length]
        if cfg.get('val_cfg') is not None and cfg.get('val_dataloader') is not None:
            interval = train_cfg.get('val_interval', 1 if by_epoch else 1000)
            begin = train_cfg.get('val_begin', 1)
            # loops.py: EpochBasedTrainLoop.run / IterBasedTrainLoop.run
            facts['val_points'] = [c for c in range(1, length + 1) if c >= begin and (
                c % interval == 0 or c == length)]
        else:
            facts['val_points'] = None
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        facts[f'{split}_loader'] = None if loader is None else [
            loader.get('batch_size', 1), loader.get('num_workers', 0)]
        facts[f'{split}_dataset'] = None if loader is None else loader.get('dataset')
    if isinstance(cfg.get('model'), dict):
        facts['model'] = {k: v for k, v in cfg['model'].items()
                          if not (k in ('train_cfg', 'test_cfg') and v is None)}
    wrapper = cfg.get('optim_wrapper') or {}
    facts['optimizer'] = wrapper.get('optimizer')
    constructor = wrapper.get('constructor', 'DefaultOptimWrapperConstructor')
    facts['paramwise'] = [wrapper.get('paramwise_cfg'),
                          'DefaultOptimizerConstructor'
                          if constructor == 'DefaultOptimWrapperConstructor' else constructor]
    facts['grad_clip'] = wrapper.get('clip_grad')
    facts['accumulation'] = wrapper.get('accumulative_counts', 1)
    facts['amp'] = ['amp', wrapper.get('loss_scale', 'dynamic')] \
        if wrapper.get('type') == 'AmpOptimWrapper' else None
    # Runner.register_default_hooks: a configured entry replaces the default one
    hooks = cfg.get('default_hooks') or {}
    ck = hooks.get('checkpoint', dict(type='CheckpointHook', interval=1))
    facts['checkpoint'] = None if ck is None else periodic(dict(
        interval=ck.get('interval', -1), by_epoch=ck.get('by_epoch', True),
        save_optimizer=ck.get('save_optimizer', True), out_dir=ck.get('out_dir'),
        max_keep_ckpts=ck.get('max_keep_ckpts', -1), save_last=ck.get('save_last', True)))
    facts['save_best'] = None if ck is None or ck.get('save_best') is None \
        else [ck['save_best'], ck.get('rule')]
    logger = hooks.get('logger', dict(type='LoggerHook'))
    facts['logger_interval'] = None if logger is None else logger.get('interval', 10)
    vis = cfg.get('visualizer') or {}
    facts['log_backends'] = None if logger is None else sorted(
        {b['type'] for b in vis.get('vis_backends', [dict(type='LocalVisBackend')])})
    resume, load_from = cfg.get('resume', False), cfg.get('load_from')
    # Runner.load_or_resume
    facts['resume'] = ['resume-latest', None] if resume and load_from is None else (
        ['resume', load_from] if resume else (['load', load_from] if load_from else None))
    return facts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('side', choices=('legacy', 'converted'))
    parser.add_argument('src', nargs='?', default=None)
    args = parser.parse_args(argv)
    manifest = load_manifest()
    out_dir = os.path.join(OUT, args.side)
    os.makedirs(out_dir, exist_ok=True)
    if args.side == 'legacy':
        import mmcv
        version = dict(mmcv=mmcv.__version__)
        src = args.src or LEGACY_DIR
    else:
        import mmengine
        version = dict(mmengine=mmengine.__version__)
        src = args.src or CONVERTED_DIR
    for leaf in sorted(manifest):
        path = os.path.join(src, leaf)
        if args.side == 'legacy':
            cfg = mmcv.Config.fromfile(path)._cfg_dict.to_dict()
            facts = legacy_facts(cfg, manifest[leaf]['codebase'])
        else:
            cfg = mmengine.Config.fromfile(path).to_dict()
            facts = converted_facts(cfg)
        golden = dict(generator='scripts/oracle/record_meaning_goldens.py', side=args.side,
                      leaf=leaf, **version, facts=encode(facts))
        name = golden_name(leaf).replace('.json', '.json')
        with open(os.path.join(out_dir, name), 'w') as f:
            json.dump(golden, f, indent=1, sort_keys=False)
            f.write('\n')
    print(f'{len(manifest)} leaves -> {out_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
