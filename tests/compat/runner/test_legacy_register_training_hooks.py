"""compat's ``register_training_hooks`` equals MMCV 1.7.2's: the same hooks in the same order
at the same priorities (custom hooks and ties included), the same ``get_hook_info()``, and
IterBasedRunner's ``by_epoch=False`` defaults written into the caller's configs.

Goldens: fixtures/goldens/legacy_training_hooks.json, written by
scripts/oracle/record_legacy_training_hooks_goldens.py with the real MMCV 1.7.2.
"""
import copy
import json
import logging
from pathlib import Path

import pytest
import torch
from torch import nn

from compat.runner import EpochBasedRunner, Hook, IterBasedRunner

GOLDENS = json.loads((Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' /
                      'legacy_training_hooks.json').read_text())
RUNNERS = dict(EpochBasedRunner=EpochBasedRunner, IterBasedRunner=IterBasedRunner)


class TinyModel(nn.Module):

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)

    def train_step(self, data, optimizer, **kwargs):
        return dict(loss=self.fc(data).sum())


def materialise(kwargs):
    kwargs = copy.deepcopy(kwargs)
    for key in ('lr_config', 'momentum_config'):
        # JSON stored the recorder's target_ratio tuples as lists; MMCV accepts only tuples
        if isinstance((kwargs.get(key) or {}).get('target_ratio'), list):
            kwargs[key]['target_ratio'] = tuple(kwargs[key]['target_ratio'])
    custom = kwargs.get('custom_hooks_config')
    if isinstance(custom, list):
        kwargs['custom_hooks_config'] = [Hook() if item == {'instance': 'Hook'} else item
                                         for item in custom]
    return kwargs


def register(scenario, tmp_path):
    model = TinyModel()
    runner = RUNNERS[scenario['runner']](
        model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
        work_dir=str(tmp_path), logger=logging.getLogger('legacy_training_hooks'))
    kwargs = materialise(scenario['kwargs'])
    runner.register_training_hooks(**kwargs)
    return runner, kwargs


def by_epoch_values(kwargs):
    """The ``by_epoch`` of the lr, checkpoint and logger configs (None where unset)."""
    values = {key: kwargs[key].get('by_epoch') for key in ('lr_config', 'checkpoint_config')
              if isinstance(kwargs.get(key), dict)}
    if kwargs.get('log_config'):
        values['log_hooks'] = [info.get('by_epoch') for info in kwargs['log_config']['hooks']]
    return values


@pytest.mark.parametrize('scenario', GOLDENS['scenarios'], ids=lambda s: s['name'])
def test_hooks_and_priorities_match_mmcv(scenario, tmp_path):
    runner, _ = register(scenario, tmp_path)
    assert [[type(hook).__name__, hook.priority] for hook in runner.hooks] == scenario['hooks']
    assert runner.get_hook_info() == scenario['hook_info']


@pytest.mark.parametrize('scenario', GOLDENS['scenarios'], ids=lambda s: s['name'])
def test_by_epoch_defaults_match_mmcv(scenario, tmp_path):
    _, kwargs = register(scenario, tmp_path)
    assert by_epoch_values(kwargs) == by_epoch_values(scenario['kwargs_after'])


def test_iter_runner_hooks_are_built_with_by_epoch_false(tmp_path):
    scenario = next(s for s in GOLDENS['scenarios'] if s['name'] == 'iter_plain')
    runner, _ = register(scenario, tmp_path)
    assert [hook.by_epoch for hook in runner.hooks if hasattr(hook, 'by_epoch')] == [False] * 4


def test_custom_hook_instance_registers_at_normal(tmp_path):
    model = TinyModel()
    runner = EpochBasedRunner(model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                              work_dir=str(tmp_path), logger=logging.getLogger('t'))
    hook = Hook()
    runner.register_custom_hooks(hook)
    assert runner.hooks == [hook] and hook.priority == 50


def test_register_profiler_hook_defaults_the_type_and_keeps_normal_priority(tmp_path):
    import logging

    import torch

    from compat.runner import EpochBasedRunner
    from compat.runner.hooks.profiler import ProfilerHook

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(2, 1)

        def train_step(self, data, optimizer):
            return dict(loss=self.fc(data).sum(), log_vars={}, num_samples=1)

    runner = EpochBasedRunner(Model(), work_dir=str(tmp_path), logger=logging.getLogger(),
                              max_epochs=1)
    runner.register_profiler_hook(None)
    assert runner.hooks == []
    config = dict(profile_iters=1)
    runner.register_profiler_hook(config)
    assert config['type'] == 'ProfilerHook'   # MMCV sets it on the caller's dict
    assert isinstance(runner.hooks[0], ProfilerHook)
    assert runner.hooks[0].priority == 50
