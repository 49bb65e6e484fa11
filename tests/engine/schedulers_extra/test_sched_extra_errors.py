"""Bad arguments of the engine-only schedulers: a BuildError naming the scheduler and the
argument (and, through the builder, the ``param_scheduler[i]`` entry)."""
from __future__ import annotations

import pytest

from engine.errors import BuildError, EngineError
from engine.optim.scheduler import build_param_schedulers, scheduler_trajectory
from engine.optim.scheduler.trajectory import DummyOptimizer


@pytest.fixture
def sgd():
    return DummyOptimizer(dict(type='SGD', lr=0.1, momentum=0.9))


@pytest.mark.parametrize('cfg,key,text', [
    (dict(type='WarmupLR', warmup='cosine', warmup_iters=5), 'warmup', 'must be one of'),
    (dict(type='WarmupLR', warmup='exp', warmup_ratio=0, warmup_iters=5), 'warmup_ratio',
     'in (0, 1]'),
    (dict(type='WarmupLR', warmup='exp'), 'warmup_iters', 'is needed when end is not set'),
    (dict(type='WarmupMomentum', warmup='linear', warmup_iters=0), 'warmup_iters',
     'must be positive'),
    (dict(type='InvLR', gamma=-1), 'gamma', 'must be >= 0'),
    (dict(type='InvLR', gamma='x'), 'gamma', 'must be a number'),
    (dict(type='ClippedStepLR', gamma=0.1), 'step_size', 'give exactly one'),
    (dict(type='ClippedStepLR', step_size=2, milestones=[3]), 'step_size', 'give exactly one'),
    (dict(type='ClippedStepMomentum', milestones=[0, 2]), 'milestones', 'positive numbers'),
    (dict(type='CyclicLR', total_steps=10, step_ratio_up=1.0), 'step_ratio_up', '[0, 1)'),
    (dict(type='CyclicLR', total_steps=10, gamma=0), 'gamma', '(0, 1]'),
    (dict(type='CyclicLR', total_steps=10, anneal_strategy='tri'), 'anneal_strategy', 'cos'),
    (dict(type='CyclicLR', total_steps=3, cyclic_times=4), 'cyclic_times', 'do not fit'),
    (dict(type='CyclicLR', total_steps=10, target_ratio=(1, 2, 3)), 'target_ratio',
     'two numbers'),
    (dict(type='CyclicLR'), 'total_steps', 'is needed when end is not set'),
    (dict(type='OneCycleMomentum', total_steps=10, pct_start=1), 'pct_start', 'float'),
    (dict(type='OneCycleMomentum', total_steps=10, base_momentum=[0.8, 0.9]),
     'base_momentum', 'param groups'),
    (dict(type='RelativeCosineAnnealingLR', T_max=5, eta_min=0, eta_min_ratio=0.1),
     'eta_min', 'not both'),
    (dict(type='RelativePolyLR', T_max=0), 'T_max', 'positive number of steps'),
    (dict(type='RelativeFlatCosineAnnealingLR', T_max=5, start_percent=1), 'start_percent',
     'float in [0, 1]'),
    (dict(type='RelativeCosineRestartLR', periods=[2, 3], restart_weights=[1]),
     'restart_weights', 'one weight per period'),
    (dict(type='RelativeOneCycleLR', eta_max=0.1, total_steps=10, anneal_strategy='x'),
     'anneal_strategy', 'cos'),
])
def test_bad_argument_names_entry_and_argument(sgd, cfg, key, text):
    with pytest.raises(BuildError) as info:
        build_param_schedulers([dict(type='StepLR', step_size=1), cfg], sgd)
    assert info.value.key == f'param_scheduler[1].{key}'
    assert text in str(info.value)
    assert cfg['type'] in str(info.value)


def test_unknown_argument_is_named(sgd):
    with pytest.raises(BuildError) as info:
        build_param_schedulers([dict(type='InvLR', gamma=0.1, gama=0.2,
                                     convert_to_iter_based=True)], sgd, epoch_length=3)
    assert 'gama' in str(info.value)


def test_momentum_scheduler_needs_momentum():
    adagrad = DummyOptimizer(dict(type='Adagrad', lr=0.1))
    with pytest.raises(BuildError) as info:
        build_param_schedulers([dict(type='WarmupMomentum', warmup_iters=3)], adagrad)
    assert 'neither momentum nor betas' in str(info.value)


@pytest.mark.parametrize('kwargs,key', [
    (dict(train_cfg=dict(type='EpochBasedTrainLoop', max_epochs=0), epoch_len=2),
     'train_cfg.max_epochs'),
    (dict(train_cfg=dict(type='IterBasedTrainLoop'), epoch_len=2), 'train_cfg.max_iters'),
    (dict(train_cfg=dict(type='MyLoop', max_epochs=2), epoch_len=2), 'train_cfg.type'),
    (dict(train_cfg=dict(by_epoch=True, max_epochs=2), epoch_len=0), 'epoch_len'),
])
def test_trajectory_errors_name_the_key(kwargs, key):
    with pytest.raises(EngineError) as info:
        scheduler_trajectory([], optimizer=dict(type='SGD', lr=0.1), **kwargs)
    assert info.value.key == key


def test_trajectory_rejects_per_optimizer_dict():
    with pytest.raises(EngineError) as info:
        scheduler_trajectory(dict(a=[dict(type='StepLR', step_size=1)]),
                             train_cfg=dict(by_epoch=True, max_epochs=1), epoch_len=1,
                             optimizer=dict(type='SGD', lr=0.1))
    assert info.value.key == 'param_scheduler'
