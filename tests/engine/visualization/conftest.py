"""A short engine run (2 epochs of the toy classifier, logging every 3 iterations) with the
vis back ends a test names, and its ``scalars.json`` records as the reference."""
import json
import os

import pytest

from engine.config import Config
from engine.runner import Runner

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
TOY_CFG = os.path.join(ROOT, 'fixtures', 'configs', 'engine', 'toy_sgd_warmup_multistep.py')


def _train_toy(work_dir: str, vis_backends: list):
    """Train the toy config with ``LocalVisBackend`` plus ``vis_backends``; returns the runner
    and the JSON records of ``<log_dir>/vis_data/scalars.json``."""
    cfg = Config.fromfile(TOY_CFG)
    cfg['work_dir'] = work_dir
    cfg['log_level'] = 'WARNING'
    cfg.merge_from_dict({
        'train_cfg.max_epochs': 2, 'default_hooks.checkpoint': None,
        'default_hooks.logger': dict(type='LoggerHook', interval=3),
        'visualizer': dict(type='Visualizer',
                           vis_backends=[dict(type='LocalVisBackend')] + vis_backends)})
    runner = Runner.from_cfg(cfg)
    runner.train()
    scalars = os.path.join(runner.log_dir, 'vis_data', 'scalars.json')
    with open(scalars, encoding='utf-8') as f:
        records = [json.loads(line) for line in f]
    # 2 epochs x 8 iterations logged at 3 and 6 (train), plus one validation per epoch
    assert len(records) == 6
    return runner, records


@pytest.fixture(scope='session')
def train_toy():
    """``train_toy(work_dir, vis_backends) -> (runner, scalars.json records)``."""
    return _train_toy


@pytest.fixture(scope='module')
def module_env():
    """A monkeypatch that lives as long as the test module."""
    with pytest.MonkeyPatch.context() as mp:
        yield mp
