"""``scheduler_trajectory`` runs each scheduler's chainable rule on plain lists of floats; the
values must be bit for bit those of stepping the schedulers on the optimizer's param groups,
as ``ParamSchedulerHook`` does in training (overlaps, by-epoch and by-iteration mixes, several
groups with the defaults' pseudo group, Adam's betas, engine-only and absolute schedulers)."""
from __future__ import annotations

import copy

import pytest

from engine.schedulers import scheduler_trajectory
from engine.schedulers.builder import build_param_schedulers
from engine.schedulers.trajectory import DummyOptimizer, loop_of

SGD = dict(type='SGD', lr=0.1, momentum=0.9)
ADAM = dict(type='AdamW', lr=1e-3, betas=(0.95, 0.999))
GROUPS = dict(type='SGD', lr=0.1, momentum=0.9, groups=[dict(lr=0.2), dict(lr=0.05)])

CASES = {
    'warmup_over_cosine_with_min': (SGD, [
        dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=7),
        dict(type='CosineAnnealingLR', eta_min=1e-3, by_epoch=False, begin=0, end=40)], 40),
    'exp_warmup_constant_exponential_poly': (SGD, [
        dict(type='ConstantLR', factor=0.01, by_epoch=False, begin=0, end=6),
        dict(type='ExponentialLR', gamma=1.5, by_epoch=False, begin=0, end=6),
        dict(type='PolyLR', eta_min=1e-4, power=0.9, by_epoch=False, begin=0, end=41)], 40),
    'epoch_multistep_iter_warmup': (SGD, [
        dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=5),
        dict(type='MultiStepLR', milestones=[2, 3], gamma=0.1, by_epoch=True)], 5),
    'step_and_momentum_on_groups': (GROUPS, [
        dict(type='StepLR', step_size=2, gamma=0.5, by_epoch=True),
        dict(type='CosineAnnealingMomentum', eta_min=0.85, by_epoch=True, begin=1, end=4)], 5),
    'adam_betas_momentum': (ADAM, [
        dict(type='CosineRestartLR', periods=[10, 20], restart_weights=[1, 0.5],
             eta_min=1e-5, by_epoch=False, begin=0, end=30),
        dict(type='LinearMomentum', start_factor=0.9, by_epoch=False, begin=0, end=12)], 30),
    'engine_only_cyclic': (SGD, [
        dict(type='CyclicLR', target_ratio=(10, 1e-4), cyclic_times=2, step_ratio_up=0.4,
             by_epoch=False, begin=0, end=24),
        dict(type='CyclicMomentum', cyclic_times=2, by_epoch=False, begin=0, end=24)], 24),
    'one_cycle_absolute': (SGD, [
        dict(type='OneCycleLR', eta_max=1.0, total_steps=30, by_epoch=False)], 30),
    'convert_to_iter_based': (SGD, [
        dict(type='CosineAnnealingLR', T_max=4, eta_min_ratio=0.01, by_epoch=True,
             convert_to_iter_based=True, begin=0, end=4)], 4),
    'plateau_never_acts_without_metrics': (SGD, [
        dict(type='ReduceOnPlateauLR', monitor='loss', by_epoch=True),
        dict(type='ExponentialLR', gamma=0.9, by_epoch=True)], 4),
}


def stepped(param_scheduler, optimizer, train_cfg, epoch_len):
    """The reference: the schedulers stepped on the param groups, the hook's way."""
    by_epoch, max_epochs, max_iters = loop_of(train_cfg)
    dummy = DummyOptimizer(optimizer)
    schedulers = build_param_schedulers(copy.deepcopy(param_scheduler), dummy,
                                        epoch_length=epoch_len,
                                        max_epochs=max_epochs if by_epoch else 1,
                                        max_iters=max_iters)
    total = max_epochs * epoch_len if by_epoch else max_iters
    lr, momentum = [], []
    for index in range(total):
        lr.append(dummy.lrs())
        momentum.append(dummy.momenta())
        for s in schedulers:
            if not s.by_epoch:
                s.step()
        if by_epoch and (index + 1) % epoch_len == 0:
            for s in schedulers:
                if s.by_epoch:
                    s.step()
    return lr, momentum


@pytest.mark.parametrize('name', sorted(CASES))
@pytest.mark.parametrize('epoch_len', [3, 7])
def test_replay_is_bit_identical_to_stepping(name, epoch_len):
    optimizer, param_scheduler, length = CASES[name]
    by_iter = not any(s.get('by_epoch', True) for s in param_scheduler)
    train_cfg = (dict(type='IterBasedTrainLoop', max_iters=length) if by_iter
                 else dict(type='EpochBasedTrainLoop', max_epochs=length))
    expected_lr, expected_momentum = stepped(param_scheduler, optimizer, train_cfg, epoch_len)
    out = scheduler_trajectory(param_scheduler, train_cfg=train_cfg, epoch_len=epoch_len,
                               optimizer=optimizer)
    assert out['lr'] == expected_lr
    assert out['momentum'] == expected_momentum
    assert len({tuple(row) for row in out['lr']}) > 1   # the case schedules something


def test_first_rows_equal_the_whole_run_prefix():
    optimizer, param_scheduler, length = CASES['warmup_over_cosine_with_min']
    cfg = dict(type='IterBasedTrainLoop', max_iters=length)
    whole = scheduler_trajectory(param_scheduler, train_cfg=cfg, epoch_len=5, optimizer=optimizer)
    head = scheduler_trajectory(param_scheduler, train_cfg=cfg, epoch_len=5, optimizer=optimizer,
                                first=9)
    assert head['lr'] == whole['lr'][:9] and head['iter'] == list(range(9))
