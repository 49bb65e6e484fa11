"""Scenarios of MMCV 1.7.2's optional-package logger hooks (Wandb, Mlflow, Dvclive, Neptune,
ClearML, Segmind, Pavi), shared by the recorder and compat's tests.

The packages are replaced by recording fakes in ``sys.modules``: every call on a fake is
logged as ``[dotted path, args, kwargs]`` (floats as ``float.hex``, the work dir as
``<work_dir>``), so what MMCV sends to each service is the golden. Imports neither MMCV nor
our packages; ``rt`` is a namespace with the runtime's runners and hooks.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings

import numpy as np
import torch
from torch import nn

from legacy_runner_scenarios import ToyModel, make_loader

LOGGER = logging.getLogger('legacy_logger_hook_scenarios')

#: the modules each package's fake provides (dotted submodules too)
PACKAGES = {
    'wandb': ['wandb'], 'mlflow': ['mlflow', 'mlflow.pytorch'], 'dvclive': ['dvclive'],
    'neptune': ['neptune', 'neptune.new'], 'clearml': ['clearml'], 'segmind': ['segmind'],
    'pavi': ['pavi'],
}


class Fake:
    """Any attribute is another fake; calling one records the call and returns a fake."""

    def __init__(self, path: str, book: 'CallBook'):
        self._path, self._book = path, book

    def __getattr__(self, name: str):
        if name.startswith('__'):
            raise AttributeError(name)
        return Fake(f'{self._path}.{name}', self._book)

    def __getitem__(self, key):
        return Fake(f'{self._path}[{key}]', self._book)

    def __call__(self, *args, **kwargs):
        self._book.record(self._path, args, kwargs)
        return Fake(f'{self._path}()', self._book)


class CallBook:
    """The calls made on the fakes, as plain data."""

    def __init__(self):
        self.calls: list = []
        self.work_dir = None

    def record(self, path: str, args, kwargs) -> None:
        self.calls.append([path, self.plain(list(args)), self.plain(kwargs)])

    def plain(self, value):
        if isinstance(value, Fake):
            return f'<fake {value._path}>'
        if isinstance(value, bool) or value is None or isinstance(value, int):
            return value
        if isinstance(value, (float, np.floating)):
            return float(value).hex()
        if isinstance(value, torch.Tensor):
            return [float(v).hex() for v in value.flatten().tolist()]
        if isinstance(value, str):
            return value.replace(self.work_dir, '<work_dir>') if self.work_dir else value
        if isinstance(value, dict):
            return {str(k): self.plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.plain(v) for v in value]
        if isinstance(value, nn.Module):
            return f'<module {type(value).__name__}>'
        return f'<{type(value).__name__}>'


@contextlib.contextmanager
def fake_packages(book: CallBook, names=tuple(PACKAGES)):
    """Install the fakes of ``names`` (all by default) in ``sys.modules``, then restore."""
    saved = {}
    for package in PACKAGES:
        for module in PACKAGES[package]:
            saved[module] = sys.modules.pop(module, None)
            if package in names:
                sys.modules[module] = Fake(module, book)
            else:
                # None in sys.modules makes the import fail with ImportError
                sys.modules[module] = None
    try:
        yield
    finally:
        for module, old in saved.items():
            if old is None:
                sys.modules.pop(module, None)
            else:
                sys.modules[module] = old


def _config_file(work_dir: str) -> str:
    path = os.path.join(os.path.dirname(work_dir), 'pavi_cfg.py')
    with open(path, 'w') as f:
        f.write("model = dict(type='Toy', depth=(1, 2))\nlr = 0.05\n")
    return path


# name -> (runner kind, [(hook class, kwargs, priority)], options). Strings '{work_dir}' in
# kwargs are formatted; 'live' is replaced by a Live made on the fake beforehand.
SCENARIOS = {
    'wandb_epoch': ('epoch', [('WandbLoggerHook', dict(
        init_kwargs=dict(project='p', name='n'), interval=2,
        define_metric_cfg={'val/val_loss': 'min', 'train/loss': 'bogus'}), 'VERY_LOW')], {}),
    'wandb_iter_no_step': ('iter', [('WandbLoggerHook', dict(
        interval=2, by_epoch=False, with_step=False, commit=False, out_suffix='.log'),
        'VERY_LOW')], {}),
    'wandb_tail_no_artifact': ('epoch', [('WandbLoggerHook', dict(
        interval=2, ignore_last=False, log_artifact=False), 'VERY_LOW')], {}),
    'mlflow_epoch': ('epoch', [('MlflowLoggerHook', dict(
        exp_name='e', tags={'team': 'cv'}, params={'lr': 0.05}, interval=2), 'VERY_LOW')], {}),
    'mlflow_iter': ('iter', [('MlflowLoggerHook', dict(
        log_model=False, by_epoch=False, interval=2), 'VERY_LOW')], {}),
    'dvclive_epoch_model_file': ('epoch', [('DvcliveLoggerHook', dict(
        model_file='{work_dir}/dv/model.pth', interval=2, dir='dvc_out'), 'VERY_LOW')], {}),
    'dvclive_after_clearml': ('epoch', [
        ('ClearMLLoggerHook', dict(interval=2), 'VERY_LOW'),
        ('DvcliveLoggerHook', dict(interval=2), 'VERY_LOW')], {}),
    'dvclive_iter_given_live': ('iter', [('DvcliveLoggerHook', dict(
        by_epoch=False, interval=2, dvclive='live'), 'VERY_LOW')], {}),
    'neptune_epoch': ('epoch', [('NeptuneLoggerHook', dict(
        init_kwargs=dict(project='ws/p'), interval=2), 'VERY_LOW')], {}),
    'neptune_iter_no_step': ('iter', [('NeptuneLoggerHook', dict(
        with_step=False, interval=2, by_epoch=False), 'VERY_LOW')], {}),
    'clearml_epoch': ('epoch', [('ClearMLLoggerHook', dict(
        init_kwargs=dict(project_name='p', task_name='t'), interval=2), 'VERY_LOW')], {}),
    'clearml_iter': ('iter', [('ClearMLLoggerHook', dict(by_epoch=False, interval=3),
                               'VERY_LOW')], {}),
    'segmind_epoch': ('epoch', [('SegmindLoggerHook', dict(interval=2), 'VERY_LOW')], {}),
    'segmind_iter': ('iter', [('SegmindLoggerHook', dict(by_epoch=False, interval=2),
                               'VERY_LOW')], {}),
    'pavi_epoch_ckpts': ('epoch', [
        ('CheckpointHook', dict(interval=1), 'NORMAL'),
        ('PaviLoggerHook', dict(init_kwargs=dict(project='p'), add_last_ckpt=True,
                                add_ckpt_kwargs=dict(active=True, interval=1), interval=2),
         'VERY_LOW')], dict(meta={'config_dict': {'model': dict(type='Toy', depth=(1, 2)),
                                                  'lr': 0.05}})),
    'pavi_iter_config_file': ('iter', [
        ('CheckpointHook', dict(interval=2, by_epoch=False), 'NORMAL'),
        ('PaviLoggerHook', dict(by_epoch=False, interval=2, add_last_ckpt=True,
                                add_ckpt_kwargs=dict(active=True, start=2, interval=2)),
         'VERY_LOW')], dict(meta='config_file')),
    'pavi_graph_on_cpu': ('epoch', [('PaviLoggerHook', dict(
        add_graph_kwargs=dict(active=True)), 'VERY_LOW')], {}),
    'pavi_deprecated_args': ('epoch', [('PaviLoggerHook', dict(
        add_graph=False, img_key='x', interval=2), 'VERY_LOW')], dict(meta=None)),
}

#: files made in the work dir before the run (WandbLoggerHook uploads some as artifacts)
WORK_FILES = ('cfg.py', 'sub/run.log', 'notes.txt', 'a.log.json', '.hidden.py')


def run_scenario(rt, name: str, work_dir: str) -> dict:
    kind, hooks, options = SCENARIOS[name]
    os.makedirs(work_dir, exist_ok=True)
    for rel in WORK_FILES:
        os.makedirs(os.path.dirname(os.path.join(work_dir, rel)), exist_ok=True)
        with open(os.path.join(work_dir, rel), 'w') as f:
            f.write(rel)
    book = CallBook()
    book.work_dir = work_dir
    meta = options.get('meta', {'seed': 0})
    if meta == 'config_file':
        meta = {'config_file': _config_file(work_dir)}
    out: dict = {'error': None}
    with fake_packages(book), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        model = ToyModel()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        if kind == 'epoch':
            runner = rt.EpochBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                                         logger=LOGGER, max_epochs=2, meta=meta)
            workflow = [('train', 1), ('val', 1)]
            runner.register_lr_hook(dict(policy='step', step=[1]))
        else:
            runner = rt.IterBasedRunner(model=model, optimizer=optimizer, work_dir=work_dir,
                                        logger=LOGGER, max_iters=6, meta=meta)
            workflow = [('train', 3), ('val', 1)]
            runner.register_lr_hook(dict(policy='step', step=[4], by_epoch=False))
        runner.register_hook(rt.IterTimerHook(), 'LOW')
        for cls_name, kwargs, priority in hooks:
            kwargs = {k: (v.format(work_dir=work_dir) if isinstance(v, str) else v)
                      for k, v in kwargs.items()}
            if kwargs.get('dvclive') == 'live':
                kwargs['dvclive'] = sys.modules['dvclive'].Live(dir='given')
            runner.register_hook(getattr(rt, cls_name)(**kwargs), priority)
        try:
            runner.run([make_loader(0), make_loader(1)], workflow)
        except Exception as exc:  # noqa: BLE001 - the type is the recorded fact
            out['error'] = type(exc).__name__
    calls = book.calls
    # the artifact's files come in os.scandir order, which depends on the file system
    out['calls'] = [c for c in calls if not c[0].endswith('.add_file')]
    out['artifact_files'] = sorted(c[1][0] for c in calls if c[0].endswith('.add_file'))
    out['warnings'] = sorted({f'{w.category.__name__}: {w.message}' for w in caught
                              if 'deprecated' in str(w.message) or 'summary' in str(w.message)})
    model_file = os.path.join(work_dir, 'dv', 'model.pth')
    out['model_file'] = (torch.load(model_file, map_location='cpu', weights_only=False)['meta']
                         ['epoch'] if os.path.exists(model_file) else None)
    return out


#: hook -> where MMCV imports its package
MISSING = ('WandbLoggerHook', 'MlflowLoggerHook', 'DvcliveLoggerHook', 'NeptuneLoggerHook',
           'ClearMLLoggerHook', 'SegmindLoggerHook', 'PaviLoggerHook')


def missing_packages(rt, work_dir: str) -> dict:
    """For each hook, with none of the packages importable: the stage that fails, the error
    type, and the error message (the test checks compat's names the package)."""
    out = {}
    book = CallBook()
    with fake_packages(book, names=()):
        for cls_name in MISSING:
            try:
                hook = getattr(rt, cls_name)()
            except Exception as exc:  # noqa: BLE001
                out[cls_name] = ['__init__', type(exc).__name__, str(exc)]
                continue
            runner = rt.EpochBasedRunner(model=ToyModel(), work_dir=work_dir, logger=LOGGER,
                                         max_epochs=1)
            runner.register_hook(hook)
            try:
                hook.before_run(runner)
                out[cls_name] = ['before_run', None, None]
            except Exception as exc:  # noqa: BLE001
                out[cls_name] = ['before_run', type(exc).__name__, str(exc)]
    return out


def logger_all(rt, tmp: str) -> dict:
    out = {name: run_scenario(rt, name, os.path.join(tmp, name, 'run')) for name in SCENARIOS}
    out['missing'] = missing_packages(rt, os.path.join(tmp, 'missing'))
    return out
