"""compat's EMAHook replays MMCV 1.7.2's: the ``ema_*`` buffers, the swaps around each train
epoch, the checkpoints and ``resume_from`` (goldens:
scripts/oracle/record_legacy_extra_hook_goldens.py)."""
import json
import os
import shutil
import sys

import pytest
import torch

import compat.runner
import compat.runner.hooks
from compat.runner.hooks import EMAHook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_extra_hook_scenarios import (EMA_RESUMES, EMA_SCENARIOS, EmaModel,  # noqa: E402
                                         ema_errors, run_ema, runtime_of)

RT = runtime_of(compat.runner, compat.runner.hooks)
with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_extra_hooks.json')) as f:
    GOLDEN = json.load(f)['ema']


@pytest.mark.parametrize('name', sorted(EMA_SCENARIOS))
def test_run_equals_mmcv(name, tmp_path):
    ours, golden = run_ema(RT, name, str(tmp_path / 'full')), GOLDEN[name]['full']
    assert ours['buffers'] == golden['buffers']
    assert ours['events'] == golden['events']
    assert ours['state'] == golden['state']
    assert ours['checkpoints'] == golden['checkpoints']
    assert ours['position'] == golden['position']


@pytest.mark.parametrize('name', sorted(EMA_RESUMES))
def test_resume_from_equals_mmcv(name, tmp_path):
    full = tmp_path / 'full'
    run_ema(RT, name, str(full))
    shutil.copytree(full, tmp_path / 'resume', symlinks=True)
    ours = run_ema(RT, name, str(tmp_path / 'resume'), resume_from=EMA_RESUMES[name])
    assert ours == GOLDEN[name]['resume']


def test_construction_errors_are_mmcv_types_and_name_the_argument():
    assert ema_errors(RT) == GOLDEN['errors']
    with pytest.raises(AssertionError, match='momentum must be in'):
        EMAHook(momentum=1.5)
    with pytest.raises(AssertionError, match='interval must be a positive int'):
        EMAHook(interval=0)


def test_wrapped_model_gets_the_buffers_on_the_inner_module():
    model = EmaModel()
    wrapped = torch.nn.parallel.DistributedDataParallel.__new__(
        torch.nn.parallel.DistributedDataParallel)
    torch.nn.Module.__init__(wrapped)
    wrapped.module = model

    class Runner:
        pass
    runner = Runner()
    runner.model = wrapped
    EMAHook().before_run(runner)
    assert 'ema_net_0_weight' in dict(model.named_buffers())
    assert not any(name.startswith('ema_') for name, _ in wrapped.named_buffers(recurse=False))
