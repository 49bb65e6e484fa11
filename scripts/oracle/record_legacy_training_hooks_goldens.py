"""Record MMCV 1.7.2's ``register_training_hooks``: which hooks, in which order, at which
priority, for epoch and iter runners.

Run with the oracle interpreter (it must not import our packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_training_hooks_goldens.py

Writes ``fixtures/goldens/legacy_training_hooks.json``: per scenario its ``runner`` type, the
``kwargs`` passed (a custom hook written ``{"instance": "Hook"}`` is a bare ``Hook()``), the
resulting ``hooks`` as ``[class name, priority]``, ``get_hook_info()``, and the kwargs dicts
after the call (``kwargs_after``: IterBasedRunner sets ``by_epoch=False`` defaults in them).
``tests/compat/runner/test_legacy_register_training_hooks.py`` replays them on compat.
"""
from __future__ import annotations

import copy
import json
import logging
import os
import tempfile

import torch
from mmcv.runner import EpochBasedRunner, Hook, IterBasedRunner
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_training_hooks.json')

LOG = dict(interval=5, hooks=[dict(type='TextLoggerHook'), dict(type='TensorboardLoggerHook')])
SCENARIOS = [
    ('epoch_plain', 'EpochBasedRunner', dict(
        lr_config=dict(policy='step', step=[2]), optimizer_config=dict(grad_clip=None),
        checkpoint_config=dict(interval=1), log_config=LOG)),
    ('epoch_momentum_fp16', 'EpochBasedRunner', dict(
        lr_config=dict(policy='cyclic', target_ratio=(10, 1e-4), cyclic_times=1,
                       step_ratio_up=0.4),
        momentum_config=dict(policy='cyclic', target_ratio=(0.85 / 0.95, 1),
                             cyclic_times=1, step_ratio_up=0.4),
        optimizer_config=dict(type='Fp16OptimizerHook', loss_scale=512.),
        checkpoint_config=dict(interval=2), log_config=LOG)),
    ('epoch_custom_ties', 'EpochBasedRunner', dict(
        lr_config=dict(policy='fixed'), optimizer_config=dict(),
        checkpoint_config=dict(interval=1), log_config=dict(interval=1, hooks=[
            dict(type='TextLoggerHook')]),
        custom_hooks_config=[
            dict(type='IterTimerHook', priority='NORMAL'),
            dict(type='CheckpointHook', interval=3, priority='VERY_HIGH'),
            {'instance': 'Hook'},
            dict(type='IterTimerHook', priority=70),
            dict(type='IterTimerHook', priority='LOWEST'),
            dict(type='IterTimerHook')])),
    ('epoch_minimal_single_custom', 'EpochBasedRunner', dict(
        lr_config=None, timer_config=None,
        custom_hooks_config=dict(type='CheckpointHook', interval=1, priority='HIGHEST'))),
    ('iter_plain', 'IterBasedRunner', dict(
        lr_config=dict(policy='poly', power=0.9, min_lr=1e-4),
        optimizer_config=dict(grad_clip=dict(max_norm=1.0)),
        checkpoint_config=dict(interval=100), log_config=LOG)),
    ('iter_explicit_by_epoch_momentum', 'IterBasedRunner', dict(
        lr_config=dict(policy='step', step=[10], by_epoch=True),
        momentum_config=dict(policy='step', step=[10], gamma=0.5),
        optimizer_config=dict(type='Fp16OptimizerHook', loss_scale='dynamic'),
        checkpoint_config=dict(interval=1, by_epoch=True),
        log_config=dict(interval=2, hooks=[dict(type='TextLoggerHook', by_epoch=True),
                                           dict(type='TensorboardLoggerHook')]),
        custom_hooks_config=[dict(type='IterTimerHook', priority='LOW'), {'instance': 'Hook'}])),
    ('iter_no_optional', 'IterBasedRunner', dict(lr_config=None)),
]


class TinyModel(nn.Module):

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)

    def train_step(self, data, optimizer, **kwargs):
        return dict(loss=self.fc(data).sum())


def materialise(kwargs):
    """Build ``{"instance": "Hook"}`` entries; deep-copy the rest (MMCV mutates them)."""
    kwargs = copy.deepcopy(kwargs)
    custom = kwargs.get('custom_hooks_config')
    if isinstance(custom, list):
        kwargs['custom_hooks_config'] = [Hook() if item == {'instance': 'Hook'} else item
                                         for item in custom]
    return kwargs


def record(name, runner_name, kwargs):
    runner_cls = dict(EpochBasedRunner=EpochBasedRunner, IterBasedRunner=IterBasedRunner)
    model = TinyModel()
    with tempfile.TemporaryDirectory() as work_dir:
        runner = runner_cls[runner_name](
            model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
            work_dir=work_dir, logger=logging.getLogger('legacy_training_hooks'))
        call_kwargs = materialise(kwargs)
        runner.register_training_hooks(**call_kwargs)
    after = {key: value for key, value in call_kwargs.items()
             if key != 'custom_hooks_config' and isinstance(value, dict)}
    return dict(name=name, runner=runner_name, kwargs=kwargs, kwargs_after=after,
                hooks=[[type(hook).__name__, hook.priority] for hook in runner.hooks],
                hook_info=runner.get_hook_info())


def main():
    goldens = dict(scenarios=[record(*scenario) for scenario in SCENARIOS])
    with open(OUT, 'w') as f:
        json.dump(goldens, f, indent=1, sort_keys=True)
        f.write('\n')
    print(f'wrote {OUT}: {len(goldens["scenarios"])} scenarios')


if __name__ == '__main__':
    main()
