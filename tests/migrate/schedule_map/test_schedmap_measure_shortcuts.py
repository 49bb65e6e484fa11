"""The deviation measurement's shortcuts give the numbers a full replay at the real lr gives:
stopping once only exact forms act, measuring lr-free schedules at lr 1, and the vectorized
maximum."""
from __future__ import annotations

import pytest

import migrate.schedule_map.mapper as mapper
from compat.schedules import legacy_trajectory, parse_lr_config, parse_momentum_config
from engine.schedulers.trajectory import scheduler_trajectory
from migrate.schedule_map import map_schedules
from migrate.schedule_map.measure import max_rel_dev, rel_dev
from migrate.schedule_map.memo import Memo
from migrate.schedule_map.types import ROUNDING

EBR, IBR = 'EpochBasedRunner', 'IterBasedRunner'

CASES = [
    # (lr_config, momentum_config, runner, length, epoch_len, base_lr)
    (dict(policy='CosineAnnealing', by_epoch=False, min_lr=0.0, warmup='linear',
          warmup_iters=40, warmup_by_epoch=True, warmup_ratio=1e-4), None, EBR, 400, None, 0.6),
    (dict(policy='CosineAnnealing', by_epoch=False, min_lr_ratio=0.01, warmup='linear',
          warmup_iters=40, warmup_by_epoch=True, warmup_ratio=1e-4), None, EBR, 400, None, 0.6),
    (dict(policy='CosineAnnealing', by_epoch=False, min_lr=1e-5, warmup='linear',
          warmup_iters=20, warmup_by_epoch=True, warmup_ratio=1e-3), None, EBR, 300, None, 1e-3),
    (dict(policy='step', step=[30, 60], warmup='linear', warmup_iters=5,
          warmup_by_epoch=True), None, EBR, 70, None, 0.03),
    (dict(policy='poly', power=0.9, min_lr=1e-4, by_epoch=False, warmup='linear',
          warmup_iters=1000, warmup_ratio=1e-6), None, IBR, 20000, None, 0.01),
    (None, dict(policy='cyclic', target_ratio=(0.85 / 0.95, 1), cyclic_times=1,
                step_ratio_up=0.4), EBR, 80, None, 0.018),
    (dict(policy='inv', gamma=1e-4, power=0.75, by_epoch=False, warmup='linear',
          warmup_iters=200), None, EBR, 30, 100, 0.01),
]


def _map(lr_cfg, mom_cfg, runner, length, epoch_len, base_lr):
    lr = parse_lr_config(lr_cfg, runner_type=runner) if lr_cfg else None
    mom = parse_momentum_config(mom_cfg, runner_type=runner) if mom_cfg else None
    return map_schedules(lr, mom, runner_type=runner,
                         max_epochs=length if runner == EBR else None,
                         max_iters=length if runner == IBR else None, epoch_len=epoch_len,
                         base_lr=base_lr, base_momentum=0.9, optimizer_type='SGD')


def _deviations(mapping):
    return sorted((a.rule, a.kind, a.deviation) for a in mapping.approximations)


@pytest.fixture
def full_replay(monkeypatch):
    """The measurement without shortcuts: the whole run, at the config's own lr."""
    monkeypatch.setattr(mapper, 'MEASUREMENTS', Memo())
    monkeypatch.setattr(mapper, '_last_pending_iteration', lambda *a: None)
    monkeypatch.setattr(mapper, '_scale_free', lambda policy: False)


@pytest.mark.parametrize('case', CASES, ids=[str(i) for i in range(len(CASES))])
def test_shortcuts_report_what_a_full_replay_reports(case, monkeypatch, full_replay):
    expected = _deviations(_map(*case))
    monkeypatch.undo()
    monkeypatch.setattr(mapper, 'MEASUREMENTS', Memo())
    got = _deviations(_map(*case))
    assert [g[:2] for g in got] == [e[:2] for e in expected] and expected
    for (_, _, dev_got), (_, _, dev_expected) in zip(got, expected):
        if dev_expected <= ROUNDING:
            # rounding-level results are replayed in full at the real lr: the same number
            assert dev_got == dev_expected
        else:   # lr-free schedules are measured at lr 1: equal but for float rounding
            assert dev_got == pytest.approx(dev_expected, rel=1e-9)


