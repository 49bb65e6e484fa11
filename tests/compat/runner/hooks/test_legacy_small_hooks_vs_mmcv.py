"""compat's ClosureHook, DistSamplerSeedHook, SyncBuffersHook and EmptyCacheHook act at the
stages MMCV 1.7.2's do (goldens: scripts/oracle/record_legacy_extra_hook_goldens.py)."""
import json
import os
import sys

import pytest
import torch

import compat.runner
import compat.runner.hooks
from compat.runner.hooks import ClosureHook, DistSamplerSeedHook, SyncBuffersHook
from compat.runner.hooks import sync_buffer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_extra_hook_scenarios import (closure, empty_cache, runtime_of,  # noqa: E402
                                         sampler_seed, sync_buffers)

RT = runtime_of(compat.runner, compat.runner.hooks)
with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_extra_hooks.json')) as f:
    GOLDEN = json.load(f)['small_hooks']


def test_closure_calls_equal_mmcv(tmp_path):
    assert closure(RT, str(tmp_path)) == GOLDEN['closure']


def test_closure_errors_name_the_argument():
    with pytest.raises(AssertionError, match="fn_name='after_everything'"):
        ClosureHook('after_everything', print)
    with pytest.raises(AssertionError, match='fn must be callable'):
        ClosureHook('after_train_iter', 3)


def test_sampler_seed_calls_equal_mmcv(tmp_path):
    assert sampler_seed(RT, str(tmp_path)) == GOLDEN['sampler_seed']


def test_sampler_seed_under_iter_runner_says_why(tmp_path):
    class Runner:
        pass
    with pytest.raises(AttributeError, match="IterLoader calls set_epoch itself"):
        DistSamplerSeedHook().before_epoch(Runner())


def test_empty_cache_stages_equal_mmcv(tmp_path):
    assert empty_cache(RT, str(tmp_path)) == GOLDEN['empty_cache']


def test_empty_cache_hook_runs_without_cuda():
    # torch.cuda.empty_cache is a no-op when CUDA was never initialised
    compat.runner.hooks.EmptyCacheHook(before_epoch=True, after_iter=True).after_iter(None)


def test_sync_buffers_in_one_process_equals_mmcv(tmp_path):
    assert sync_buffers(RT, str(tmp_path)) == GOLDEN['sync_buffers']


@pytest.mark.parametrize('distributed, expected_calls', [(True, 2), (False, 0)])
def test_sync_buffers_all_reduces_every_buffer_after_each_epoch(monkeypatch, distributed,
                                                                expected_calls):
    calls = []
    monkeypatch.setattr(sync_buffer, 'allreduce_params',
                        lambda params: calls.append(list(params)))
    model = torch.nn.BatchNorm1d(2)

    class Runner:
        pass
    runner = Runner()
    runner.model = model
    hook = SyncBuffersHook(distributed=distributed)
    hook.after_train_epoch(runner)
    hook.after_val_epoch(runner)
    assert len(calls) == expected_calls
    for params in calls:
        assert [p is b for p, b in zip(params, model.buffers())] == [True] * 3
