"""parse_lr_config / parse_momentum_config: MMCV 1.7.2 defaults, rules and readable errors."""
from __future__ import annotations

import pytest

from compat.schedules import (LrSchedule, MomentumSchedule, parse_lr_config,
                              parse_momentum_config)
from engine.errors import ConfigError, EngineError

LR_DEFAULTS = {
    'fixed': ({}, {}),
    'step': ({'step': 3}, {'step': 3, 'gamma': 0.1, 'min_lr': None}),
    'exp': ({'gamma': 0.9}, {'gamma': 0.9}),
    'poly': ({}, {'power': 1., 'min_lr': 0.}),
    'inv': ({'gamma': 0.1}, {'gamma': 0.1, 'power': 1.}),
    'CosineAnnealing': ({'min_lr': 0.}, {'min_lr': 0., 'min_lr_ratio': None}),
    'FlatCosineAnnealing': ({'min_lr_ratio': 0.1}, {'start_percent': 0.75, 'min_lr': None,
                                                    'min_lr_ratio': 0.1}),
    'CosineRestart': ({'periods': [5], 'min_lr': 0.}, {'periods': [5], 'restart_weights': [1],
                                                       'min_lr': 0., 'min_lr_ratio': None}),
    'cyclic': ({}, {'target_ratio': (10, 1e-4), 'cyclic_times': 1, 'step_ratio_up': 0.4,
                    'anneal_strategy': 'cos', 'gamma': 1}),
    'OneCycle': ({'max_lr': 0.1}, {'max_lr': 0.1, 'total_steps': None, 'pct_start': 0.3,
                                   'anneal_strategy': 'cos', 'div_factor': 25,
                                   'final_div_factor': 1e4, 'three_phase': False}),
    'LinearAnnealing': ({'min_lr_ratio': 0.}, {'min_lr': None, 'min_lr_ratio': 0.}),
}

MOMENTUM_DEFAULTS = {
    'step': ({'step': [2]}, {'step': [2], 'gamma': 0.5, 'min_momentum': None}),
    'CosineAnnealing': ({'min_momentum': 0.8}, {'min_momentum': 0.8,
                                                'min_momentum_ratio': None}),
    'LinearAnnealing': ({'min_momentum_ratio': 0.9}, {'min_momentum': None,
                                                      'min_momentum_ratio': 0.9}),
    'cyclic': ({}, {'target_ratio': (0.85 / 0.95, 1.), 'cyclic_times': 1, 'step_ratio_up': 0.4,
                    'anneal_strategy': 'cos', 'gamma': 1.}),
    'OneCycle': ({}, {'base_momentum': 0.85, 'max_momentum': 0.95, 'pct_start': 0.3,
                      'anneal_strategy': 'cos', 'three_phase': False}),
}


@pytest.mark.parametrize('policy', sorted(LR_DEFAULTS))
def test_lr_defaults(policy):
    given, expected = LR_DEFAULTS[policy]
    s = parse_lr_config(dict(policy=policy, **given))
    assert isinstance(s, LrSchedule)
    assert s.policy == policy and s.params == expected
    assert s.by_epoch is (policy not in ('cyclic', 'OneCycle'))
    assert (s.warmup, s.warmup_iters, s.warmup_ratio, s.warmup_by_epoch) == (None, 0, 0.1, False)


@pytest.mark.parametrize('policy', sorted(MOMENTUM_DEFAULTS))
def test_momentum_defaults(policy):
    given, expected = MOMENTUM_DEFAULTS[policy]
    s = parse_momentum_config(dict(policy=policy, **given))
    assert isinstance(s, MomentumSchedule)
    assert s.policy == policy and s.params == expected
    assert s.by_epoch is (policy not in ('cyclic', 'OneCycle'))
    assert (s.warmup, s.warmup_iters, s.warmup_ratio) == (None, 0, 0.9)


def test_none_means_no_hook():
    assert parse_lr_config(None) is None
    assert parse_momentum_config(None, runner_type='IterBasedRunner') is None


@pytest.mark.parametrize('written, canonical', [
    ('step', 'step'), ('Step', 'step'), ('cyclic', 'cyclic'), ('Cyclic', 'cyclic'),
    ('Fixed', 'fixed'), ('CosineAnnealing', 'CosineAnnealing'), ('OneCycle', 'OneCycle'),
])
def test_policy_name_rule(written, canonical):
    """All-lowercase names are title-cased, others kept, as register_lr_hook does."""
    args = LR_DEFAULTS[canonical][0]
    assert parse_lr_config(dict(policy=written, **args)).policy == canonical


