"""Bad arguments raise a BuildError naming the scheduler, the argument and, through the
builder, the entry: ``param_scheduler[i].<arg>`` (MMEngine's schedulers first, then the
engine-only ones)."""
from __future__ import annotations

import pytest
import torch

from engine.errors import BuildError, ConfigError, EngineError
from engine.schedulers import (CosineRestartLR, LinearLR, OneCycleLR, OneCycleParamScheduler,
                               ReduceOnPlateauLR, StepLR, build_param_schedulers,
                               scheduler_trajectory)
from engine.schedulers.trajectory import DummyOptimizer

from ._replay import build_optimizer


@pytest.fixture
def sgd():
    return build_optimizer(dict(type='SGD', lr=0.1, momentum=0.9))


def test_linear_start_factor_message(sgd):
    with pytest.raises(BuildError) as info:
        LinearLR(sgd, start_factor=2)
    assert 'LinearLR start_factor must be in [0, 1], got 2' in str(info.value)
    assert info.value.key == 'start_factor'


def test_builder_names_the_list_entry(sgd):
    cfg = [dict(type='StepLR', step_size=2), dict(type='LinearLR', start_factor=2, end=5)]
    with pytest.raises(BuildError) as info:
        build_param_schedulers(cfg, sgd)
    assert info.value.key == 'param_scheduler[1].start_factor'


@pytest.mark.parametrize('cfg,key,text', [
    (dict(type='StepLR', step_size=2, begin=5, end=5), 'end', 'must be larger than begin'),
    (dict(type='StepLR', step_size=0), 'step_size', 'must be positive'),
    (dict(type='StepLR', step_size=2, last_step=-2), 'last_step', 'int >= -1'),
    (dict(type='MultiStepLR', milestones='8,11'), 'milestones', 'list of numbers'),
    (dict(type='ConstantLR', factor=1.5), 'factor', 'in [0, 1]'),
    (dict(type='ConstantLR', factor=0, end=5), 'factor', 'must be > 0'),
    (dict(type='LinearLR', start_factor=0.0, end=5), 'start_factor', 'must be > 0'),
    (dict(type='LinearLR', end_factor=-0.1), 'end_factor', 'in [0, 1]'),
    (dict(type='CosineAnnealingLR', eta_min=0.0, eta_min_ratio=0.1), 'eta_min', 'exactly one'),
    (dict(type='CosineRestartLR', periods=[2, 3]), 'eta_min', 'exactly one'),
    (dict(type='CosineRestartLR', periods=[2, 3], restart_weights=[1], eta_min=0),
     'restart_weights', 'one weight per period'),
    (dict(type='CosineRestartLR', periods=[], eta_min=0), 'periods', 'must not be empty'),
    (dict(type='OneCycleLR', eta_max=0.1, total_steps=0), 'total_steps', 'positive integer'),
    (dict(type='OneCycleLR', eta_max=0.1, total_steps=10, pct_start=1),
     'pct_start', 'float in [0, 1]'),
    (dict(type='OneCycleLR', eta_max=0.1, total_steps=10, anneal_strategy='exp'),
     'anneal_strategy', "'cos' or 'linear'"),
    (dict(type='OneCycleLR', eta_max=[0.1, 0.2], total_steps=10), 'eta_max', '2 values'),
    (dict(type='OneCycleParamScheduler', param_name='momentum', total_steps=10),
     'param_name', "must be 'lr'"),
    (dict(type='ReduceOnPlateauLR', factor=1.0), 'factor', 'must be < 1'),
    (dict(type='ReduceOnPlateauLR', by_epoch=False), 'by_epoch', 'must be True'),
    (dict(type='ReduceOnPlateauLR', rule='min'), 'rule', "'less' or 'greater'"),
    (dict(type='ReduceOnPlateauLR', threshold_rule='x'), 'threshold_rule', "'rel' or 'abs'"),
    (dict(type='ReduceOnPlateauLR', threshold=-1), 'threshold', '>= 0'),
    (dict(type='ReduceOnPlateauLR', min_value=[0.1, 0.2]), 'min_value', '2 values'),
    (dict(type='StepParamScheduler', param_name='nesterov_x', step_size=1), 'param_name',
     'not a key of param group'),
    (dict(type='StepLR', step_sise=2), 'step_sise', 'unexpected argument'),
    (dict(type='LinearLR', by_epoch=False, convert_to_iter_based=True),
     'convert_to_iter_based', 'by_epoch'),
    (dict(type='ReduceOnPlateauLR', convert_to_iter_based=True), 'convert_to_iter_based',
     'not supported'),
    (dict(type='StepLR', step_size=1, stepsize=3, convert_to_iter_based=True), 'stepsize',
     'unexpected argument'),
])
def test_invalid_arguments(sgd, cfg, key, text):
    with pytest.raises(BuildError) as info:
        build_param_schedulers([cfg], sgd, epoch_length=4)
    assert info.value.key == f'param_scheduler[0].{key}', info.value
    assert text in str(info.value)
    assert cfg['type'] in str(info.value) or 'unexpected' in str(info.value)


