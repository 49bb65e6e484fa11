"""Value tables per family: the value in force at each step, with the expectation in words.

Schedulers run here on a bare object with ``param_groups`` (no torch), stepped by hand: the
value at index k is the one in force after k steps (index 0: right after construction).
"""
from __future__ import annotations

import pytest

from engine.schedulers import (ConstantLR, CosineAnnealingLR, CosineRestartLR,
                               ExponentialLR, LinearLR, LinearMomentum, MultiStepLR,
                               OneCycleLR, PolyLR, ReduceOnPlateauLR, StepLR,
                               StepParamScheduler)


class Groups:
    """Anything with ``param_groups`` can be scheduled."""

    def __init__(self, *lrs, **extra):
        self.param_groups = [dict(lr=lr, **extra) for lr in lrs or (0.1,)]


def trajectory(scheduler, steps, key='lr', group=0):
    values = [scheduler.optimizer.param_groups[group][key]]
    for _ in range(steps - 1):
        scheduler.step()
        values.append(scheduler.optimizer.param_groups[group][key])
    return values


def test_constant_applies_until_end_minus_one():
    # lr = 0.05 if 3 <= epoch < 5 (end - 1 = 5), else 0.1
    s = ConstantLR(Groups(0.1), factor=0.5, begin=3, end=6)
    assert trajectory(s, 8) == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.1, 0.1, 0.1])


def test_constant_with_one_step_range_keeps_the_factor():
    # end == begin + 1: the factor is applied at `begin` and never removed (MMEngine quirk)
    s = ConstantLR(Groups(0.1), factor=0.5, begin=1, end=2)
    assert trajectory(s, 4) == pytest.approx([0.1, 0.05, 0.05, 0.05])


def test_linear_reaches_end_factor_at_end_minus_one():
    # factor 0.2 -> 1.0 over steps 0..4 (total_iters = end - begin - 1 = 4)
    s = LinearLR(Groups(0.1), start_factor=0.2, end=5)
    assert trajectory(s, 7) == pytest.approx([0.02, 0.04, 0.06, 0.08, 0.1, 0.1, 0.1])


def test_step_decays_every_step_size_from_begin():
    # lr = 0.1 before 2; 0.1 for 2 <= t < 4; 0.05 for 4 <= t < 6; 0.025 from 6
    s = StepLR(Groups(0.1), step_size=2, gamma=0.5, begin=2)
    assert trajectory(s, 8) == pytest.approx([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


def test_multistep_milestones_are_relative_to_begin():
    # milestones [1, 3] with begin=2 decay at global steps 3 and 5
    s = MultiStepLR(Groups(0.1), milestones=[1, 3], gamma=0.1, begin=2)
    assert trajectory(s, 7) == pytest.approx([0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001])


def test_exponential_stops_at_end():
    # lr = 0.1 * 0.5 ** (t - 1) for 1 <= t < 4, then held
    s = ExponentialLR(Groups(0.1), gamma=0.5, begin=1, end=4)
    assert trajectory(s, 6) == pytest.approx([0.1, 0.1, 0.05, 0.025, 0.025, 0.025])


def test_cosine_annealing_with_ratio_per_group():
    # eta_min = 0.1 * base; half way (t = 2 of T_max = 4) the value is (base + eta_min) / 2
    s = CosineAnnealingLR(Groups(1.0, 0.1), T_max=4, eta_min_ratio=0.1)
    assert trajectory(s, 5, group=0)[2] == pytest.approx(0.55)
    assert s.optimizer.param_groups[1]['lr'] == pytest.approx(0.01)   # t = 4: eta_min


def test_cosine_rises_past_t_max():
    s = CosineAnnealingLR(Groups(1.0), T_max=2, eta_min=0.0)
    assert trajectory(s, 5) == pytest.approx([1.0, 0.5, 0.0, 0.5, 1.0])


def test_poly_reaches_eta_min_at_end_minus_one():
    # (1 - t/4) ** 2 * (0.1 - 0.01) + 0.01
    s = PolyLR(Groups(0.1), eta_min=0.01, power=2.0, end=5)
    expected = [(1 - t / 4) ** 2 * 0.09 + 0.01 for t in range(5)]
    assert trajectory(s, 5) == pytest.approx(expected)


def test_cosine_restart_restarts_at_weighted_base_then_holds():
    # periods [2, 2], weights [1, 0.5]: 1.0, 0.5 | 0.5, 0.25 | held at 0.25
    s = CosineRestartLR(Groups(1.0), periods=[2, 2], restart_weights=[1, 0.5], eta_min=0.0)
    assert trajectory(s, 6) == pytest.approx([1.0, 0.5, 0.5, 0.25, 0.25, 0.25])


def test_one_cycle_two_phase_linear():
    # initial = 1.0 / 4 = 0.25 -> max 1.0 at step 1 (pct 0.5 of 4 steps - 1) -> min 0.125 at 3
    s = OneCycleLR(Groups(0.1), eta_max=1.0, total_steps=4, pct_start=0.5,
                   anneal_strategy='linear', div_factor=4.0, final_div_factor=2.0)
    assert trajectory(s, 4) == pytest.approx([0.25, 1.0, 0.5625, 0.125])
    assert s.optimizer.param_groups[0]['initial_lr'] == 0.25


def test_reduce_on_plateau_after_patience():
    s = ReduceOnPlateauLR(Groups(0.1), monitor='loss', patience=1, factor=0.5)
    lrs = []
    for loss in [1.0, 1.0, 1.0, 0.5, 0.6, 0.7]:
        s.step()                     # after_train_epoch: counts the epoch only
        s.step({'loss': loss})       # after_val_epoch
        lrs.append(s.optimizer.param_groups[0]['lr'])
    # two bad validations in a row (> patience=1) halve the lr; a better loss resets the count
    assert lrs == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.05, 0.025])


def test_momentum_on_adam_writes_betas():
    opt = Groups(0.1, betas=(0.9, 0.999))
    opt.defaults = {'lr': 0.1, 'betas': (0.9, 0.999)}
    s = LinearMomentum(opt, start_factor=0.5, end=3)
    assert opt.param_groups[0]['betas'] == (0.45, 0.999)
    s.step()
    s.step()
    assert opt.param_groups[0]['betas'][0] == pytest.approx(0.9)
    assert s.use_betas


def test_generic_scheduler_on_any_key():
    opt = Groups(0.1, weight_decay=1e-2)
    StepParamScheduler(opt, 'weight_decay', step_size=1, gamma=0.5).step()
    assert opt.param_groups[0]['weight_decay'] == pytest.approx(5e-3)
    assert opt.param_groups[0]['lr'] == 0.1


def test_chained_overlap_multiplies():
    # LinearLR warmup over [0, 3) times MultiStep decay at 2: (1/3 -> 1) * (1, 1, 0.1)
    opt = Groups(0.3)
    schedulers = [LinearLR(opt, start_factor=1 / 3, end=3), MultiStepLR(opt, milestones=[2])]
    values = [opt.param_groups[0]['lr']]
    for _ in range(3):
        for s in schedulers:
            s.step()
        values.append(opt.param_groups[0]['lr'])
    assert values == pytest.approx([0.1, 0.2, 0.03, 0.03])


def test_no_monkeypatching_of_optimizer_step():
    import torch
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    step = opt.step
    StepLR(opt, step_size=1)
    assert opt.step == step and not hasattr(opt, '_global_step')