def test_a_warmup_approximation_stops_after_the_warmup(monkeypatch):
    replayed = []
    real = scheduler_trajectory

    def counting(*args, **kwargs):
        out = real(*args, **kwargs)
        replayed.append(len(out['lr']))
        return out

    monkeypatch.setattr(mapper, 'MEASUREMENTS', Memo())
    monkeypatch.setattr('migrate.schedule_map.measure.scheduler_trajectory', counting)
    mapping = _map(*CASES[0])
    assert mapping.approximations
    assert replayed == [40 * 100 + 1]    # 40 warmup epochs of the assumed 100 iterations


def test_configs_differing_only_in_lr_share_one_measurement(monkeypatch):
    calls = []
    real = mapper._measure
    monkeypatch.setattr(mapper, 'MEASUREMENTS', Memo())
    monkeypatch.setattr(mapper, '_measure', lambda *a: calls.append(a[3].base_lr) or real(*a))
    first = _deviations(_map(*CASES[0][:5], 0.6))
    second = _deviations(_map(*CASES[0][:5], 0.15))
    assert calls == [1.0] and first == second


def test_an_absolute_min_lr_is_measured_with_the_real_lr(monkeypatch):
    calls = []
    real = mapper._measure
    monkeypatch.setattr(mapper, 'MEASUREMENTS', Memo())
    monkeypatch.setattr(mapper, '_measure', lambda *a: calls.append(a[3].base_lr) or real(*a))
    _map(*CASES[4])
    assert calls == [0.01]


def test_trajectories_can_stop_early_without_moving_the_schedule():
    lr = parse_lr_config(dict(policy='CosineAnnealing', min_lr=0.0, by_epoch=False,
                              warmup='linear', warmup_iters=7), runner_type=EBR)
    kwargs = dict(runner_type=EBR, max_epochs=6, max_iters=None, epoch_len=5, base_lrs=[0.1],
                  base_momentums=[0.9])
    assert legacy_trajectory(lr, None, **kwargs, first=13).lr == \
        legacy_trajectory(lr, None, **kwargs).lr[:13]
    schedulers = [dict(type='LinearLR', start_factor=0.1, end=7, by_epoch=False),
                  dict(type='CosineAnnealingLR', T_max=6, by_epoch=True,
                       convert_to_iter_based=True)]
    run = dict(train_cfg=dict(type='EpochBasedTrainLoop', max_epochs=6), epoch_len=5,
               optimizer=dict(type='SGD', lr=0.1, momentum=0.9))
    full = scheduler_trajectory(schedulers, **run)
    for first in (1, 5, 13, 30, 99):
        part = scheduler_trajectory(schedulers, **run, first=first)
        assert part['lr'] == full['lr'][:first] and part['epoch'] == full['epoch'][:first]


def test_vectorized_maximum_equals_the_scalar_one():
    expected = [[0.1, 0.0], [0.0, 0.0], [1e-300, 0.3], [0.25, 0.5]]
    actual = [[0.1000001, 0.0], [0.0, 1e-12], [0.0, 0.3], [0.25, 0.5]]
    scalar = max(rel_dev(e, a) for re, ra in zip(expected, actual) for e, a in zip(re, ra))
    assert max_rel_dev(expected, actual) == scalar == 1.0
    assert max_rel_dev(expected[:1], actual) == rel_dev(0.1, 0.1000001)
    assert max_rel_dev(None, actual) == 0.0 == max_rel_dev(expected, [])


def test_vectorized_maximum_reads_only_the_shared_columns():
    # a third group on one side only: compared on the first two, as the scalar loop would
    expected = [[0.1, 0.2, 9.0], [0.1, 0.2, 9.0]]
    actual = [[0.1, 0.2], [0.1, 0.21]]
    assert max_rel_dev(expected, actual) == rel_dev(0.2, 0.21)
    assert max_rel_dev(actual, expected) == rel_dev(0.21, 0.2)
    ragged = [[0.1, 0.2, 9.0], [0.1, 0.2]]
    assert max_rel_dev(ragged, actual) == rel_dev(0.2, 0.21)
