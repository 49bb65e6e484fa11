"""state_dict / load_state_dict: a run resumed mid-way gives the same values as one that was
never interrupted (resume order as in MMEngine: build schedulers, load the optimizer state,
then the scheduler states); MMEngine's schedulers first, then the engine-only ones."""
from __future__ import annotations

import io
import pickle

import pytest
import torch

from engine.hooks.param_scheduler_hook import ParamSchedulerHook
from engine.optim.optim_wrapper import OptimWrapper
from engine.schedulers import (CosineAnnealingLR, MultiStepLR, OneCycleLR, WarmupLR,
                               build_param_schedulers)

from ._replay import FakeRunner, FakeWrapper, build_optimizer, read

EPOCH_LENGTH, MAX_EPOCHS = 4, 8
LOSS = [1.0, 0.9, 0.95, 0.96, 0.97, 0.8, 0.85, 0.86]

SETUPS = {
    'warmup_cosine_momentum_sgd': (
        dict(type='SGD', lr=0.1, momentum=0.9, groups=[{'lr': 0.1}, {'lr': 0.02}]),
        [dict(type='LinearLR', start_factor=0.1, by_epoch=False, end=7),
         dict(type='CosineAnnealingLR', eta_min_ratio=0.05, T_max=8),
         dict(type='CosineAnnealingMomentum', eta_min=0.8, T_max=8)]),
    'adam_betas_multistep_converted': (
        dict(type='Adam', lr=1e-3, betas=[0.9, 0.999]),
        [dict(type='LinearMomentum', start_factor=1.0, end_factor=0.9, end=9),
         dict(type='MultiStepLR', milestones=[2, 5], convert_to_iter_based=True)]),
    'one_cycle_by_iter': (
        dict(type='SGD', lr=0.1, momentum=0.9),
        [dict(type='OneCycleLR', eta_max=0.4, total_steps=32, by_epoch=False)]),
    'plateau_and_restart': (
        dict(type='SGD', lr=0.1, momentum=0.9),
        [dict(type='CosineRestartLR', periods=[3, 5], restart_weights=[1, 0.5],
              eta_min=0.001),
         dict(type='ReduceOnPlateauMomentum', monitor='loss', patience=0, factor=0.5)]),
}


def _start(opt_spec, cfg):
    optimizer = build_optimizer(opt_spec)
    wrapper = FakeWrapper(optimizer)
    schedulers = build_param_schedulers(cfg, wrapper, epoch_length=EPOCH_LENGTH,
                                        max_epochs=MAX_EPOCHS)
    return optimizer, FakeRunner(schedulers)


def _run_epochs(optimizer, runner, epochs, out):
    hook = ParamSchedulerHook()
    for epoch in epochs:
        for i in range(EPOCH_LENGTH):
            out.append([(read(g, 'lr'), read(g, 'momentum')) for g in optimizer.param_groups])
            hook.after_train_iter(runner, batch_idx=i)
        hook.after_train_epoch(runner)
        hook.after_val_epoch(runner, metrics={'loss': LOSS[epoch]})


@pytest.mark.parametrize('stop', [1, 3, 6])
@pytest.mark.parametrize('name', list(SETUPS))
def test_resume_mid_run_gives_identical_values(name, stop):
    opt_spec, cfg = SETUPS[name]
    optimizer, runner = _start(opt_spec, cfg)
    reference = []
    _run_epochs(optimizer, runner, range(MAX_EPOCHS), reference)

    optimizer, runner = _start(opt_spec, cfg)
    resumed = []
    _run_epochs(optimizer, runner, range(stop), resumed)
    buffer = io.BytesIO()
    torch.save({'optimizer': optimizer.state_dict(),
                'param_schedulers': [s.state_dict() for s in runner.param_schedulers]}, buffer)
    buffer.seek(0)
    checkpoint = torch.load(buffer, weights_only=False)

    optimizer, runner = _start(opt_spec, cfg)     # fresh build steps once: must be undone
    optimizer.load_state_dict(checkpoint['optimizer'])
    for scheduler, state in zip(runner.param_schedulers, checkpoint['param_schedulers']):
        scheduler.load_state_dict(state)
    _run_epochs(optimizer, runner, range(stop, MAX_EPOCHS), resumed)
    assert resumed == reference


