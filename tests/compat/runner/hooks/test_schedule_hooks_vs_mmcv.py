"""compat's lr/momentum updater hooks, driven by compat's own runners, against the real MMCV.

Goldens: fixtures/goldens/legacy_schedules.json (scripts/oracle/record_legacy_schedule_goldens.py)
and fixtures/goldens/downstream_policies.json (record_downstream_policy_goldens.py), both
recorded by scripts/oracle/mmcv_schedule_sim.simulate: MMCV's runner loop and hooks over a toy
model whose ``train_step`` records every param group's lr and momentum. This test builds the
same model, optimizer and data for compat's runners and records the same way.
"""
from __future__ import annotations

import ast
import json
import logging
from pathlib import Path

import pytest
import torch

from compat.runner import build_runner
from compat.runner.optimizer import build_optimizer
from engine.errors import ConfigError

GOLDENS = Path(__file__).resolve().parents[4] / 'fixtures' / 'goldens'
SCHEDULES = json.loads((GOLDENS / 'legacy_schedules.json').read_text())
DOWNSTREAM = json.loads((GOLDENS / 'downstream_policies.json').read_text())
SETUPS = {**SCHEDULES['setups'], **{f'downstream:{k}': v
                                    for k, v in DOWNSTREAM['setups'].items()}}
ERRORS = {**SCHEDULES['errors'], **{f'downstream:{k}': v
                                    for k, v in DOWNSTREAM['errors'].items()}}
REL_TOL = 1e-12
LOGGER = logging.getLogger('test_schedule_hooks_vs_mmcv')


def _momentum_of(group):
    if 'momentum' in group:
        return float(group['momentum'])
    if 'betas' in group:
        return float(group['betas'][0])
    return None


class _RecordingModel(torch.nn.Module):
    """mmcv_schedule_sim's model: one scalar parameter per group, records in train_step."""

    def __init__(self, num_groups):
        super().__init__()
        for i in range(num_groups):
            setattr(self, f'p{i}', torch.nn.Parameter(torch.zeros(1)))
        self.runner = None
        self.records = []

    def train_step(self, data_batch, optimizer, **kwargs):
        groups = optimizer.param_groups
        self.records.append((self.runner.epoch, self.runner.iter,
                             [float(g['lr']) for g in groups], [_momentum_of(g) for g in groups]))
        return {}


class _FakeLoader(list):
    sampler = None


def _optimizer(model, cfg, num_groups):
    cfg = dict(cfg)
    cfg.pop('paramwise_options', None)   # as the simulation does (see mmcv_schedule_sim)
    if 'paramwise_cfg' in cfg or 'constructor' in cfg:
        return build_optimizer(model, cfg)
    optim_cls = getattr(torch.optim, cfg.pop('type'))
    return optim_cls([{'params': [getattr(model, f'p{i}')]} for i in range(num_groups)], **cfg)


def _runner_cfg(cfg):
    runner = cfg.get('runner')
    return dict(runner) if runner else dict(type='EpochBasedRunner',
                                            max_epochs=cfg['total_epochs'])


def simulate(cfg, epoch_len, num_groups=1):
    """Run compat's runner with the lr/momentum hooks of ``cfg``; the per-iteration records."""
    runner_cfg = _runner_cfg(cfg)
    model = _RecordingModel(num_groups)
    optimizer = _optimizer(model, cfg['optimizer'], num_groups)
    runner = build_runner(runner_cfg, default_args=dict(
        model=model, optimizer=optimizer, work_dir=None, logger=LOGGER, meta=None))
    model.runner = runner
    lr_config = cfg.get('lr_config')
    if lr_config is not None and runner_cfg['type'] == 'IterBasedRunner':
        # what MMCV's IterBasedRunner.register_training_hooks does before register_lr_hook
        lr_config = dict(lr_config, by_epoch=lr_config.get('by_epoch', False))
    runner.register_lr_hook(lr_config)
    runner.register_momentum_hook(cfg.get('momentum_config'))
    runner.run([_FakeLoader(range(epoch_len))], [('train', 1)])
    return model.records


def _max_rel_error(ours, golden):
    worst = 0.0
    for row_ours, row_golden in zip(ours, golden):
        assert len(row_ours) == len(row_golden)
        for a, b in zip(row_ours, row_golden):
            worst = max(worst, abs(a - b) / max(abs(b), 1e-300) if a != b else 0.0)
    return worst


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    monkeypatch.setattr('time.sleep', lambda seconds: None)   # the runners sleep 2 s an epoch


def test_every_golden_setup_is_driven():
    assert len(SCHEDULES['setups']) == 53 and len(DOWNSTREAM['setups']) == 15


@pytest.mark.parametrize('name', sorted(SETUPS))
def test_per_iteration_values_match_mmcv(name):
    case = SETUPS[name]
    records = simulate(ast.literal_eval(case['config']), case['epoch_len'], case['num_groups'])
    assert [r[0] for r in records] == case['epoch']
    assert [r[1] for r in records] == case['iter']
    assert _max_rel_error([r[2] for r in records], case['lr']) <= REL_TOL
    if case['momentum'] is not None:
        assert _max_rel_error([r[3] for r in records], case['momentum']) <= REL_TOL


@pytest.mark.parametrize('name', sorted(ERRORS))
def test_mmcv_failures_are_config_errors_naming_the_key(name):
    case = ERRORS[name]
    with pytest.raises(ConfigError) as info:
        simulate(ast.literal_eval(case['config']), case['epoch_len'])
    assert info.value.key == case['key'], case['mmcv_error']
