"""A legacy run of fixtures/checkpoint_resume/legacy_toy_sgd_step.py on compat and its converted
config on the engine, each with the lr of every iteration and the final weights recorded."""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

import torch
from click.testing import CliRunner

import legacy_twin_toy as twin

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
LEGACY_CFG = os.path.join(ROOT, 'fixtures', 'checkpoint_resume', 'legacy_toy_sgd_step.py')
EPOCH_LEN = 8
MAX_EPOCHS = 4

Weights = Dict[str, torch.Tensor]


def _weights(model) -> Weights:
    model = getattr(model, 'module', model)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def run_legacy(work_dir: str, resume_from: Optional[str] = None,
               config: str = LEGACY_CFG) -> Tuple[Weights, List[List[float]]]:
    """Train the legacy config on compat (MMDet 2.x's flow); returns weights and lrs."""
    from compat.apis.launch import train_legacy_config

    twin.LRS['legacy'].clear()
    with twin.twins_registered():
        runner = train_legacy_config(
            config, work_dir=work_dir, seed=0, validate=False, resume_from=resume_from,
            prepare=lambda cfg: cfg.__setitem__('custom_hooks',
                                                [dict(type='LegacyLrRecorder')]))
    return _weights(runner.model), list(twin.LRS['legacy'])


def convert_config(out_dir: str, config: str = LEGACY_CFG) -> str:
    """``migrate convert --target engine`` of the legacy config; returns the new file."""
    from migrate.cli import main

    out = os.path.join(out_dir, 'converted.py')
    result = CliRunner().invoke(main, ['convert', config, '--target', 'engine', '-o', out,
                                       '-q'])
    assert result.exit_code == 0, result.output
    return out


def run_engine(config: str, work_dir: str, resume: Optional[str] = None
               ) -> Tuple[Weights, List[List[float]], object]:
    """Train the converted config on the engine (resuming from ``resume`` when given)."""
    from engine.config import Config
    from engine.runner import Runner

    twin.LRS['engine'].clear()
    cfg = Config.fromfile(config)
    cfg['work_dir'] = work_dir
    if resume is not None:
        cfg['resume'] = True
        cfg['load_from'] = resume
    runner = Runner.from_cfg(cfg)
    runner.register_hook(twin.make_engine_recorder())
    runner.train()
    return _weights(runner.model), list(twin.LRS['engine']), runner


def assert_same_weights(a: Weights, b: Weights) -> None:
    assert list(a) == list(b)
    for name in a:
        assert torch.equal(a[name], b[name]), (name, (a[name] - b[name]).abs().max().item())
