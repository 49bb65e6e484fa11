"""Record log goldens from the REAL MMEngine 0.10.7.

1. ``LogProcessor`` snapshots: a fake runner whose message hub holds a fixed scalar history is
   formatted by MMEngine's LogProcessor (train/val/test iteration lines, val/test epoch lines)
   under several processor settings; the tags and log strings are stored with their inputs.
2. Real toy training runs (epoch-based SGD + test, iteration-based with accumulation, AdamW
   with grad clipping and a custom_cfg): every ``vis_data/scalars.json`` record, the test
   metrics JSON and every progress line, with the wall-clock fields removed.

Run with the oracle interpreter (never imports our package):

    .oracle/mmengine/bin/python scripts/oracle/record_log_goldens.py

Writes fixtures/goldens/log_processor.json.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import sys
import tempfile
import warnings

warnings.filterwarnings('ignore')
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TIMED_KEYS = ('time', 'data_time', 'eta')

# the toy model, dataset and metric registrations of the engine goldens script
_spec = importlib.util.spec_from_file_location(
    'record_engine_goldens', os.path.join(ROOT, 'scripts/oracle/record_engine_goldens.py'))
engine_goldens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine_goldens)

from mmengine.config import Config  # noqa: E402
from mmengine.logging import MessageHub, MMLogger  # noqa: E402
from mmengine.runner import LogProcessor, Runner  # noqa: E402


def _history(n, base, slope, jitter):
    """A fixed, irregular sequence: base + slope*i + jitter*((7*i) % 5)."""
    return [round(base + slope * i + jitter * ((7 * i) % 5), 6) for i in range(n)]


def _train_scalars(n, prefix='train'):
    out = []
    loss = _history(n, 2.0, -0.05, 0.13)
    cls = _history(n, 1.5, -0.04, 0.11)
    lr = _history(n, 0.01, 0.001, 0.0)
    tm = _history(n, 0.2, 0.0, 0.01)
    dt = _history(n, 0.05, 0.0, 0.002)
    for i in range(n):
        out += [[f'{prefix}/lr', lr[i]], [f'{prefix}/data_time', dt[i]],
                [f'{prefix}/loss', loss[i]], [f'{prefix}/loss_cls', cls[i]],
                [f'{prefix}/acc', round(0.5 + 0.01 * i, 6)], [f'{prefix}/time', tm[i]]]
    return out


def _eval_scalars(mode, n, with_loss=False):
    out = []
    tm = _history(n, 0.1, 0.0, 0.01)
    dt = _history(n, 0.02, 0.0, 0.003)
    for i in range(n):
        out += [[f'{mode}/data_time', dt[i]], [f'{mode}/time', tm[i]]]
        if with_loss:
            out.append([f'{mode}/loss', round(0.7 - 0.01 * i, 6)])
    return out


TRAIN_STATE = dict(max_epochs=4, max_iters=40, epoch=1, iter=16, loader_len=10)
CUSTOM = [dict(data_src='loss', method_name='mean', window_size='global', log_name='loss_global'),
          dict(data_src='loss_cls', method_name='max', window_size=5, log_name='loss_cls_max'),
          dict(data_src='acc', method_name='min', window_size='epoch'),
          dict(data_src='time', method_name='current', log_name='time_now')]

SCENARIOS = [
    dict(name='default_by_epoch', processor={}, runner=dict(train=TRAIN_STATE, val_len=5,
                                                            test_len=5),
         scalars=_train_scalars(17) + _eval_scalars('val', 5) + [['val/accuracy/top1', 62.5]],
         info={'eta': 3723.9},
         calls=[['iter', 6, 'train'], ['iter', 2, 'val'], ['epoch', 5, 'val', False]]),
    dict(name='window4_digits6_custom', processor=dict(window_size=4, num_digits=6,
                                                       custom_cfg=CUSTOM),
         runner=dict(train=TRAIN_STATE, val_len=5, test_len=5),
         scalars=_train_scalars(17) + _eval_scalars('val', 5),
         info={'eta': 59.99}, calls=[['iter', 6, 'train'], ['epoch', 5, 'val', False]]),
    dict(name='by_iter', processor=dict(by_epoch=False, window_size=3),
         runner=dict(train=dict(max_epochs=1, max_iters=200, epoch=0, iter=16, loader_len=64),
                     val_len=12, test_len=12),
         scalars=_train_scalars(17) + _eval_scalars('val', 8) + [['val/accuracy/top1', 70.0]],
         info={'eta': 100000.5},
         calls=[['iter', 16, 'train'], ['iter', 7, 'val'], ['epoch', 12, 'val', False]]),
    dict(name='hierarchy_with_val_loss', processor=dict(log_with_hierarchy=True, window_size=2),
         runner=dict(train=TRAIN_STATE, val_len=5, test_len=5),
         scalars=_train_scalars(17) + _eval_scalars('val', 5, with_loss=True)
         + [['val/accuracy/top1', 40.0]],
         info={'eta': 12.0},
         calls=[['iter', 6, 'train'], ['iter', 4, 'val'], ['epoch', 5, 'val', False]]),
    dict(name='val_and_test_without_train_loop', processor={},
         runner=dict(train=None, val_len=10, test_len=7),
         scalars=_eval_scalars('val', 10) + _eval_scalars('test', 7)
         + [['val/accuracy/top1', 81.25], ['test/accuracy/top1', 75.0]],
         info={'eta': 1.5, 'test/confusion': [[3, 1], [0, 4]], 'test/note': 'ok'},
         calls=[['iter', 4, 'val'], ['iter', 4, 'test'], ['epoch', 10, 'val', False],
                ['epoch', 7, 'test', True]]),
    dict(name='wide_epochs_and_loader', processor=dict(window_size=20),
         runner=dict(train=dict(max_epochs=120, max_iters=12000, epoch=7, iter=709,
                                loader_len=100), val_len=100, test_len=100),
         scalars=_train_scalars(30), info={'eta': 86400 * 2 + 5.0},
         calls=[['iter', 9, 'train']]),
    dict(name='no_timer_no_eta', processor={}, runner=dict(train=TRAIN_STATE, val_len=5,
                                                           test_len=5),
         scalars=[s for s in _train_scalars(5) if not s[0].endswith('time')], info={},
         calls=[['iter', 4, 'train']]),
    dict(name='two_lrs', processor=dict(window_size=2),
         runner=dict(train=TRAIN_STATE, val_len=5, test_len=5),
         scalars=_train_scalars(3) + [['train/generator.lr', 0.002], ['train/base_lr', 0.1]],
         info={'eta': 5.0}, calls=[['iter', 2, 'train']]),
]


class _Loop:
    def __init__(self, loader_len, **state):
        self.dataloader = list(range(loader_len))
        self.__dict__.update(state)


class FakeRunner:
    """The attributes MMEngine's LogProcessor reads."""

    def __init__(self, spec, hub):
        self.message_hub = hub
        train = spec['train']
        self._train_loop = self.train_loop = None
        if train is not None:
            train = dict(train)
            self._train_loop = self.train_loop = _Loop(train.pop('loader_len'), **train)
            self.max_epochs, self.max_iters = train['max_epochs'], train['max_iters']
            self.epoch, self.iter = train['epoch'], train['iter']
        else:
            self.epoch = self.iter = 0
        self.val_loop = _Loop(spec['val_len'])
        self.test_loop = _Loop(spec['test_len'])
        self.val_dataloader = self.val_loop.dataloader
        self.test_dataloader = self.test_loop.dataloader
        self.model = None


