"""compat.schedules against per-iteration lr/momentum recorded from the real MMCV 1.7.2.

Goldens: fixtures/goldens/legacy_schedules.json, written by
scripts/oracle/record_legacy_schedule_goldens.py (real runner loop and hooks).
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from compat.schedules import legacy_trajectory, parse_lr_config, parse_momentum_config
from engine.errors import ConfigError

GOLDENS = json.loads((Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' /
                      'legacy_schedules.json').read_text())
SETUPS = GOLDENS['setups']
ERRORS = GOLDENS['errors']
REL_TOL = 1e-12


def _runner(cfg):
    runner = cfg.get('runner') or dict(type='EpochBasedRunner', max_epochs=cfg['total_epochs'])
    return runner['type'], runner.get('max_epochs'), runner.get('max_iters')


def _trajectory(cfg, epoch_len, base_lrs, base_momentums, optimizer_type, source):
    runner_type, max_epochs, max_iters = _runner(cfg)
    lr = parse_lr_config(cfg.get('lr_config'), runner_type=runner_type, source=source)
    mom = parse_momentum_config(cfg.get('momentum_config'), runner_type=runner_type,
                                source=source)
    return legacy_trajectory(lr, mom, runner_type=runner_type, max_epochs=max_epochs,
                             max_iters=max_iters, epoch_len=epoch_len, base_lrs=base_lrs,
                             base_momentums=base_momentums, optimizer_type=optimizer_type)


def _max_rel_error(ours, golden):
    worst = 0.0
    for row_ours, row_golden in zip(ours, golden):
        assert len(row_ours) == len(row_golden)
        for a, b in zip(row_ours, row_golden):
            worst = max(worst, abs(a - b) / max(abs(b), 1e-300) if a != b else 0.0)
    return worst


def test_enough_setups_cover_the_spec():
    assert len(SETUPS) >= 40
    lr_policies, mom_policies, warmups, runners = set(), set(), set(), set()
    for case in SETUPS.values():
        cfg = ast.literal_eval(case['config'])
        runner_type, _, _ = _runner(cfg)
        runners.add(runner_type)
        lr = parse_lr_config(cfg.get('lr_config'), runner_type=runner_type)
        mom = parse_momentum_config(cfg.get('momentum_config'), runner_type=runner_type)
        if lr:
            lr_policies.add((lr.policy, lr.by_epoch))
            if lr.warmup:
                warmups.add((lr.warmup, lr.warmup_by_epoch))
        if mom:
            mom_policies.add(mom.policy)
            if mom.warmup:
                warmups.add(('momentum', mom.warmup))
    assert {p for p, _ in lr_policies} == {
        'fixed', 'step', 'exp', 'poly', 'inv', 'CosineAnnealing', 'FlatCosineAnnealing',
        'CosineRestart', 'cyclic', 'OneCycle', 'LinearAnnealing'}
    assert mom_policies == {'step', 'CosineAnnealing', 'LinearAnnealing', 'cyclic', 'OneCycle'}
    for kind in ('constant', 'linear', 'exp'):
        assert (kind, False) in warmups and (kind, True) in warmups
        assert ('momentum', kind) in warmups
    assert runners == {'EpochBasedRunner', 'IterBasedRunner'}
    assert {b for _, b in lr_policies} == {True, False}


@pytest.mark.parametrize('name', sorted(SETUPS))
def test_matches_real_mmcv(name):
    case = SETUPS[name]
    cfg = ast.literal_eval(case['config'])
    traj = _trajectory(cfg, case['epoch_len'], case['base_lrs'], case['base_momentums'],
                       case['optimizer_type'], source=name)
    assert traj.iter == case['iter']
    assert traj.epoch == case['epoch']
    assert len(traj.lr) == len(case['lr'])
    assert _max_rel_error(traj.lr, case['lr']) <= REL_TOL
    if case['momentum'] is None:
        assert traj.momentum is None
    else:
        assert len(traj.momentum) == len(case['momentum'])
        assert _max_rel_error(traj.momentum, case['momentum']) <= REL_TOL


@pytest.mark.parametrize('name', sorted(ERRORS))
def test_fails_where_real_mmcv_fails(name):
    case = ERRORS[name]
    cfg = ast.literal_eval(case['config'])
    optimizer = cfg['optimizer']
    groups = 1
    base_momentums = ([optimizer['momentum']] if 'momentum' in optimizer else
                      [optimizer['betas'][0]] if 'betas' in optimizer else None)
    with pytest.raises(ConfigError) as info:
        _trajectory(cfg, case['epoch_len'], [optimizer['lr']] * groups, base_momentums,
                    optimizer['type'], source=f'{name}.py')
    assert info.value.key == case['key'], case['mmcv_error']
    assert info.value.file == f'{name}.py'
    assert info.value.fix
