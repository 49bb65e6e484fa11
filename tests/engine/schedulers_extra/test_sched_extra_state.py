"""Engine-only schedulers save and load their state like the others: a run interrupted,
checkpointed (torch.save) and resumed in MMEngine's order gives the same values."""
from __future__ import annotations

import io
import pickle

import pytest
import torch

from engine.hooks.param_scheduler_hook import ParamSchedulerHook
from engine.optim.optim_wrapper import OptimWrapper
from engine.optim.scheduler import WarmupLR, build_param_schedulers

EPOCH_LEN, EPOCHS = 3, 6

SETUPS = {
    'exp_warmup_clipped_step': [
        dict(type='WarmupLR', warmup='exp', warmup_ratio=0.01, warmup_iters=5, by_epoch=False),
        dict(type='ClippedStepLR', milestones=[2, 4], gamma=0.1, eta_min=0.004)],
    'by_epoch_warmup_relative_cosine': [
        dict(type='WarmupLR', warmup='linear', warmup_ratio=0.1, warmup_iters=1, end=2,
             convert_to_iter_based=True),
        dict(type='RelativeCosineAnnealingLR', eta_min=0.001, T_max=6)],
    'inv_and_cyclic_momentum': [
        dict(type='InvLR', gamma=0.2, power=0.5, by_epoch=False),
        dict(type='CyclicMomentum', cyclic_times=2, total_steps=18, by_epoch=False)],
    'cyclic_lr_and_one_cycle_momentum': [
        dict(type='CyclicLR', target_ratio=(5, 1e-3), cyclic_times=3, total_steps=18,
             anneal_strategy='linear', gamma=0.8, by_epoch=False),
        dict(type='OneCycleMomentum', total_steps=18, three_phase=True, by_epoch=False),
        dict(type='WarmupMomentum', warmup='linear', warmup_ratio=0.9, warmup_iters=4,
             by_epoch=False)],
    'relative_family': [
        dict(type='RelativeOneCycleLR', eta_max=0.3, total_steps=18, by_epoch=False),
        dict(type='RelativeLinearAnnealingMomentum', eta_min=0.5, T_max=6)],
    'relative_restart_flat_poly': [
        dict(type='RelativeCosineRestartLR', periods=[2, 4], restart_weights=[1, 0.5],
             eta_min=0.01),
        dict(type='RelativeFlatCosineAnnealingLR', start_percent=0.5, T_max=6),
        dict(type='RelativePolyLR', power=2.0, eta_min=0.001, T_max=18, by_epoch=False)],
}


def _start(cfg):
    params = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))]
    optimizer = torch.optim.SGD([dict(params=[params[0]]), dict(params=[params[1]], lr=0.05)],
                                lr=0.1, momentum=0.9)
    wrapper = OptimWrapper(optimizer=optimizer)
    schedulers = build_param_schedulers(cfg, wrapper, epoch_length=EPOCH_LEN,
                                        max_epochs=EPOCHS)
    return optimizer, schedulers


class _Runner:
    def __init__(self, schedulers):
        self.param_schedulers = schedulers


def _run(optimizer, schedulers, epochs, out):
    hook, runner = ParamSchedulerHook(), _Runner(schedulers)
    for _ in epochs:
        for i in range(EPOCH_LEN):
            out.append([(g['lr'], g['momentum']) for g in optimizer.param_groups])
            hook.after_train_iter(runner, batch_idx=i)
        hook.after_train_epoch(runner)


@pytest.mark.parametrize('stop', [1, 2, 4])
@pytest.mark.parametrize('name', list(SETUPS))
def test_resume_mid_run_gives_identical_values(name, stop):
    cfg = SETUPS[name]
    optimizer, schedulers = _start(cfg)
    reference = []
    _run(optimizer, schedulers, range(EPOCHS), reference)

    optimizer, schedulers = _start(cfg)
    resumed = []
    _run(optimizer, schedulers, range(stop), resumed)
    buffer = io.BytesIO()
    torch.save({'optimizer': optimizer.state_dict(),
                'param_schedulers': [s.state_dict() for s in schedulers]}, buffer)
    buffer.seek(0)
    checkpoint = torch.load(buffer, weights_only=False)

    optimizer, schedulers = _start(cfg)
    optimizer.load_state_dict(checkpoint['optimizer'])
    for scheduler, state in zip(schedulers, checkpoint['param_schedulers']):
        scheduler.load_state_dict(state)
    _run(optimizer, schedulers, range(stop, EPOCHS), resumed)
    assert resumed == reference


def test_state_holds_the_arguments_and_no_optimizer():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    s = WarmupLR(optimizer, warmup='exp', warmup_ratio=0.1, warmup_iters=4, by_epoch=False)
    state = s.state_dict()
    assert 'optimizer' not in state
    assert {'warmup': 'exp', 'warmup_ratio': 0.1, 'warmup_iters': 4,
            'divide': False}.items() <= state.items()
    pickle.dumps(state)
    other = WarmupLR(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1),
                     warmup='linear', warmup_ratio=0.5, warmup_iters=9, by_epoch=False)
    other.load_state_dict(state)
    assert (other.warmup, other.warmup_ratio, other.warmup_iters) == ('exp', 0.1, 4)
