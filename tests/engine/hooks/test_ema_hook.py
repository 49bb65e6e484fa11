"""EMAHook behaviour with a fake runner (numeric agreement with MMEngine 0.10.7:
the golden tests at the end of this file)."""
from __future__ import annotations

import json
import logging
import os
import sys

import pytest
import torch
import torch.nn as nn

from engine.errors import BuildError, CheckpointError
from engine.hooks.ema_hook import EMAHook
from engine.hooks.hook import check_hook_signatures
from engine.model.averaged_model import ExponentialMovingAverage, StochasticWeightAverage
from engine.registry import HOOKS


def bn_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))


def fill(model, value):
    with torch.no_grad():
        for t in model.state_dict().values():
            if t.dtype.is_floating_point:
                t.fill_(value)


def first_weight(module):
    return float(module[0].weight[0, 0].detach())


def test_registered_with_normal_priority():
    assert HOOKS.get('EMAHook') is EMAHook
    assert EMAHook.priority == 'NORMAL'
    check_hook_signatures(EMAHook())


@pytest.mark.parametrize('kwargs', [dict(begin_iter=1, begin_epoch=1), dict(begin_iter=-1),
                                    dict(begin_epoch=-1)])
def test_begin_arguments_are_checked(kwargs):
    with pytest.raises(AssertionError):
        EMAHook(**kwargs)


def test_before_train_checks_begin_against_max(make_runner):
    runner = make_runner(bn_model(), max_iters=5, max_epochs=2)
    EMAHook(begin_iter=5).before_train(runner)
    EMAHook(begin_epoch=2).before_train(runner)
    with pytest.raises(AssertionError, match='max_iters'):
        EMAHook(begin_iter=6).before_train(runner)
    with pytest.raises(AssertionError, match='max_epochs'):
        EMAHook(begin_epoch=3).before_train(runner)


def test_before_run_builds_from_unwrapped_model(make_runner):
    model = bn_model()
    hook = EMAHook(momentum=0.5, interval=2)
    hook.before_run(make_runner(nn.DataParallel(model)))
    assert hook.src_model is model
    assert isinstance(hook.ema_model, ExponentialMovingAverage)
    assert hook.ema_model.momentum == 0.5 and hook.ema_model.interval == 2
    hook = EMAHook(ema_type='StochasticWeightAverage')
    hook.before_run(make_runner(model))
    assert isinstance(hook.ema_model, StochasticWeightAverage)


def test_unknown_ema_argument_is_a_build_error(make_runner):
    with pytest.raises(BuildError):
        EMAHook(momentun=0.1).before_run(make_runner(bn_model()))


def test_after_train_iter_copies_before_begin_then_averages(make_runner):
    model = bn_model()
    runner = make_runner(model, max_iters=10)
    hook = EMAHook(momentum=0.5, begin_iter=2)
    hook.before_run(runner)
    fill(model, 4.0)
    runner.iter = 0     # iter + 1 < begin_iter: plain copy, steps untouched
    hook.after_train_iter(runner, batch_idx=0, data_batch=None, outputs={})
    assert first_weight(hook.ema_model.module) == 4.0 and int(hook.ema_model.steps) == 0
    runner.iter = 1     # started: first update copies
    hook.after_train_iter(runner, batch_idx=1, data_batch=None, outputs={})
    fill(model, 8.0)
    runner.iter = 2
    hook.after_train_iter(runner, batch_idx=2, data_batch=None, outputs={})
    assert first_weight(hook.ema_model.module) == 6.0 and int(hook.ema_model.steps) == 2


def test_begin_epoch(make_runner):
    model = bn_model()
    runner = make_runner(model)
    hook = EMAHook(begin_epoch=2)
    hook.before_run(runner)
    runner.epoch = 0
    assert not hook._ema_started(runner)
    runner.epoch, runner.iter = 1, 0
    assert hook._ema_started(runner)


@pytest.mark.parametrize('mode', ['val', 'test'])
@pytest.mark.parametrize('update_buffers', [False, True])
def test_val_test_run_with_averaged_weights(make_runner, mode, update_buffers):
    model = bn_model()
    runner = make_runner(model)
    hook = EMAHook(momentum=0.5, update_buffers=update_buffers)
    hook.before_run(runner)
    fill(model, 2.0)
    hook.after_train_iter(runner, batch_idx=0)
    fill(model, 4.0)
    hook.after_train_iter(runner, batch_idx=1)
    getattr(hook, f'before_{mode}_epoch')(runner)
    assert first_weight(model) == 3.0 and first_weight(hook.ema_model.module) == 4.0
    assert float(model[1].running_mean[0]) == (3.0 if update_buffers else 4.0)
    getattr(hook, f'after_{mode}_epoch')(runner, metrics={})
    assert first_weight(model) == 4.0 and first_weight(hook.ema_model.module) == 3.0


