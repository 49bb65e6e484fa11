"""A raw MMCV 1.7.2 checkpoint cannot be resumed by MMEngine 0.10.7 (``KeyError:
'message_hub'``, recorded from the real libraries by
scripts/oracle/record_mmengine_legacy_resume.py); converted by ``migrate checkpoint`` it
resumes -- on the engine, and on the real MMEngine -- with the schedule state MMEngine itself
would have saved at that point (fixtures/goldens/mmengine_checkpoint/epoch_1.pth, the same
config and position, written by MMEngine).
"""
from __future__ import annotations

import json
import os
import subprocess

import pytest
import torch

from engine.checkpoint.checkpoint_io import load_checkpoint_file
from engine.config import Config
from engine.errors import CheckpointError
from engine.runner import Runner
from migrate.checkpoint import convert_file
from migrate.checkpoint.config_view import read_config
from migrate.checkpoint.convert import convert_checkpoint

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDEN_DIR = os.path.join(ROOT, 'fixtures', 'goldens', 'mmengine_legacy_resume')
LEGACY_FILE = os.path.join(GOLDEN_DIR, 'epoch_1_mmcv.pth')
CONFIG = os.path.join(ROOT, 'fixtures', 'configs', 'engine', 'toy_sgd_warmup_multistep.py')
MMENGINE_CKPT = os.path.join(ROOT, 'fixtures', 'goldens', 'mmengine_checkpoint', 'epoch_1.pth')
MMENGINE_PYTHON = os.path.join(ROOT, '.oracle', 'mmengine', 'bin', 'python')


def _golden() -> dict:
    with open(os.path.join(GOLDEN_DIR, 'expected.json')) as f:
        return json.load(f)


def _engine_runner(tmp_path, load_from, max_epochs=2):
    cfg = Config.fromfile(CONFIG, cfg_options={'train_cfg.max_epochs': max_epochs})
    cfg['work_dir'] = str(tmp_path / 'work')
    cfg['resume'] = True
    cfg['load_from'] = load_from
    return Runner.from_cfg(cfg)


def test_real_mmengine_fails_on_the_raw_legacy_checkpoint_with_keyerror_message_hub():
    golden = _golden()
    assert golden['error']['type'] == 'KeyError'
    assert golden['error']['args'] == ['message_hub']
    assert golden['error']['raised_in'] == 'resume'
    assert golden['legacy_top_level_keys'] == ['meta', 'state_dict', 'optimizer']
    assert 'message_hub' not in golden['legacy_top_level_keys']
    # MMEngine had already taken the counters from meta when it failed
    assert golden['loop_counters_after'] == {'epoch': 1, 'iter': 8}
    # the file the golden was recorded with is the one the tests below convert
    assert sorted(load_checkpoint_file(LEGACY_FILE)['meta']) == golden['legacy_meta_keys']


def test_the_engine_refuses_the_raw_file_naming_what_is_missing(tmp_path):
    runner = _engine_runner(tmp_path, LEGACY_FILE)
    with pytest.raises(CheckpointError, match='no scheduler state') as info:
        runner.train()
    assert LEGACY_FILE in str(info.value)


def test_converted_file_has_mmengines_own_schedule_state_at_that_position(tmp_path):
    """MMEngine wrote epoch_1.pth after epoch 1 of the same config (max_epochs=2): the
    conversion of a legacy epoch-1 checkpoint must hold the same scheduler states and lr."""
    view = read_config(CONFIG, {'train_cfg.max_epochs': 2})
    ours, _ = convert_checkpoint(load_checkpoint_file(LEGACY_FILE), LEGACY_FILE, view=view)
    mmengine = load_checkpoint_file(MMENGINE_CKPT)
    assert ours['param_schedulers'] == mmengine['param_schedulers']
    groups = [{k: v for k, v in g.items() if k != 'params'}
              for g in mmengine['optimizer']['param_groups']]
    ours_groups = [{k: v for k, v in g.items() if k in groups[0]}
                   for g in ours['optimizer']['param_groups']]
    assert ours_groups == groups
    assert (ours['meta']['epoch'], ours['meta']['iter']) == \
        (mmengine['meta']['epoch'], mmengine['meta']['iter'])
    assert set(mmengine) - set(ours) == set()


def test_converted_file_resumes_on_the_engine(tmp_path):
    converted = str(tmp_path / 'epoch_1.engine.pth')
    convert_file(LEGACY_FILE, converted, config=CONFIG)
    runner = _engine_runner(tmp_path, converted)
    runner.train()
    assert (runner.epoch, runner.iter) == (2, 16)


@pytest.mark.skipif(not os.path.exists(MMENGINE_PYTHON), reason='MMEngine oracle not installed')
def test_converted_file_resumes_on_the_real_mmengine_as_on_the_engine(tmp_path):
    converted = str(tmp_path / 'epoch_1.engine.pth')
    convert_file(LEGACY_FILE, converted, config=CONFIG)
    done = subprocess.run([MMENGINE_PYTHON,
                           os.path.join(ROOT, 'scripts', 'oracle', 'mmengine_resume_converted.py'),
                           converted, '2'], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    line = [x for x in done.stdout.splitlines() if x.startswith('JSON:')][-1]
    mmengine = json.loads(line[len('JSON:'):])
    assert (mmengine['epoch'], mmengine['iter']) == (2, 16)
    runner = _engine_runner(tmp_path, converted)
    lrs = []
    from engine.hooks.hook import Hook

    class Lr(Hook):
        def before_train_iter(self, runner, batch_idx, data_batch=None):
            lrs.append([g['lr'] for g in runner.optim_wrapper.optimizer.param_groups])
    runner.register_hook(Lr())
    runner.train()
    assert lrs == mmengine['lr']
    # MMEngine's own uninterrupted run had these epoch-2 lrs (expected.json of its golden)
    with open(os.path.join(ROOT, 'fixtures', 'goldens', 'mmengine_checkpoint',
                           'expected.json')) as f:
        assert lrs == json.load(f)['epoch2_lr']
    for name, value in runner.model.state_dict().items():
        assert value.double().flatten().tolist() == mmengine['weights'][name], name
    assert all(torch.isfinite(v).all() for v in runner.model.state_dict().values())
