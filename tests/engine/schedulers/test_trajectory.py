"""``scheduler_trajectory`` replays every MMEngine 0.10.7 golden set-up (no torch, a dummy
optimizer) to 1e-12, and handles the train_cfg forms and optimizers without momentum."""
from __future__ import annotations

import json
import pathlib

import pytest

from engine.schedulers import scheduler_trajectory
from engine.schedulers.trajectory import DummyOptimizer, loop_of, momentum_key

ROOT = pathlib.Path(__file__).resolve().parents[3]
GOLDEN = json.loads((ROOT / 'fixtures' / 'goldens' / 'schedulers.json').read_text())
# Plateau set-ups need validation metrics: not part of a schedule replay.
CASES = [c for c in GOLDEN['cases'] if not c.get('metrics')]


def worst(expected, rows):
    """Max relative error of per-group golden lists against per-iteration rows."""
    out = 0.0
    for g, series in enumerate(expected):
        assert len(series) == len(rows)
        for e, row in zip(series, rows):
            a = row[g]
            out = max(out, abs(a - e) / abs(e) if e else abs(a))
    return out


def test_golden_file_is_mmengine_0_10_7_with_enough_cases():
    assert GOLDEN['mmengine'] == '0.10.7' and len(CASES) >= 30


@pytest.mark.parametrize('case', CASES, ids=[c['name'] for c in CASES])
def test_replays_mmengine_golden(case):
    train_cfg = (dict(type='EpochBasedTrainLoop', max_epochs=case['max_epochs'])
                 if case['loop'] == 'epoch'
                 else dict(type='IterBasedTrainLoop', max_iters=case['max_iters']))
    out = scheduler_trajectory(case['param_scheduler'], train_cfg=train_cfg,
                               epoch_len=case['epoch_length'], optimizer=case['optimizer'])
    assert worst(case['lr'], out['lr']) <= 1e-12
    assert worst(case['momentum'], out['momentum']) <= 1e-12
    assert out['iter'] == list(range(len(out['lr'])))


def test_by_epoch_train_cfg_form_equals_type_form():
    cfg = [dict(type='LinearLR', start_factor=0.1, end=4, by_epoch=False),
           dict(type='StepLR', step_size=1, gamma=0.5)]
    opt = dict(type='SGD', lr=0.1, momentum=0.9)
    a = scheduler_trajectory(cfg, train_cfg=dict(by_epoch=True, max_epochs=3), epoch_len=2,
                             optimizer=opt)
    b = scheduler_trajectory(cfg, train_cfg=dict(type='EpochBasedTrainLoop', max_epochs=3),
                             epoch_len=2, optimizer=opt)
    assert a == b
    assert a['epoch'] == [0, 0, 1, 1, 2, 2]
    c = scheduler_trajectory(cfg[:1], train_cfg=dict(by_epoch=False, max_iters=5), epoch_len=2,
                             optimizer=opt)
    assert c['epoch'] == [0, 0, 1, 1, 2]          # data passes, as MMCV numbers them
    assert [round(r[0], 12) for r in c['lr']] == [0.01, 0.04, 0.07, 0.1, 0.1]


def test_iteration_loop_leaves_by_epoch_schedulers_at_their_first_value():
    out = scheduler_trajectory([dict(type='StepLR', step_size=1, gamma=0.5)],
                               train_cfg=dict(type='IterBasedTrainLoop', max_iters=4),
                               epoch_len=1, optimizer=dict(type='SGD', lr=0.1))
    assert out['lr'] == [[0.1]] * 4


def test_no_scheduler_and_no_momentum():
    out = scheduler_trajectory(None, train_cfg=dict(by_epoch=True, max_epochs=2), epoch_len=2,
                               optimizer=dict(type='Adagrad', lr=0.05))
    assert out['lr'] == [[0.05]] * 4 and out['momentum'] is None


def test_betas_are_scheduled_and_read_as_momentum():
    out = scheduler_trajectory([dict(type='MultiStepMomentum', milestones=[1], gamma=0.5)],
                               train_cfg=dict(by_epoch=True, max_epochs=2), epoch_len=1,
                               optimizer=dict(type='AdamW', lr=1e-3, betas=(0.8, 0.99)),
                               num_groups=2)
    assert out['momentum'] == [[0.8, 0.8], [0.4, 0.4]]


def test_several_groups_get_the_optimizer_wrapper_base_group():
    dummy = DummyOptimizer(dict(type='SGD', lr=0.1, momentum=0.9), num_groups=2)
    assert len(dummy.param_groups) == 3 and len(dummy.groups) == 2
    out = scheduler_trajectory([dict(type='OneCycleLR', eta_max=[0.4, 0.2, 0.4],
                                     total_steps=4, by_epoch=False)],
                               train_cfg=dict(type='IterBasedTrainLoop', max_iters=4),
                               epoch_len=4, optimizer=dict(type='SGD', lr=0.1), num_groups=2)
    assert out['lr'][0] == pytest.approx([0.4 / 25, 0.2 / 25], rel=1e-12)


def test_momentum_key_and_loop_of():
    assert momentum_key(dict(type='RMSprop')) == 'momentum'
    assert momentum_key(dict(type='MyOpt', betas=(0.9, 0.99))) == 'betas'
    assert momentum_key(dict(type='Adadelta')) is None
    assert loop_of(dict(type='IterBasedTrainLoop', max_iters=7)) == (False, None, 7)
    assert loop_of(dict(max_epochs=3)) == (True, 3, None)