def _plain(value):
    if hasattr(value, 'tolist'):
        return value.tolist()
    return value


def record_scenarios():
    out = []
    for i, sc in enumerate(SCENARIOS):
        hub = MessageHub(f'log_golden_{i}')
        for key, value in sc['scalars']:
            hub.update_scalar(key, value)
        for key, value in sc['info'].items():
            hub.update_info(key, value)
        runner = FakeRunner(sc['runner'], hub)
        lp = LogProcessor(**sc['processor'])
        results = []
        for call in sc['calls']:
            if call[0] == 'iter':
                tag, line = lp.get_log_after_iter(runner, call[1], call[2])
            else:
                tag, line = lp.get_log_after_epoch(runner, call[1], call[2],
                                                   with_non_scalar=call[3])
            results.append(dict(call=call, tag=[[k, _plain(v)] for k, v in tag.items()],
                                line=line))
        out.append(dict(sc, results=results))
    return out


def _strip_timed(line):
    for key in TIMED_KEYS:
        line = re.sub(rf'(?<![\w/]){key}: [^ ]+', f'{key}: <t>', line)
    return line


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


RUN_CASES = {
    # name: (config, overrides, also run test())
    'epoch_sgd_multistep': ('toy_sgd_warmup_multistep.py', {
        'train_cfg.max_epochs': 2,
        'default_hooks.logger': dict(type='LoggerHook', interval=3)}, True),
    'iter_accumulate': ('toy_iter_accumulate.py', {
        'default_hooks.logger': dict(type='LoggerHook', interval=5)}, False),
    'adamw_clip_custom_cfg': ('toy_adamw_paramwise_cosine.py', {
        'train_cfg.max_epochs': 2,
        'default_hooks.logger': dict(type='LoggerHook', interval=4, ignore_last=False),
        'log_processor': dict(type='LogProcessor', window_size=3, custom_cfg=[
            dict(data_src='loss', method_name='mean', window_size='global',
                 log_name='loss_global'),
            dict(data_src='grad_norm', method_name='max', window_size='epoch')])}, False),
}


def record_run(cfg_file, overrides, with_test):
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config.fromfile(os.path.join(ROOT, 'fixtures/configs/engine', cfg_file))
        cfg.work_dir = tmp
        cfg.merge_from_dict(overrides)
        cfg.default_hooks.checkpoint = None
        runner = Runner.from_cfg(cfg)
        handler = _Lines()
        runner.logger.addHandler(handler)
        runner.train()
        if with_test:
            runner.test()
        vis = os.path.join(runner.log_dir, 'vis_data')
        with open(os.path.join(vis, 'scalars.json')) as f:
            records = [json.loads(line) for line in f]
        test_record = None
        if with_test:
            with open(os.path.join(runner.log_dir, f'{runner.timestamp}.json')) as f:
                test_record = json.load(f)
        MMLogger._instance_dict.clear()
    for record in records + ([test_record] if test_record else []):
        for key in TIMED_KEYS:
            if key in record:
                record[key] = '<t>'
    lines = [_strip_timed(line) for line in handler.lines
             if re.match(r'(Epoch|Iter)\((train|val|test)\)', line)]
    return dict(config=cfg_file, overrides=overrides, with_test=with_test, scalars=records,
                test_json=test_record, lines=lines)


def main():
    import mmengine
    import torch
    out = dict(recorded_with=f'mmengine {mmengine.__version__}, torch {torch.__version__}',
               scenarios=record_scenarios(),
               runs={name: record_run(*case) for name, case in RUN_CASES.items()})
    path = os.path.join(ROOT, 'fixtures/goldens/log_processor.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
    for name, run in out['runs'].items():
        print(f"{name}: {len(run['scalars'])} scalar records, {len(run['lines'])} log lines")
    print(f"{len(out['scenarios'])} LogProcessor scenarios -> {path}")


if __name__ == '__main__':
    sys.exit(main())
