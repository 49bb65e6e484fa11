"""register_lr_hook/register_momentum_hook and the updater hooks beyond the MMCV goldens:
MMCV's policy-name rule and priorities, dicts of optimizers, and errors naming the key."""
from __future__ import annotations

import logging

import pytest
import torch

from compat.runner import EpochBasedRunner, IterBasedRunner
from compat.runner.hooks import (CyclicLrUpdaterHook, LrUpdaterHook, MomentumUpdaterHook,
                                 StepLrUpdaterHook, StepMomentumUpdaterHook)
from engine.errors import ConfigError

LOGGER = logging.getLogger('test_schedule_hook_registration')


class _Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.zeros(1))
        self.b = torch.nn.Parameter(torch.zeros(1))
        self.seen = []
        self.runner = None

    def train_step(self, data_batch, optimizer, **kwargs):
        self.seen.append(self.runner.current_lr())
        return {}


class _Loader(list):
    sampler = None


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    monkeypatch.setattr('time.sleep', lambda seconds: None)


def _runner(optimizer=None, cls=EpochBasedRunner, **limits):
    model = _Model()
    if optimizer is None:
        optimizer = torch.optim.SGD([model.a], lr=0.1, momentum=0.9)
    runner = cls(model, optimizer=optimizer, logger=LOGGER, **(limits or {'max_epochs': 3}))
    model.runner = runner
    return runner, model


def test_policy_name_rule_and_priorities():
    runner, _ = _runner()
    runner.register_lr_hook(dict(policy='step', step=[2]))
    runner.register_momentum_hook(dict(policy='cyclic'))
    assert [type(h).__name__ for h in runner.hooks] == ['StepLrUpdaterHook',
                                                        'CyclicMomentumUpdaterHook']
    assert [h.priority for h in runner.hooks] == [10, 30]   # VERY_HIGH, HIGH


def test_config_dict_is_not_modified_and_hooks_pass_through():
    runner, _ = _runner()
    cfg = dict(policy='step', step=[2])
    runner.register_lr_hook(cfg)
    assert cfg == dict(policy='step', step=[2])
    hook = StepMomentumUpdaterHook(step=[1])
    runner.register_momentum_hook(hook)
    runner.register_lr_hook(None)
    assert runner.hooks[-1] is hook and len(runner.hooks) == 2


@pytest.mark.parametrize('register, cfg, key', [
    ('register_lr_hook', dict(policy='cosineannealing', min_lr=0), 'lr_config.policy'),
    ('register_lr_hook', dict(step=[2]), 'lr_config.policy'),
    ('register_lr_hook', dict(policy='step', stpe=[2]), 'lr_config.stpe'),
    ('register_momentum_hook', dict(policy='poly'), 'momentum_config.policy'),
    ('register_momentum_hook', dict(policy='step', step=0), 'momentum_config.step'),
])
def test_registration_errors_name_the_key(register, cfg, key):
    runner, _ = _runner()
    with pytest.raises(ConfigError) as info:
        getattr(runner, register)(cfg)
    assert info.value.key == key


def test_base_classes_are_not_policies():
    with pytest.raises(TypeError, match='base of the lr policy hooks'):
        LrUpdaterHook(by_epoch=True)
    with pytest.raises(TypeError, match='base of the momentum policy hooks'):
        MomentumUpdaterHook()


def test_dict_of_optimizers_follows_the_schedule_per_optimizer():
    model = _Model()
    optimizers = dict(gen=torch.optim.SGD([model.a], lr=0.1, momentum=0.9),
                      disc=torch.optim.Adam([model.b], lr=0.01))
    runner = EpochBasedRunner(model, optimizer=optimizers, logger=LOGGER, max_epochs=3)
    model.runner = runner
    runner.register_lr_hook(dict(policy='step', step=[1, 2], warmup='constant',
                                 warmup_iters=1, warmup_ratio=0.5))
    runner.run([_Loader(range(2))], [('train', 1)])
    gen = [round(row['gen'][0], 12) for row in model.seen]
    disc = [round(row['disc'][0], 12) for row in model.seen]
    assert gen == [0.05, 0.1, 0.01, 0.01, 0.001, 0.001]
    assert disc == [0.005, 0.01, 0.001, 0.001, 0.0001, 0.0001]
    hook = runner.hooks[0]
    assert hook.base_lr == {'gen': [0.1], 'disc': [0.01]}


def test_one_cycle_dict_arguments_are_keyed_by_optimizer_name():
    model = _Model()
    optimizers = dict(gen=torch.optim.SGD([model.a], lr=0.1, momentum=0.9))
    runner = IterBasedRunner(model, optimizer=optimizers, logger=LOGGER, max_iters=4)
    model.runner = runner
    runner.register_lr_hook(dict(policy='OneCycle', max_lr=dict(gen=[0.5])))
    runner.run([_Loader(range(2))], [('train', 1)])
    assert model.seen[0]['gen'][0] == pytest.approx(0.5 / 25)


def test_warmup_by_epoch_under_iter_based_runner_names_the_key():
    runner, _ = _runner(cls=IterBasedRunner, max_iters=4)
    runner.register_lr_hook(dict(policy='fixed', by_epoch=False, warmup='linear',
                                 warmup_iters=1, warmup_by_epoch=True))
    with pytest.raises(ConfigError) as info:
        runner.run([_Loader(range(2))], [('train', 1)])
    assert info.value.key == 'lr_config.warmup_by_epoch'


def test_momentum_hook_without_momentum_names_the_key():
    model = _Model()
    runner, _ = _runner(optimizer=torch.optim.Adagrad([model.a], lr=0.1))
    runner.register_momentum_hook(dict(policy='step', step=[1]))
    with pytest.raises(ConfigError) as info:
        runner.run([_Loader(range(2))], [('train', 1)])
    assert info.value.key == 'momentum_config.policy'


def test_cyclic_without_an_iteration_per_cycle_fails():
    runner, model = _runner(cls=IterBasedRunner, max_iters=10)
    runner.register_lr_hook(CyclicLrUpdaterHook(cyclic_times=20))
    with pytest.raises(ConfigError) as info:
        runner.run([_Loader(range(2))], [('train', 1)])
    assert info.value.key == 'lr_config.cyclic_times' and model.seen == []


def test_step_hook_exposes_mmcv_attributes():
    hook = StepLrUpdaterHook(step=[2], warmup='linear', warmup_iters=3)
    assert (hook.by_epoch, hook.warmup, hook.warmup_iters, hook.warmup_ratio) == \
        (True, 'linear', 3, 0.1)