def test_state_dict_is_an_explicit_list_without_the_optimizer():
    opt = build_optimizer(dict(type='SGD', lr=0.1))
    s = MultiStepLR(opt, milestones=[1, 2], gamma=0.5, begin=1)
    state = s.state_dict()
    assert 'optimizer' not in state
    assert {'last_step', '_global_step', 'base_values', '_last_value', 'begin', 'end',
            'by_epoch', 'milestones', 'gamma'} <= set(state)
    state['base_values'].append(99)           # a copy, not the live list
    assert s.base_values == [0.1]
    pickle.dumps(state)


def test_load_ignores_unknown_keys_and_restores_arguments():
    opt = build_optimizer(dict(type='SGD', lr=0.1))
    s = CosineAnnealingLR(opt, T_max=10)
    s.load_state_dict({'T_max': 4, 'anneal_func': object(), 'last_step': 3})
    assert s.T_max == 4 and s.last_step == 3 and not hasattr(s, 'anneal_func')


def test_one_cycle_state_keeps_phases():
    opt = build_optimizer(dict(type='SGD', lr=0.1))
    s = OneCycleLR(opt, eta_max=0.5, total_steps=10, three_phase=True)
    state = s.state_dict()
    assert len(state['_schedule_phases']) == 3 and state['anneal_strategy'] == 'cos'


# === Engine-only schedulers (formerly schedulers_extra/test_sched_extra_state.py) ==============
# Engine-only schedulers save and load their state like the others: a run interrupted,
# checkpointed (torch.save) and resumed in MMEngine's order gives the same values.

ENGINE_ONLY_EPOCH_LEN, ENGINE_ONLY_EPOCHS = 3, 6

ENGINE_ONLY_SETUPS = {
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


def _start_engine_only(cfg):
    params = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))]
    optimizer = torch.optim.SGD([dict(params=[params[0]]), dict(params=[params[1]], lr=0.05)],
                                lr=0.1, momentum=0.9)
    wrapper = OptimWrapper(optimizer=optimizer)
    schedulers = build_param_schedulers(cfg, wrapper, epoch_length=ENGINE_ONLY_EPOCH_LEN,
                                        max_epochs=ENGINE_ONLY_EPOCHS)
    return optimizer, schedulers


class _EngineOnlyRunner:
    def __init__(self, schedulers):
        self.param_schedulers = schedulers


def _run_engine_only(optimizer, schedulers, epochs, out):
    hook, runner = ParamSchedulerHook(), _EngineOnlyRunner(schedulers)
    for _ in epochs:
        for i in range(ENGINE_ONLY_EPOCH_LEN):
            out.append([(g['lr'], g['momentum']) for g in optimizer.param_groups])
            hook.after_train_iter(runner, batch_idx=i)
        hook.after_train_epoch(runner)


@pytest.mark.parametrize('stop', [1, 2, 4])
@pytest.mark.parametrize('name', list(ENGINE_ONLY_SETUPS))
def test_engine_only_resume_mid_run_gives_identical_values(name, stop):
    cfg = ENGINE_ONLY_SETUPS[name]
    optimizer, schedulers = _start_engine_only(cfg)
    reference = []
    _run_engine_only(optimizer, schedulers, range(ENGINE_ONLY_EPOCHS), reference)

    optimizer, schedulers = _start_engine_only(cfg)
    resumed = []
    _run_engine_only(optimizer, schedulers, range(stop), resumed)
    buffer = io.BytesIO()
    torch.save({'optimizer': optimizer.state_dict(),
                'param_schedulers': [s.state_dict() for s in schedulers]}, buffer)
    buffer.seek(0)
    checkpoint = torch.load(buffer, weights_only=False)

    optimizer, schedulers = _start_engine_only(cfg)
    optimizer.load_state_dict(checkpoint['optimizer'])
    for scheduler, state in zip(schedulers, checkpoint['param_schedulers']):
        scheduler.load_state_dict(state)
    _run_engine_only(optimizer, schedulers, range(stop, ENGINE_ONLY_EPOCHS), resumed)
    assert resumed == reference


def test_engine_only_state_holds_the_arguments_and_no_optimizer():
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
