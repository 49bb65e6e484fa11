"""Averaged models and EMAHook against goldens recorded from MMEngine 0.10.7.

The goldens come from ``scripts/oracle/record_ema_goldens.py``; ``make_model`` and
``perturb`` below are copies of the ones there.
"""
from __future__ import annotations

import json
import os

import pytest
import torch
import torch.nn as nn

from engine.hooks.ema_hook import EMAHook
from engine.registry import MODELS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))))
GOLDENS = json.load(open(os.path.join(ROOT, 'fixtures', 'goldens', 'ema.json')))
ATOL = 1e-7


# --- copied from scripts/oracle/record_ema_goldens.py: keep identical -------------------------
def make_model() -> nn.Module:
    """Linear(4, 3) + BatchNorm1d(3) with every float tensor drawn from a seeded generator."""
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    g = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for _, t in sorted(model.state_dict().items()):
            if t.dtype.is_floating_point:
                t.copy_(torch.rand(t.shape, generator=g, dtype=torch.float64).to(t.dtype) + 0.5)
    return model


def perturb(model: nn.Module, step: int) -> None:
    """Simulate one training step: add a deterministic delta to every parameter and buffer."""
    g = torch.Generator().manual_seed(1000 + step)
    with torch.no_grad():
        for _, t in sorted(model.state_dict().items()):
            if t.dtype.is_floating_point:
                delta = torch.randn(t.shape, generator=g, dtype=torch.float64) * 0.1
                t.add_(delta.to(t.dtype))
            else:
                t.add_(1)
# ---------------------------------------------------------------------------------------------


def assert_state_matches(state: dict, golden: dict) -> None:
    assert list(sorted(state)) == sorted(golden)
    for k, v in golden.items():
        got = state[k].detach().cpu()
        want = torch.tensor(v, dtype=torch.float64)
        assert tuple(got.shape) == tuple(want.shape), k
        if got.dtype.is_floating_point:
            torch.testing.assert_close(got.double(), want, atol=ATOL, rtol=0, msg=k)
        else:
            assert got.tolist() == v, k


@pytest.mark.parametrize('name', sorted(GOLDENS['averagers']))
def test_averaged_model_matches_mmengine(name):
    spec = GOLDENS['averagers'][name]
    model = make_model()
    avg = MODELS.build(dict(type=spec['type'], model=model, **spec['kwargs']))
    for step in range(1, max(GOLDENS['record_at']) + 1):
        perturb(model, step)
        avg.update_parameters(model)
        if str(step) in spec['snapshots']:
            assert_state_matches(avg.state_dict(), spec['snapshots'][str(step)])


class GoldenRunner:
    """The attributes EMAHook reads, as in the recording script."""

    def __init__(self, model, max_iters=10, max_epochs=3, resume=False):
        self.model = model
        self.iter = 0
        self.epoch = 0
        self.max_iters = max_iters
        self.max_epochs = max_epochs
        self._resume = resume


def run_hook(hook_kwargs, n_iters, epoch_len=0):
    model = make_model()
    runner = GoldenRunner(model)
    hook = EMAHook(**hook_kwargs)
    hook.before_run(runner)
    hook.before_train(runner)
    for i in range(n_iters):
        runner.iter = i
        runner.epoch = i // epoch_len if epoch_len else 0
        perturb(model, i + 1)
        hook.after_train_iter(runner, batch_idx=i, data_batch=None, outputs={})
    return hook, runner, model


def test_hook_iteration_run_checkpoint_and_resume():
    gold = GOLDENS['hook']['iter_based']
    hook, runner, model = run_hook(dict(momentum=0.1), 6)
    assert_state_matches(hook.ema_model.state_dict(), gold['ema_after_train'])
    hook.before_val_epoch(runner)
    assert_state_matches(model.state_dict(), gold['model_during_val'])
    hook.after_val_epoch(runner, metrics={})
    assert_state_matches(model.state_dict(), gold['model_after_val'])
    ckpt = {'meta': {}, 'state_dict': model.state_dict()}
    hook.before_save_checkpoint(runner, ckpt)
    assert sorted(ckpt) == gold['checkpoint_keys']
    assert list(ckpt['ema_state_dict']) == gold['ema_state_dict_keys']
    assert_state_matches(ckpt['state_dict'], gold['saved_state_dict'])
    assert_state_matches(ckpt['ema_state_dict'], gold['saved_ema_state_dict'])
    hook2 = EMAHook(momentum=0.1)
    runner2 = GoldenRunner(make_model(), resume=True)
    hook2.before_run(runner2)
    hook2.after_load_checkpoint(runner2, ckpt)
    assert_state_matches(hook2.ema_model.state_dict(), gold['resumed_ema'])
    assert_state_matches(ckpt['state_dict'], gold['resumed_state_dict'])


def test_hook_begin_iter():
    hook, _, _ = run_hook(dict(momentum=0.1, begin_iter=3, update_buffers=True), 6)
    assert_state_matches(hook.ema_model.state_dict(), GOLDENS['hook']['begin_iter']['ema'])


def test_hook_begin_epoch():
    hook, _, _ = run_hook(dict(momentum=0.1, begin_epoch=2), 6, epoch_len=2)
    assert_state_matches(hook.ema_model.state_dict(), GOLDENS['hook']['begin_epoch']['ema'])


def test_hook_loads_plain_checkpoint_into_average():
    hook, runner, _ = run_hook(dict(ema_type='StochasticWeightAverage'), 3)
    plain = make_model()
    perturb(plain, 99)
    hook.after_load_checkpoint(runner, {'state_dict': plain.state_dict()})
    assert_state_matches(hook.ema_model.state_dict(), GOLDENS['hook']['load_plain']['ema'])


def test_mmengine_ema_state_dict_loads_into_ours():
    saved = GOLDENS['hook']['iter_based']['saved_ema_state_dict']
    state = {k: torch.tensor(v) for k, v in saved.items()}
    state = {k: (v.float() if v.is_floating_point() else v.long()) for k, v in state.items()}
    avg = MODELS.build(dict(type='ExponentialMovingAverage', model=make_model(), momentum=0.1))
    avg.load_state_dict(state, strict=True)
    assert_state_matches(avg.state_dict(), saved)