def test_iter_runner_defaults_by_epoch_false_for_lr_only():
    assert parse_lr_config(dict(policy='step', step=[5]),
                           runner_type='IterBasedRunner').by_epoch is False
    assert parse_lr_config(dict(policy='step', step=[5], by_epoch=True),
                           runner_type='IterBasedRunner').by_epoch is True
    assert parse_momentum_config(dict(policy='step', step=[5]),
                                 runner_type='IterBasedRunner').by_epoch is True


def test_normalizations_and_warmup_fields():
    assert parse_lr_config(dict(policy='cyclic', target_ratio=8.0)).params['target_ratio'] == (
        8.0, 8.0 / 1e5)
    assert parse_lr_config(dict(policy='cyclic', target_ratio=(5,))).params['target_ratio'] == (
        5, 5 / 1e5)
    s = parse_lr_config(dict(policy='poly', warmup='exp', warmup_iters=2, warmup_by_epoch=True,
                             warmup_ratio=0.01), source='a.py')
    assert (s.warmup, s.warmup_iters, s.warmup_ratio, s.warmup_by_epoch, s.source) == (
        'exp', 2, 0.01, True, 'a.py')
    assert parse_lr_config(dict(policy='step', step=1, type='Ignored')).policy == 'step'
    assert s.key('warmup') == 'lr_config.warmup'


def _error(parse, cfg, **kw):
    with pytest.raises(ConfigError) as info:
        parse(cfg, source='configs/legacy.py', **kw)
    err = info.value
    assert isinstance(err, EngineError)
    assert err.file == 'configs/legacy.py' and err.fix
    assert 'configs/legacy.py' in str(err) and f"key '{err.key}'" in str(err)
    return err


@pytest.mark.parametrize('policy, right', [
    ('cosineannealing', 'CosineAnnealing'), ('Cosineannealing', 'CosineAnnealing'),
    ('onecycle', 'OneCycle'), ('linear_annealing', 'LinearAnnealing'),
    ('flatcosineannealing', 'FlatCosineAnnealing'), ('STEP', 'step'),
])
def test_lowercase_trap_names_the_camelcase_policy(policy, right):
    err = _error(parse_lr_config, dict(policy=policy))
    assert err.key == 'lr_config.policy'
    assert f"policy='{right}'" in err.fix
    assert 'KeyError' in err.message


def test_lowercase_trap_for_momentum():
    err = _error(parse_momentum_config, dict(policy='cosineannealing', min_momentum=0.8))
    assert err.key == 'momentum_config.policy'
    assert "'CosineannealingMomentumUpdaterHook'" in err.message
    assert "policy='CosineAnnealing'" in err.fix


def test_unknown_policy_suggests_a_close_name():
    err = _error(parse_lr_config, dict(policy='CosineAnealing', min_lr=0.))
    assert "did you mean 'CosineAnnealing'" in err.fix
    err = _error(parse_momentum_config, dict(policy='poly'))    # an lr-only policy
    assert err.key == 'momentum_config.policy' and "'PolyMomentumUpdaterHook'" in err.message