def test_unknown_type_names_entry(sgd):
    with pytest.raises(BuildError) as info:
        build_param_schedulers(dict(type='CosineLR'), sgd)
    assert info.value.key == 'param_scheduler'
    assert "'CosineLR' is not a registered param scheduler" in str(info.value)


def test_convert_without_epoch_length(sgd):
    with pytest.raises(BuildError) as info:
        build_param_schedulers([dict(type='StepLR', step_size=1, convert_to_iter_based=True)], sgd)
    assert info.value.key == 'param_scheduler[0].convert_to_iter_based'


def test_momentum_needs_momentum_or_betas():
    adagrad = torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(BuildError) as info:
        build_param_schedulers([dict(type='StepMomentum', step_size=2)], adagrad)
    assert info.value.key == 'param_scheduler[0].optimizer'
    assert 'neither momentum nor betas' in str(info.value)


def test_not_an_optimizer():
    with pytest.raises(BuildError) as info:
        StepLR(object(), step_size=2)
    assert info.value.key == 'optimizer'


def test_resume_without_initial_values(sgd):
    with pytest.raises(BuildError) as info:
        StepLR(sgd, step_size=2, last_step=3)
    assert info.value.key == 'last_step'


def test_entry_that_is_not_a_dict(sgd):
    with pytest.raises(BuildError) as info:
        build_param_schedulers([dict(type='StepLR', step_size=1), 'StepLR'], sgd)
    assert info.value.key == 'param_scheduler[1]'


def test_per_optimizer_dict_with_single_optimizer(sgd):
    with pytest.raises(BuildError) as info:
        build_param_schedulers({'gen': [dict(type='StepLR', step_size=1)]}, sgd)
    assert 'single optimizer' in str(info.value)


def test_dict_form_missing_optimizer_entry(sgd):
    wrappers = {'gen': sgd, 'disc': build_optimizer(dict(type='SGD', lr=0.2))}
    with pytest.raises(BuildError) as info:
        build_param_schedulers({'gen': [dict(type='StepLR', step_size=1)]}, wrappers)
    assert info.value.key == 'param_scheduler.disc'


def test_dict_form_entry_error_names_optimizer(sgd):
    wrappers = {'gen': sgd}
    with pytest.raises(BuildError) as info:
        build_param_schedulers({'gen': [dict(type='StepLR', step_size=-1)]}, wrappers)
    assert info.value.key == 'param_scheduler.gen[0].step_size'


def test_plateau_monitor_missing_from_metrics(sgd):
    s = ReduceOnPlateauLR(sgd, monitor='loss')
    s.step()
    with pytest.raises(ConfigError) as info:
        s.step({'acc': 0.5})
    assert info.value.key == 'monitor' and "'acc'" in str(info.value)
    with pytest.raises(TypeError):
        s.step([0.5])


def test_one_cycle_stepped_past_total_steps(sgd):
    s = OneCycleLR(sgd, eta_max=0.1, total_steps=2)
    s.step()
    s.step()
    with pytest.raises(ConfigError) as info:
        s.step()
    assert info.value.key == 'total_steps'


def test_generic_classes_keep_positional_param_name(sgd):
    OneCycleParamScheduler(sgd, 'lr', eta_max=0.1, total_steps=5)
    with pytest.raises(BuildError):
        CosineRestartLR(sgd, periods=[0], eta_min=0)


# === Engine-only schedulers (formerly schedulers_extra/test_sched_extra_errors.py) =============
# Bad arguments of the engine-only schedulers: a BuildError naming the scheduler and the
# argument (and, through the builder, the ``param_scheduler[i]`` entry).

@pytest.fixture
def dummy_sgd():
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
def test_engine_only_bad_argument_names_entry_and_argument(dummy_sgd, cfg, key, text):
    with pytest.raises(BuildError) as info:
        build_param_schedulers([dict(type='StepLR', step_size=1), cfg], dummy_sgd)
    assert info.value.key == f'param_scheduler[1].{key}'
    assert text in str(info.value)
    assert cfg['type'] in str(info.value)


def test_engine_only_unknown_argument_is_named(dummy_sgd):
    with pytest.raises(BuildError) as info:
        build_param_schedulers([dict(type='InvLR', gamma=0.1, gama=0.2,
                                     convert_to_iter_based=True)], dummy_sgd, epoch_length=3)
    assert 'gama' in str(info.value)


def test_engine_only_momentum_scheduler_needs_momentum():
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
