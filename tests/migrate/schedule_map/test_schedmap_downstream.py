"""Downstream LR policies (MMCls CosineAnnealingCooldown, MMSelfSup StepFixCosineAnnealing,
MMDet YOLOX, MMTracking SiameseRPN) mapped to ``param_scheduler`` and replayed on the engine,
against the lr recorded from the downstream hooks rebuilt on the real MMCV 1.7.2
(fixtures/goldens/downstream_policies.json, scripts/oracle/record_downstream_policy_goldens.py).

``--target engine`` must equal the goldens to 1e-12 (with and without the epoch length where
the form does not need it); ``--target mmengine`` must too, unless the mapping reports an
approximation whose measured deviation is of the real one's order.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from compat.schedules import parse_lr_config
from engine.schedulers import scheduler_trajectory
from migrate.schedule_map import map_schedules
from migrate.schedule_map.types import Unmappable

GOLDENS = json.loads((Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' /
                      'downstream_policies.json').read_text())['setups']
REL_TOL = 1e-12


def _mapped(case, target, epoch_len):
    cfg = ast.literal_eval(case['config'])
    runner = cfg['runner']
    policy = parse_lr_config(cfg['lr_config'], runner_type=runner['type'])
    mapping = map_schedules(policy, None, runner_type=runner['type'],
                            max_epochs=runner.get('max_epochs'),
                            max_iters=runner.get('max_iters'), target=target,
                            epoch_len=epoch_len, base_lr=cfg['optimizer']['lr'],
                            base_momentum=None, optimizer_type=cfg['optimizer']['type'],
                            measure_exact=True)
    loop = (dict(type='EpochBasedTrainLoop', max_epochs=runner['max_epochs'])
            if runner['type'] == 'EpochBasedRunner'
            else dict(type='IterBasedTrainLoop', max_iters=runner['max_iters']))
    optimizer = dict(type='SGD', lr=0.1, groups=[dict(lr=lr) for lr in case['base_lrs']])
    replay = scheduler_trajectory(mapping.schedulers, train_cfg=loop,
                                  epoch_len=case['epoch_len'], optimizer=optimizer)
    return mapping, replay['lr']


def _deviation(ours, golden):
    assert len(ours) == len(golden)
    return max((abs(a - b) / abs(b) if b else abs(a)) for row_a, row_b in zip(ours, golden)
               for a, b in zip(row_a, row_b))


@pytest.mark.parametrize('known_len', [True, False], ids=['epoch_len', 'no_epoch_len'])
@pytest.mark.parametrize('name', sorted(GOLDENS))
def test_engine_target_is_exact(name, known_len):
    case = GOLDENS[name]
    try:
        mapping, lr = _mapped(case, 'engine', case['epoch_len'] if known_len else None)
    except Unmappable:
        assert not known_len, 'with the epoch length every set-up has an exact form'
        return
    assert mapping.exact, mapping.approximations
    assert _deviation(lr, case['lr']) <= REL_TOL


@pytest.mark.parametrize('name', sorted(GOLDENS))
def test_mmengine_target_is_exact_or_reports_its_deviation(name):
    case = GOLDENS[name]
    try:
        mapping, lr = _mapped(case, 'mmengine', case['epoch_len'])
    except Unmappable as why:
        assert 'by hand' in str(why) or 'engine' in str(why)
        return
    deviation = _deviation(lr, case['lr'])
    if mapping.exact:
        assert deviation <= REL_TOL
    else:
        # flagged, with a measured deviation of the same order as the real one (measured on
        # the mapping's own optimizer, one group at the config's lr)
        measured = max(a.deviation for a in mapping.approximations)
        assert measured > REL_TOL and deviation > REL_TOL
        assert measured / 10 <= deviation <= measured * 10
        assert all(a.rule == 'MIG100' for a in mapping.approximations)


def test_mmengine_forms_use_mmengine_types_only():
    from migrate.schedule_map.validate import check_mmengine_list
    for case in GOLDENS.values():
        try:
            mapping, _ = _mapped(case, 'mmengine', case['epoch_len'])
        except Unmappable:
            continue
        check_mmengine_list(mapping.schedulers)