@pytest.mark.parametrize('parse, cfg, key, in_fix', [
    (parse_lr_config, dict(step=[1]), 'lr_config.policy', 'policy='),
    (parse_lr_config, dict(policy=3), 'lr_config.policy', 'step'),
    (parse_lr_config, [('policy', 'step')], 'lr_config', 'dict('),
    (parse_lr_config, dict(policy='step'), 'lr_config.step', 'step='),
    (parse_lr_config, dict(policy='exp'), 'lr_config.gamma', 'gamma='),
    (parse_lr_config, dict(policy='OneCycle'), 'lr_config.max_lr', 'max_lr='),
    (parse_lr_config, dict(policy='CosineRestart', min_lr=0.), 'lr_config.periods', 'periods='),
    (parse_lr_config, dict(policy='step', step=[1], gama=0.5), 'lr_config.gama',
     "did you mean 'gamma'"),
    (parse_lr_config, dict(policy='CosineAnnealing', min_lr=0., min_lr_ratio=0.1),
     'lr_config.min_lr_ratio', 'only min_lr'),
    (parse_lr_config, dict(policy='LinearAnnealing'), 'lr_config.min_lr', 'only min_lr'),
    (parse_momentum_config, dict(policy='CosineAnnealing', min_momentum=0.8,
                                 min_momentum_ratio=0.9), 'momentum_config.min_momentum_ratio',
     'only min_momentum'),
    (parse_lr_config, dict(policy='step', step=(8, 11)), 'lr_config.step', '[8, 11]'),
    (parse_lr_config, dict(policy='step', step=[0, 3]), 'lr_config.step', 'non-positive'),
    (parse_lr_config, dict(policy='step', step=-1), 'lr_config.step', 'positive'),
    (parse_lr_config, dict(policy='step', step=[1.5]), 'lr_config.step', 'integers'),
    (parse_lr_config, dict(policy='fixed', warmup='cosine', warmup_iters=5), 'lr_config.warmup',
     "'linear'"),
    (parse_lr_config, dict(policy='fixed', warmup='linear'), 'lr_config.warmup_iters', '> 0'),
    (parse_lr_config, dict(policy='fixed', warmup='linear', warmup_iters=5.0),
     'lr_config.warmup_iters', 'warmup_iters=5'),
    (parse_lr_config, dict(policy='fixed', warmup='linear', warmup_iters=5, warmup_ratio=0),
     'lr_config.warmup_ratio', 'warmup_ratio='),
    (parse_lr_config, dict(policy='fixed', warmup='linear', warmup_iters=5, warmup_ratio=1.5),
     'lr_config.warmup_ratio', 'warmup_ratio='),
    (parse_momentum_config, dict(policy='step', step=1, warmup='linear', warmup_iters=0),
     'momentum_config.warmup_iters', '> 0'),
    (parse_momentum_config, dict(policy='step', step=1, warmup='linear', warmup_iters=5,
                                 warmup_by_epoch=True), 'momentum_config.warmup_by_epoch',
     'iterations'),
    (parse_lr_config, dict(policy='FlatCosineAnnealing', start_percent=1, min_lr=0.),
     'lr_config.start_percent', '0.75'),
    (parse_lr_config, dict(policy='CosineRestart', periods=[5, 5], min_lr=0.),
     'lr_config.restart_weights', '[1, 1]'),
    (parse_lr_config, dict(policy='cyclic', by_epoch=True), 'lr_config.by_epoch', 'False'),
    (parse_lr_config, dict(policy='cyclic', target_ratio=[10, 1e-4]), 'lr_config.target_ratio',
     '(10, 0.0001)'),
    (parse_lr_config, dict(policy='cyclic', target_ratio=10), 'lr_config.target_ratio', 'tuple'),
    (parse_lr_config, dict(policy='cyclic', target_ratio=(1., 2., 3.)),
     'lr_config.target_ratio', 'target_ratio='),
    (parse_lr_config, dict(policy='cyclic', step_ratio_up=1.0), 'lr_config.step_ratio_up',
     '0.4'),
    (parse_lr_config, dict(policy='cyclic', gamma=1.5), 'lr_config.gamma', 'gamma=1'),
    (parse_lr_config, dict(policy='cyclic', anneal_strategy='cosine'),
     'lr_config.anneal_strategy', "'cos'"),
    (parse_lr_config, dict(policy='OneCycle', max_lr=0.1, by_epoch=True), 'lr_config.by_epoch',
     'False'),
    (parse_lr_config, dict(policy='OneCycle', max_lr='0.1'), 'lr_config.max_lr', 'max_lr='),
    (parse_lr_config, dict(policy='OneCycle', max_lr=(0.1, 0.2)), 'lr_config.max_lr', '[0.1'),
    (parse_lr_config, dict(policy='OneCycle', max_lr=0.1, total_steps=10.0),
     'lr_config.total_steps', 'total_steps=10'),
    (parse_lr_config, dict(policy='OneCycle', max_lr=0.1, pct_start=1), 'lr_config.pct_start',
     '0.3'),
    (parse_momentum_config, dict(policy='OneCycle', max_momentum=1), 'momentum_config.max_momentum',
     '0.9'),
    (parse_momentum_config, dict(policy='cyclic', by_epoch=True), 'momentum_config.by_epoch',
     'False'),
])
def test_errors_name_key_file_and_fix(parse, cfg, key, in_fix):
    err = _error(parse, cfg)
    assert err.key == key
    assert in_fix in err.fix


def test_warmup_by_epoch_under_iter_runner():
    err = _error(parse_lr_config, dict(policy='fixed', warmup='linear', warmup_iters=1,
                                       warmup_by_epoch=True), runner_type='IterBasedRunner')
    assert err.key == 'lr_config.warmup_by_epoch'
    # accepted under EpochBasedRunner
    assert parse_lr_config(dict(policy='fixed', warmup='linear', warmup_iters=1,
                                warmup_by_epoch=True)).warmup_by_epoch


def test_unknown_runner_type():
    err = _error(parse_lr_config, dict(policy='fixed'), runner_type='IterBaseRunner')
    assert err.key == 'runner.type' and "did you mean 'IterBasedRunner'" in err.fix
