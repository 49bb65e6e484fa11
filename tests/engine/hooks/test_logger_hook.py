"""What reaches the disk: LoggerHook's test-metrics JSON, and nothing from ranks other than 0."""
import json
import logging

import pytest
import torch

import engine.dist.utils as dist_utils
from engine.hooks.logger_hook import LoggerHook
from engine.logging import LogProcessor
from engine.runtime.message_hub import MessageHub
from engine.visualization import Visualizer


class Runner:
    def __init__(self, log_dir):
        self.log_dir = str(log_dir)
        self.timestamp = '20240101_000000'
        self.logger = logging.getLogger('test_logger_hook')
        self.log_processor = LogProcessor()
        self.message_hub = MessageHub()
        self.test_dataloader = [0, 1]
        self.train_loop = self.val_loop = None

        class Loop:
            dataloader = [0, 1]

        self.test_loop = Loop()
        self.message_hub.update_scalar('test/data_time', 0.5)
        self.message_hub.update_scalar('test/time', 1.5)
        self.message_hub.update_scalar('test/accuracy/top1', 75.0)
        self.message_hub.update_info('test/confusion', torch.tensor([[1, 0], [2, 3]]))
        self.message_hub.update_info('test/classes', ('a', 'b'))


def test_test_epoch_writes_metrics_and_non_scalars_as_json(tmp_path):
    runner = Runner(tmp_path)
    hook = LoggerHook()
    hook.before_run(runner)
    hook.after_test_epoch(runner)
    written = json.loads((tmp_path / '20240101_000000.json').read_text())
    assert written == {'accuracy/top1': 75.0, 'confusion': [[1, 0], [2, 3]],
                       'classes': ['a', 'b'], 'data_time': 0.5, 'time': 1.5}


@pytest.fixture
def rank_one(monkeypatch):
    monkeypatch.setattr(dist_utils, 'get_rank', lambda: 1)


def test_other_ranks_write_no_test_json(tmp_path, rank_one):
    runner = Runner(tmp_path)
    hook = LoggerHook()
    hook.before_run(runner)
    hook.after_test_epoch(runner)
    assert list(tmp_path.iterdir()) == []


def test_visualizer_writes_on_rank_zero_only(tmp_path, monkeypatch):
    backends = [dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')]
    quiet = Visualizer(vis_backends=backends, save_dir=str(tmp_path / 'rank1'))
    monkeypatch.setattr(dist_utils, 'get_rank', lambda: 1)
    quiet.add_config('a = 1\n')
    quiet.add_scalars({'loss': 1.0}, step=1)
    quiet.close()
    assert not (tmp_path / 'rank1').exists()
    monkeypatch.setattr(dist_utils, 'get_rank', lambda: 0)
    vis = Visualizer(vis_backends=backends, save_dir=str(tmp_path / 'rank0'))
    vis.add_config('a = 1\n')
    vis.add_scalars({'loss': 1.0}, step=1)
    vis.close()
    files = sorted(p.name for p in (tmp_path / 'rank0' / 'vis_data').iterdir())
    assert len(files) == 3 and files[0] == 'config.py' and files[2] == 'scalars.json'
    assert files[1].startswith('events.out.tfevents.')
    assert Visualizer.get_current_instance() is vis
    assert isinstance(vis.get_backend('LocalVisBackend'), type(vis.backends[0]))
