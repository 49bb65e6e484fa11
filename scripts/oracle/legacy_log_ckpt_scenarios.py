"""Checkpoint, timer and logger hook scenarios shared by the MMCV 1.7.2 recorder and compat's
tests (tests/compat/runner/hooks/test_legacy_log_ckpt_hooks_vs_mmcv.py).

Imports neither MMCV nor our packages: each run receives the runtime's runner classes and a
``read_scalars(log_dir)`` that returns the TensorBoard scalars written there; hooks are built
by the runner's own ``register_checkpoint_hook``/``register_timer_hook``/
``register_logger_hooks`` from dicts, as a legacy ``tools/train.py`` does. Wall-clock values
(``time``, ``data_time``, ``eta``) are masked; everything else is returned as written.
"""
from __future__ import annotations

import copy
import json
import logging
import os
import re

import torch

from legacy_runner_scenarios import ToyModel, make_loader


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def _logger(name: str):
    logger = logging.getLogger(f'legacy_log_ckpt_scenarios.{name}')
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = ListHandler()
    logger.addHandler(handler)
    return logger, handler


def mask_console(line: str, tmp: str) -> str:
    line = line.replace(tmp, '<tmp>')
    line = re.sub(r'host: [^,]+,', 'host: <host>,', line)
    line = re.sub(r'eta: [^,]+,', 'eta: <eta>,', line)
    return re.sub(r'\b(time|data_time): \d+\.\d+', r'\1: <t>', line)


def mask_json(line: str) -> str:
    return re.sub(r'"(time|data_time)": [^,}]+', r'"\1": "<t>"', line)


def _checkpoints(folder: str, tmp: str) -> dict:
    found = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not name.endswith('.pth'):
            continue
        ckpt = torch.load(path, map_location='cpu', weights_only=False)
        meta = ckpt['meta']
        last = meta.get('hook_msgs', {}).get('last_ckpt')
        found[name] = {'epoch': meta['epoch'], 'iter': meta['iter'],
                       'last_ckpt': last and last.replace(tmp, '<tmp>'),
                       'has_optimizer': 'optimizer' in ckpt,
                       'link': os.readlink(path) if os.path.islink(path) else None}
    return found


def _tree(root: str) -> list:
    """Files under ``root``; TensorBoard event files (named by time and host) are compared
    through their scalars instead."""
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files
                  if os.path.basename(d) != 'tf_logs')


def run_scenario(name: str, runners: dict, tmp: str, read_scalars) -> dict:
    """Run ``SCENARIOS[name]`` under ``tmp``; returns what its hooks wrote and logged."""
    spec = SCENARIOS[name]
    work_dir = os.path.join(tmp, 'work', name)
    logger, handler = _logger(name)
    model = ToyModel(seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    limits = ({'max_epochs': spec['limit']} if spec['runner'] == 'EpochBasedRunner'
              else {'max_iters': spec['limit']})
    runner = runners[spec['runner']](model=model, optimizer=optimizer, work_dir=work_dir,
                                     logger=logger, meta=dict(spec['meta']), **limits)
    runner.timestamp = 'TIMESTAMP'
    resolve = lambda cfg: json.loads(json.dumps(cfg).replace('<tmp>', tmp))  # noqa: E731
    runner.register_checkpoint_hook(resolve(spec['checkpoint']))
    runner.register_timer_hook(dict(type='IterTimerHook'))
    runner.register_logger_hooks(resolve(spec['log_config']))
    loaders = [make_loader(seed, rotating=spec['runner'] == 'IterBasedRunner')
               for seed, _ in enumerate(spec['workflow'])]
    runner.run(loaders, copy.deepcopy(spec['workflow']))
    json_dir = spec.get('json_dir', '<tmp>/work/' + name).replace('<tmp>', tmp)
    with open(os.path.join(json_dir, 'TIMESTAMP.log.json')) as f:
        json_lines = [mask_json(line.rstrip('\n')) for line in f]
    ckpt_dir = spec['ckpt_dir'].replace('<tmp>', tmp)
    return {'hooks': [type(h).__name__ for h in runner.hooks],
            'priorities': [int(h.priority) for h in runner.hooks],
            'checkpoints': _checkpoints(ckpt_dir, tmp),
            'json_log': json_lines,
            'console': [mask_console(line, tmp) for line in handler.lines],
            'files': {top: _tree(os.path.join(tmp, top)) for top in sorted(os.listdir(tmp))},
            'scalars': read_scalars(os.path.join(work_dir, 'tf_logs'))}


def _logs(interval, by_epoch=True, **text):
    return {'interval': interval,
            'hooks': [dict(type='TextLoggerHook', by_epoch=by_epoch, **text),
                      dict(type='TensorboardLoggerHook', by_epoch=by_epoch)]}


SCENARIOS = {
    # every epoch saved, only the last two kept; train+val so val records are logged
    'epoch_keep2_val': dict(
        runner='EpochBasedRunner', limit=4, workflow=[('train', 1), ('val', 1)],
        meta={'seed': 0, 'exp_name': 'toy.py'},
        checkpoint=dict(interval=1, max_keep_ckpts=2), log_config=_logs(2),
        ckpt_dir='<tmp>/work/epoch_keep2_val'),
    # interval 2 over 5 epochs: save_last adds epoch 5 and pruning stops at the missing
    # "ckpt_1.pth"; out_dir, a custom filename_tmpl, no symlink, no optimizer, ignore_last=False
    'epoch_gap_out_dir': dict(
        runner='EpochBasedRunner', limit=5, workflow=[('train', 1)], meta={'seed': 0},
        checkpoint=dict(interval=2, max_keep_ckpts=1, out_dir='<tmp>/ckpts',
                        filename_tmpl='ckpt_{}.pth', create_symlink=False,
                        save_optimizer=False),
        log_config=_logs(2, ignore_last=False), ckpt_dir='<tmp>/ckpts/epoch_gap_out_dir'),
    # by iteration, with val phases, checkpoints and text logs copied to out dirs
    'iter_out_dirs': dict(
        runner='IterBasedRunner', limit=10, workflow=[('train', 4), ('val', 2)],
        meta={'seed': 0, 'exp_name': 'toy.py'},
        checkpoint=dict(interval=3, by_epoch=False, max_keep_ckpts=2, out_dir='<tmp>/ckpts'),
        log_config=_logs(3, by_epoch=False, out_dir='<tmp>/logs', keep_local=False,
                         interval_exp_name=4),
        ckpt_dir='<tmp>/ckpts/iter_out_dirs', json_dir='<tmp>/logs/iter_out_dirs'),
    # no save_last and no logger tail: the last epoch is not saved (interval 3 of 4)
    'epoch_no_save_last': dict(
        runner='EpochBasedRunner', limit=4, workflow=[('train', 1)], meta={'seed': 1},
        checkpoint=dict(interval=3, save_last=False), log_config=_logs(1),
        ckpt_dir='<tmp>/work/epoch_no_save_last'),
}
