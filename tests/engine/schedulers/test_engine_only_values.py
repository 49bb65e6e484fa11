"""Value tables of the engine-only schedulers (MMCV 1.x policies MMEngine cannot express),
alone and chained after a warmup, stepped through the real ParamSchedulerHook."""
from __future__ import annotations

import math

import pytest

from engine.schedulers import closed_form as cf
from engine.schedulers import scheduler_trajectory

SGD = dict(type='SGD', lr=0.1, momentum=0.9)


def lrs(cfg, *, iters=None, epochs=None, epoch_len=1, optimizer=SGD, key='lr', group=0):
    train_cfg = (dict(type='IterBasedTrainLoop', max_iters=iters) if iters is not None
                 else dict(type='EpochBasedTrainLoop', max_epochs=epochs))
    out = scheduler_trajectory(cfg, train_cfg=train_cfg, epoch_len=epoch_len,
                               optimizer=optimizer)
    return [row[group] for row in out[key]]


def close(actual, expected, tol=1e-12):
    assert len(actual) == len(expected)
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert abs(a - e) <= tol * max(abs(e), 1e-300), (i, a, e)


def test_exp_warmup_lr_table():
    got = lrs([dict(type='WarmupLR', warmup='exp', warmup_ratio=0.1, warmup_iters=4,
                    by_epoch=False)], iters=7)
    close(got, [0.01, 0.1 * 0.1 ** 0.75, 0.1 * 0.1 ** 0.5, 0.1 * 0.1 ** 0.25, 0.1, 0.1, 0.1])
    assert round(got[1], 8) == 0.01778279


@pytest.mark.parametrize('kind,expected', [
    ('constant', [0.01, 0.01, 0.01, 0.1, 0.1]),
    ('linear', [0.01, 0.04, 0.07, 0.1, 0.1]),
])
def test_constant_and_linear_warmup_lr(kind, expected):
    got = lrs([dict(type='WarmupLR', warmup=kind, warmup_ratio=0.1, end=4, by_epoch=False)],
              iters=5)   # warmup_iters defaults to end - begin - 1 = 3
    close(got, expected)


@pytest.mark.parametrize('kind,expected', [
    ('constant', [1.0, 1.0, 0.9]),
    ('linear', [1.0, 0.9 / 0.95, 0.9]),
    ('exp', [1.0, 0.9 / 0.9 ** 0.5, 0.9]),
])
def test_momentum_warmup_divides(kind, expected):
    got = lrs([dict(type='WarmupMomentum', warmup=kind, warmup_ratio=0.9, warmup_iters=2,
                    by_epoch=False)], iters=3, key='momentum')
    close(got, expected)


def test_momentum_warmup_on_adam_betas():
    adam = dict(type='Adam', lr=1e-3, betas=(0.9, 0.999))
    got = lrs([dict(type='WarmupMomentum', warmup='constant', warmup_ratio=0.9,
                    warmup_iters=2, by_epoch=False)], iters=3, optimizer=adam, key='momentum')
    close(got, [1.0, 1.0, 0.9])


def test_inv_lr_by_epoch_table():
    got = lrs([dict(type='InvLR', gamma=0.5, power=1.0)], epochs=4, epoch_len=2)
    close(got, [0.1, 0.1, 0.1 / 1.5, 0.1 / 1.5, 0.05, 0.05, 0.04, 0.04])


def test_inv_lr_converted_follows_the_epoch_curve_per_iteration():
    got = lrs([dict(type='InvLR', gamma=0.5, power=2.0, convert_to_iter_based=True)],
              epochs=2, epoch_len=4)
    close(got, [0.1 * (1 + 0.5 * i / 4) ** -2 for i in range(8)])


@pytest.mark.parametrize('step', [dict(milestones=[2, 3]), dict(step_size=2)])
def test_clipped_step_lr(step):
    got = lrs([dict(type='ClippedStepLR', gamma=0.1, eta_min=0.005, **step)], epochs=5)
    expected = ([0.1, 0.1, 0.01, 0.005, 0.005] if 'milestones' in step
                else [0.1, 0.1, 0.01, 0.01, 0.005])
    close(got, expected)


def test_clipped_step_momentum_gamma_half():
    got = lrs([dict(type='ClippedStepMomentum', milestones=[1, 2, 3], gamma=0.5,
                    eta_min=0.2)], epochs=4, key='momentum')
    close(got, [0.9, 0.45, 0.225, 0.2])


def test_cyclic_lr_two_cycles_cos():
    got = lrs([dict(type='CyclicLR', target_ratio=(10, 1e-4), cyclic_times=2,
                    step_ratio_up=0.4, total_steps=100, by_epoch=False)], iters=100)
    assert got[0] == pytest.approx(0.1, rel=1e-12)
    assert got[20] == pytest.approx(1.0, rel=1e-12)      # the peak: 10 x base
    assert got[50] == pytest.approx(0.1, rel=1e-12)      # second cycle starts at the base
    assert got[49] == pytest.approx(cf.annealing_cos(1.0, 1e-5, 29 / 30), rel=1e-12)
    assert max(got) == pytest.approx(1.0, rel=1e-12)


def test_cyclic_lr_linear_gamma_shrinks_second_peak():
    got = lrs([dict(type='CyclicLR', target_ratio=(10, 1e-4), cyclic_times=2,
                    step_ratio_up=0.5, anneal_strategy='linear', gamma=0.5, total_steps=20,
                    by_epoch=False)], iters=20)
    close(got[:6], [0.1, 0.28, 0.46, 0.64, 0.82, 1.0])
    assert got[15] == pytest.approx(0.1 * (1 - 0.5 + 10 * 0.5), rel=1e-12)   # 0.55