def test_checkpoint_holds_ema_weights_and_resume_restores(make_runner):
    model = bn_model()
    runner = make_runner(model)
    hook = EMAHook(momentum=0.5)
    hook.before_run(runner)
    fill(model, 2.0)
    hook.after_train_iter(runner, batch_idx=0)
    fill(model, 4.0)
    hook.after_train_iter(runner, batch_idx=1)
    ckpt = {'meta': {}, 'state_dict': model.state_dict()}
    hook.before_save_checkpoint(runner, ckpt)
    assert float(ckpt['state_dict']['0.weight'][0, 0]) == 3.0
    assert float(ckpt['ema_state_dict']['module.0.weight'][0, 0]) == 4.0
    assert int(ckpt['ema_state_dict']['steps']) == 2
    assert first_weight(model) == 4.0       # the live model is untouched
    # resume: the hook swaps back, so the runner then loads the raw weights
    new = bn_model()
    runner2 = make_runner(new, resume=True)
    hook2 = EMAHook(momentum=0.5)
    hook2.before_run(runner2)
    hook2.after_load_checkpoint(runner2, ckpt)
    assert float(ckpt['state_dict']['0.weight'][0, 0]) == 4.0
    assert first_weight(hook2.ema_model.module) == 3.0 and int(hook2.ema_model.steps) == 2


def test_load_without_resume_copies_state_dict(make_runner):
    model = bn_model()
    runner = make_runner(model, resume=False)
    hook = EMAHook()
    hook.before_run(runner)
    src = bn_model()
    fill(src, 7.0)
    ckpt = {'state_dict': src.state_dict(), 'ema_state_dict': {'steps': torch.tensor(3)}}
    hook.after_load_checkpoint(runner, ckpt)
    assert first_weight(hook.ema_model.module) == 7.0
    assert int(hook.ema_model.steps) == 0
    src[0].weight.data.fill_(1.0)           # a deep copy was loaded
    assert first_weight(hook.ema_model.module) == 7.0


def test_resume_without_ema_state_dict_warns(make_runner, caplog):
    runner = make_runner(bn_model(), resume=True)
    hook = EMAHook()
    hook.before_run(runner)
    src = bn_model()
    fill(src, 5.0)
    with caplog.at_level(logging.WARNING, logger=runner.logger.name):
        hook.after_load_checkpoint(runner, {'state_dict': src.state_dict()})
    assert 'no `ema_state_dict`' in caplog.text
    assert first_weight(hook.ema_model.module) == 5.0


def test_mismatched_checkpoint_warns_or_raises(make_runner, caplog):
    runner = make_runner(bn_model())
    state = bn_model().state_dict()
    state['0.weight'] = torch.zeros(5, 5)
    state['extra'] = torch.zeros(1)
    del state['1.num_batches_tracked'], state['1.bias']
    hook = EMAHook()
    hook.before_run(runner)
    with caplog.at_level(logging.WARNING, logger=runner.logger.name):
        hook.after_load_checkpoint(runner, {'state_dict': dict(state)})
    assert 'size mismatch for 0.weight' in caplog.text
    assert 'unexpected key in source state_dict: extra' in caplog.text
    assert 'missing keys in source state_dict: 1.bias\n' in caplog.text + '\n'
    assert 'num_batches_tracked' not in caplog.text
    strict = EMAHook(strict_load=True)
    strict.before_run(runner)
    with pytest.raises(CheckpointError) as err:
        strict.after_load_checkpoint(runner, {'state_dict': dict(state)})
    assert isinstance(err.value, RuntimeError)

# === Against MMEngine 0.10.7 ===============================================================
# Goldens: fixtures/goldens/ema.json, from ``scripts/oracle/record_ema_goldens.py``, whose model and
# steps (scripts/oracle/ema_models.py) are imported here.
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDENS = json.load(open(os.path.join(ROOT, 'fixtures', 'goldens', 'ema.json')))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from ema_models import assert_state_matches, make_model, perturb  # noqa: E402


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
