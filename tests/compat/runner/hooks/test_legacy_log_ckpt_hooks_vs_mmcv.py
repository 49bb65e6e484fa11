"""compat's CheckpointHook, IterTimerHook, TextLoggerHook and TensorboardLoggerHook, registered
through BaseRunner.register_checkpoint_hook/register_timer_hook/register_logger_hooks, write
what MMCV 1.7.2 wrote: checkpoint files (names, epoch/iter, symlinks, deletions, out_dir), the
JSON log records and console lines (wall-clock values masked) and the TensorBoard scalars.

Goldens: fixtures/goldens/legacy_log_ckpt.json, written by
scripts/oracle/record_legacy_log_ckpt_goldens.py with the real MMCV (time.sleep patched out).
"""
import json
import os
import sys

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from compat.runner import HOOKS, EpochBasedRunner, IterBasedRunner
from compat.runner.hooks import CheckpointHook, TextLoggerHook
from engine.errors import ConfigError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_log_ckpt_scenarios import SCENARIOS, run_scenario  # noqa: E402

with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_log_ckpt.json')) as _f:
    GOLDENS = json.load(_f)
RUNNERS = {'EpochBasedRunner': EpochBasedRunner, 'IterBasedRunner': IterBasedRunner}


def read_scalars(log_dir):
    """Every scalar of the event files in ``log_dir``: tag -> [[step, float32 hex]]."""
    if not os.path.isdir(log_dir):
        return {}
    acc = EventAccumulator(log_dir, size_guidance={'scalars': 0})
    acc.Reload()
    return {tag: [[e.step, float(np.float32(e.value)).hex()] for e in acc.Scalars(tag)]
            for tag in acc.Tags()['scalars']}


@pytest.fixture(scope='module')
def replays(tmp_path_factory):
    out = {}
    for name in SCENARIOS:
        tmp = str(tmp_path_factory.mktemp(name))
        out[name] = run_scenario(name, RUNNERS, tmp, read_scalars)
    return out


def test_goldens_cover_every_scenario():
    assert sorted(GOLDENS) == sorted(SCENARIOS)


@pytest.mark.parametrize('name', sorted(SCENARIOS))
@pytest.mark.parametrize('part', ['hooks', 'priorities', 'checkpoints', 'files', 'json_log',
                                  'console'])
def test_outputs_equal_mmcv(replays, name, part):
    assert replays[name][part] == GOLDENS[name][part]


@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_tensorboard_scalars_equal_mmcv(replays, name):
    # tag order within a step is not kept by EventAccumulator; compare per tag
    assert {t: v for t, v in replays[name]['scalars'].items()} == GOLDENS[name]['scalars']
    assert replays[name]['scalars'], 'each scenario writes scalars'


def test_registered_under_mmcv_names():
    for name in ('CheckpointHook', 'IterTimerHook', 'TextLoggerHook', 'TensorboardLoggerHook'):
        assert HOOKS.get(name) is not None, name


@pytest.mark.parametrize('build', [
    lambda: CheckpointHook(interval=1, file_client_args=dict(backend='petrel')),
    lambda: CheckpointHook(interval=1, out_dir='s3://bucket/ckpts'),
    lambda: TextLoggerHook(out_dir='s3://bucket/logs'),
])
def test_remote_backends_refused_with_the_key(build):
    with pytest.raises(ConfigError, match='file_client_args|out_dir'):
        build()


def test_text_logger_rejects_client_args_without_out_dir():
    with pytest.raises(ValueError, match='file_client_args should be "None"'):
        TextLoggerHook(file_client_args=dict(backend='disk'))


def test_pruning_stops_at_the_first_gap(tmp_path):
    """mmcv/runner/hooks/checkpoint.py ``_save_checkpoint``: walking back from
    ``current - max_keep_ckpts * interval``, the first missing file ends the deletions."""
    for step in (1, 3):
        (tmp_path / f'epoch_{step}.pth').write_bytes(b'')

    class Runner:
        epoch, meta, work_dir = 3, None, str(tmp_path)

        def save_checkpoint(self, out_dir, **kwargs):
            (tmp_path / 'epoch_4.pth').write_bytes(b'')

    hook = CheckpointHook(interval=1, max_keep_ckpts=1, out_dir=str(tmp_path))
    hook._save_checkpoint(Runner())
    assert sorted(p.name for p in tmp_path.iterdir()) == ['epoch_1.pth', 'epoch_4.pth']