def test_cyclic_momentum_default_ratios():
    got = lrs([dict(type='CyclicMomentum', total_steps=10, by_epoch=False)], iters=10,
              key='momentum')
    assert got[0] == pytest.approx(0.9) and got[4] == pytest.approx(0.9 * 0.85 / 0.95)
    assert min(got) == pytest.approx(0.9 * 0.85 / 0.95, rel=1e-12)


def test_one_cycle_momentum_table():
    got = lrs([dict(type='OneCycleMomentum', total_steps=100, by_epoch=False)], iters=100,
              key='momentum')
    assert got[0] == pytest.approx(0.95, rel=1e-12)
    assert got[29] == pytest.approx(0.85, rel=1e-12)
    assert got[64] == pytest.approx(0.9, rel=1e-12)       # half way back up
    assert got[99] == pytest.approx(0.95, rel=1e-12)


def test_relative_one_cycle_lr_equals_mmengine_one_cycle_alone():
    cfg = dict(eta_max=0.5, total_steps=30, pct_start=0.3, by_epoch=False)
    mine = lrs([dict(type='RelativeOneCycleLR', **cfg)], iters=30)
    ref = lrs([dict(type='OneCycleLR', **cfg)], iters=30)
    close(mine, ref, tol=1e-13)


def test_relative_cosine_table_and_warmup_overlay():
    alone = lrs([dict(type='RelativeCosineAnnealingLR', eta_min=0.001, T_max=10,
                      by_epoch=False)], iters=10)
    close(alone, [cf.annealing_cos(0.1, 0.001, t / 10) for t in range(10)])
    assert round(alone[1], 4) == 0.0976 and round(alone[9], 4) == 0.0034
    warmed = lrs([dict(type='LinearLR', start_factor=0.1, end=3, by_epoch=False),
                  dict(type='RelativeCosineAnnealingLR', eta_min=0.001, T_max=10,
                       by_epoch=False)], iters=10)
    close(warmed, [cf.warmup_value(alone[t], 'linear', 0.1, t, 2) for t in range(10)])
    # MMEngine's own cosine with the same warmup is not the MMCV product:
    mmengine = lrs([dict(type='LinearLR', start_factor=0.1, end=3, by_epoch=False),
                    dict(type='CosineAnnealingLR', eta_min=0.001, T_max=10, by_epoch=False)],
                   iters=10)
    assert abs(mmengine[5] - warmed[5]) / warmed[5] > 1e-4


def test_relative_flat_cosine_poly_linear_restart_tables():
    flat = lrs([dict(type='RelativeFlatCosineAnnealingLR', start_percent=0.75, T_max=12,
                     eta_min_ratio=0.0)], epochs=12)
    close(flat, [cf.flat_cosine_value(0.1, 0.0, t, 12, 0.75) for t in range(12)])
    poly = lrs([dict(type='RelativePolyLR', power=0.9, eta_min=1e-4, T_max=8)], epochs=8)
    close(poly, [cf.poly_value(0.1, 1e-4, 0.9, t, 8) for t in range(8)])
    linear = lrs([dict(type='RelativeLinearAnnealingLR', eta_min=0.02, T_max=4)], epochs=4)
    close(linear, [0.1, 0.08, 0.06, 0.04])
    restart = lrs([dict(type='RelativeCosineRestartLR', periods=[5, 10],
                        restart_weights=[1, 0.7], eta_min=0.001)], epochs=15)
    assert restart[5] == pytest.approx(0.0703, rel=1e-12)   # MMCV peak min + w(base - min)
    close(restart, [cf.cosine_restart_peak_value(0.1, 0.001, t, [5, 10], [1, 0.7])
                    for t in range(15)])


def test_relative_momentum_variants():
    cos = lrs([dict(type='RelativeCosineAnnealingMomentum', eta_min=0.85, T_max=4)],
              epochs=4, key='momentum')
    close(cos, [cf.annealing_cos(0.9, 0.85, t / 4) for t in range(4)])
    lin = lrs([dict(type='RelativeLinearAnnealingMomentum', eta_min_ratio=0.5, T_max=4)],
              epochs=4, key='momentum')
    close(lin, [0.9, 0.7875, 0.675, 0.5625])


def test_factor_schedulers_stack_exactly():
    """Warmup x step x inv: the product of the three closed forms, at every iteration."""
    cfg = [dict(type='WarmupLR', warmup='exp', warmup_ratio=0.01, warmup_iters=5,
                by_epoch=False),
           dict(type='ClippedStepLR', milestones=[1], gamma=0.5, eta_min=0.06),
           dict(type='InvLR', gamma=0.1, by_epoch=False)]
    got = lrs(cfg, epochs=3, epoch_len=3)
    expected = []
    for i in range(9):
        regular = 0.1 if i < 3 else max(0.1 * 0.5, 0.06)      # epoch 0, then clipped
        value = regular * (1 + 0.1 * i) ** -1
        expected.append(cf.warmup_value(value, 'exp', 0.01, i, 5))
    close(got, expected)
    assert math.isclose(got[3], 0.06 / 1.3 * 0.01 ** (1 - 3 / 5), rel_tol=1e-12)
