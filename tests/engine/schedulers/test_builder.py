"""build_param_schedulers reproduces Runner._build_param_scheduler / build_param_scheduler."""
from __future__ import annotations

import copy

from engine.schedulers import (INF, CosineAnnealingLR, CosineRestartLR, LinearLR,
                               MultiStepLR, OneCycleLR, StepLR, build_param_schedulers)
from engine.registry import PARAM_SCHEDULERS

from ._replay import build_optimizer


def _sgd():
    return build_optimizer(dict(type='SGD', lr=0.1, momentum=0.9))


def test_single_dict_gives_a_list_and_config_is_not_mutated():
    cfg = dict(type='StepLR', step_size=2)
    original = copy.deepcopy(cfg)
    out = build_param_schedulers(cfg, _sgd(), max_epochs=12)
    assert isinstance(out, list) and isinstance(out[0], StepLR)
    assert cfg == original


def test_default_end_by_epoch_and_by_iter():
    out = build_param_schedulers(
        [dict(type='LinearLR', by_epoch=False), dict(type='MultiStepLR', milestones=[8]),
         dict(type='PolyLR', end=7)], _sgd(), epoch_length=10, max_epochs=12)
    assert [s.end for s in out] == [120, 12, 7]


def test_default_end_with_explicit_max_iters_and_unknown_loop():
    out = build_param_schedulers([dict(type='LinearLR', by_epoch=False)], _sgd(), max_iters=50)
    assert out[0].end == 50
    out = build_param_schedulers([dict(type='LinearLR', by_epoch=False)], _sgd())
    assert out[0].end == INF


def test_convert_to_iter_based_scales_units():
    out = build_param_schedulers([
        dict(type='LinearLR', begin=0.5, end=2, convert_to_iter_based=True),
        dict(type='StepLR', step_size=3, convert_to_iter_based=True),
        dict(type='MultiStepLR', milestones=[8, 11], convert_to_iter_based=True),
        dict(type='CosineAnnealingLR', T_max=12, begin=1, convert_to_iter_based=True),
        dict(type='CosineRestartLR', periods=[2, 4], restart_weights=[1, 1], eta_min=0,
             convert_to_iter_based=True),
        dict(type='OneCycleLR', eta_max=0.1, total_steps=12, convert_to_iter_based=True),
    ], _sgd(), epoch_length=5, max_epochs=12)
    linear, step, multistep, cosine, restart, one_cycle = out
    assert not any(s.by_epoch for s in out)
    assert (linear.begin, linear.end, linear.total_iters) == (2, 10, 7)   # int(0.5 * 5) = 2
    assert step.step_size == 15 and step.end == 60
    assert sorted(multistep.milestones) == [40, 55]
    assert (cosine.T_max, cosine.begin) == (60, 5)
    assert restart.periods == [10, 20] and restart.cumulative_periods == [10, 30]
    assert one_cycle.total_steps == 60
    assert isinstance(linear, LinearLR) and isinstance(multistep, MultiStepLR)
    assert isinstance(cosine, CosineAnnealingLR) and isinstance(restart, CosineRestartLR)
    assert isinstance(one_cycle, OneCycleLR)


def test_convert_keeps_infinite_end():
    out = build_param_schedulers([dict(type='StepLR', step_size=1, convert_to_iter_based=True)],
                                 _sgd(), epoch_length=5)
    assert out[0].end == INF


def test_built_schedulers_pass_through():
    opt = _sgd()
    built = StepLR(opt, step_size=1)
    out = build_param_schedulers([built, dict(type='StepLR', step_size=2)], opt)
    assert out[0] is built and len(out) == 2


def test_dict_of_optimizers_shared_and_per_name():
    wrappers = {'gen': _sgd(), 'disc': build_optimizer(dict(type='Adam', lr=1e-3))}
    shared = build_param_schedulers(dict(type='StepLR', step_size=1), wrappers, max_epochs=3)
    assert set(shared) == {'gen', 'disc'}
    assert shared['gen'][0].optimizer is wrappers['gen']
    assert shared['disc'][0].optimizer is wrappers['disc']
    per = build_param_schedulers({'gen': [dict(type='StepLR', step_size=1)],
                                  'disc': dict(type='LinearMomentum', start_factor=0.5)},
                                 wrappers, max_epochs=3)
    assert isinstance(per['gen'][0], StepLR) and per['disc'][0].use_betas


def test_registry_builds_without_the_builder():
    s = PARAM_SCHEDULERS.build(dict(type='StepLR', step_size=2), default_args=dict(
        optimizer=_sgd()))
    assert isinstance(s, StepLR)


def test_all_mmengine_names_registered():
    families = ['Constant', 'Linear', 'Step', 'MultiStep', 'Exponential', 'CosineAnnealing',
                'Poly', 'CosineRestart', 'ReduceOnPlateau']
    for family in families:
        for suffix in ('LR', 'Momentum', 'ParamScheduler'):
            assert f'{family}{suffix}' in PARAM_SCHEDULERS
    assert 'OneCycleLR' in PARAM_SCHEDULERS and 'OneCycleParamScheduler' in PARAM_SCHEDULERS
