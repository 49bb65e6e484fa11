"""compat.schedules on downstream LR policies (MMCls CosineAnnealingCooldown, MMSelfSup
StepFixCosineAnnealing, MMDet YOLOX, MMTracking SiameseRPN) against per-iteration lr recorded
from those hooks rebuilt on the real MMCV 1.7.2 runner
(scripts/oracle/record_downstream_policy_goldens.py -> fixtures/goldens/downstream_policies.json).
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from compat.schedules import legacy_trajectory, parse_lr_config
from engine.errors import ConfigError

GOLDENS = json.loads((Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' /
                      'downstream_policies.json').read_text())
SETUPS = GOLDENS['setups']
ERRORS = GOLDENS['errors']
REL_TOL = 1e-12


def legacy_lr(case):
    cfg = ast.literal_eval(case['config'])
    runner = cfg['runner']
    policy = parse_lr_config(cfg['lr_config'], runner_type=runner['type'], source='golden.py')
    return legacy_trajectory(policy, None, runner_type=runner['type'],
                             max_epochs=runner.get('max_epochs'),
                             max_iters=runner.get('max_iters'), epoch_len=case['epoch_len'],
                             base_lrs=case['base_lrs'], base_momentums=None)


def max_rel_error(ours, golden):
    assert len(ours) == len(golden)
    worst = 0.0
    for row_ours, row_golden in zip(ours, golden):
        assert len(row_ours) == len(row_golden)
        for a, b in zip(row_ours, row_golden):
            if a != b:
                worst = max(worst, abs(a - b) / max(abs(b), 1e-300))
    return worst


def test_every_policy_has_several_setups():
    policies = [ast.literal_eval(c['config'])['lr_config']['policy'] for c in SETUPS.values()]
    for name in ('CosineAnnealingCooldown', 'StepFixCosineAnnealing', 'YOLOX', 'SiameseRPN'):
        assert policies.count(name) >= 2, name


@pytest.mark.parametrize('name', sorted(SETUPS))
def test_compat_equals_the_downstream_hook(name):
    case = SETUPS[name]
    trajectory = legacy_lr(case)
    assert trajectory.epoch == case['epoch'] and trajectory.iter == case['iter']
    assert max_rel_error(trajectory.lr, case['lr']) <= REL_TOL


@pytest.mark.parametrize('name', sorted(ERRORS))
def test_a_config_the_hook_rejects_names_its_key(name):
    case = ERRORS[name]
    with pytest.raises(ConfigError) as info:
        legacy_lr(dict(case, base_lrs=[0.02]))
    assert info.value.key == case['key']
    assert 'golden.py' in str(info.value)


def test_yolox_warmup_starts_from_the_base_lr_not_the_regular_one():
    policy = parse_lr_config(dict(policy='YOLOX', by_epoch=False, warmup='linear',
                                  warmup_iters=4, warmup_ratio=1, num_last_epochs=0,
                                  min_lr_ratio=0.5))
    traj = legacy_trajectory(policy, None, runner_type='EpochBasedRunner', max_epochs=2,
                             max_iters=None, epoch_len=5, base_lrs=[1.0], base_momentums=None)
    assert [row[0] for row in traj.lr[:4]] == [0.0625, 0.25, 0.5625, 1.0]


def test_yolox_without_an_epoch_length_names_the_key():
    policy = parse_lr_config(dict(policy='YOLOX', by_epoch=False, num_last_epochs=1,
                                  min_lr_ratio=0.5), source='cfg.py')
    from compat.schedules.regular import regular_function
    with pytest.raises(ConfigError) as info:
        regular_function(policy, max_epochs=2, max_iters=10, num_groups=1)
    assert info.value.key == 'lr_config.num_last_epochs'


@pytest.mark.parametrize('phase, key', [
    (dict(type='cos', start_lr_factor=1.0, end_lr_factor=0.1, end_epoch=3),
     'lr_config.lr_configs[0].type'),
    (dict(type='log', start_lr_factor=0.0, end_lr_factor=0.1, end_epoch=3),
     'lr_config.lr_configs[0].start_lr_factor'),
    (dict(type='step', start_lr_factor=1.0, end_lr_factor=0.1, end_epoch=0),
     'lr_config.lr_configs[0].end_epoch'),
    (dict(type='step', start_lr_factor=1.0, end_lr_factor=0.1), 'lr_config.lr_configs[0]'),
])
def test_siamese_rpn_phase_checks(phase, key):
    with pytest.raises(ConfigError) as info:
        parse_lr_config(dict(policy='SiameseRPN', lr_configs=[phase]))
    assert info.value.key == key
