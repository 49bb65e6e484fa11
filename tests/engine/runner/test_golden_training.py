"""Seeded training runs on our engine equal the same runs on the real MMEngine 0.10.7.

Goldens: fixtures/goldens/engine_training.json, recorded by
scripts/oracle/record_engine_goldens.py (per-iteration lr and loss, validation metrics and the
final weights).
"""
import json
import os

import pytest
import torch

from engine.runner import Runner

from runner_support import GOLDENS, TrajectoryHook, load_engine_config

with open(os.path.join(GOLDENS, 'engine_training.json')) as f:
    TRAINING = json.load(f)['cases']


def _rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


@pytest.mark.parametrize('name', sorted(TRAINING))
def test_training_matches_mmengine(name, tmp_path):
    case = TRAINING[name]
    cfg = load_engine_config(case['config'], tmp_path, case['overrides'])
    cfg['default_hooks']['checkpoint'] = None
    runner = Runner.from_cfg(cfg)
    traj = runner.register_hook(TrajectoryHook())
    runner.train()

    assert len(traj.lr) == len(case['lr'])
    for it, (ours, theirs) in enumerate(zip(traj.lr, case['lr'])):
        assert len(ours) == len(theirs), f'iter {it}: param group count'
        for g, (a, b) in enumerate(zip(ours, theirs)):
            assert _rel(a, b) <= 1e-12, f'iter {it} group {g}: lr {a} != {b}'
    assert traj.loss == pytest.approx(case['loss'], rel=1e-5, abs=1e-6)
    assert len(traj.metrics) == len(case['val_metrics'])
    for ours, theirs in zip(traj.metrics, case['val_metrics']):
        assert ours == pytest.approx(theirs, abs=1e-6)
    state = runner.model.state_dict()
    assert sorted(state) == sorted(case['state_dict'])
    for key, values in case['state_dict'].items():
        ours = state[key].detach().double().flatten()
        theirs = torch.tensor(values, dtype=torch.float64)
        assert torch.allclose(ours, theirs, rtol=0, atol=1e-6), \
            f'{key}: max diff {(ours - theirs).abs().max().item():.3e}'
