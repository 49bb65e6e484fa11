"""compat's EpochBasedRunner/IterBasedRunner replay MMCV 1.7.2's runs bit for bit
(goldens: scripts/oracle/record_legacy_runner_goldens.py)."""
import json
import logging
import os
import shutil
import sys

import pytest
import torch

from compat.runner.builder import RUNNERS, build_runner
from compat.runner.epoch_based_runner import EpochBasedRunner
from compat.runner.hooks import Hook
from compat.runner.iter_based_runner import IterBasedRunner

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_runner_scenarios import RESUMES, SCENARIOS, ToyModel, run_scenario  # noqa: E402

with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_runner.json')) as f:
    GOLDEN = json.load(f)


def _run(name, tmp_path, resume_from=None):
    runner_cls = EpochBasedRunner if SCENARIOS[name][0] else IterBasedRunner
    full_dir = str(tmp_path / 'full')
    result = run_scenario(name, Hook, runner_cls, full_dir)
    if resume_from is None:
        return result
    resume_dir = str(tmp_path / 'resume')
    shutil.copytree(full_dir, resume_dir, symlinks=True)
    return run_scenario(name, Hook, runner_cls, resume_dir, resume_from=resume_from)


@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_full_run_equals_mmcv(name, tmp_path):
    ours, golden = _run(name, tmp_path), GOLDEN[name]['full']
    assert ours['hook_order'] == golden['hook_order']
    assert ours['priorities'] == golden['priorities']
    for i, (mine, theirs) in enumerate(zip(ours['events'], golden['events'])):
        assert mine == theirs, f'call {i}'
    assert len(ours['events']) == len(golden['events'])
    for key in ('weights', 'checkpoints', 'hook_info', 'lr', 'momentum', 'set_epoch_calls'):
        assert ours[key] == golden[key], key


@pytest.mark.parametrize('name', sorted(RESUMES))
def test_resumed_run_equals_mmcv(name, tmp_path):
    ours, golden = _run(name, tmp_path, RESUMES[name]), GOLDEN[name]['resume']
    assert ours['events'] == golden['events']
    for key in ('weights', 'checkpoints', 'set_epoch_calls'):
        assert ours[key] == golden[key], key


def test_epoch_resume_continues_the_full_run_exactly():
    # MMCV's property, recorded: resuming the epoch runner from epoch 1 ends on the same weights
    assert GOLDEN['epoch_train_val']['resume']['weights'] == \
        GOLDEN['epoch_train_val']['full']['weights']


def _runner(**kwargs):
    model = ToyModel()
    args = dict(model=model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                logger=logging.getLogger('t'))
    args.update(kwargs)
    return EpochBasedRunner(**args)


def test_both_limits_name_the_key_and_mmcv_behaviour():
    with pytest.raises(ValueError) as info:
        _runner(max_epochs=2, max_iters=3)
    assert 'runner.max_epochs' in str(info.value) and 'MMCV 1.7.2' in str(info.value)


def test_non_dict_outputs_raise_mmcv_type_error():
    runner = _runner(max_epochs=1)
    runner.model.train_step = lambda batch, optimizer: 1.0
    with pytest.raises(TypeError, match='must return a dict'):
        runner.run_iter(None, train_mode=True)


def test_current_momentum_of_several_optimizers_reads_adam_betas():
    model = ToyModel()
    optimizers = {'a': torch.optim.Adam(model.parameters(), betas=(0.8, 0.9)),
                  'b': torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.7),
                  'c': torch.optim.SGD(model.parameters(), lr=0.2)}
    runner = _runner(optimizer=optimizers, max_epochs=1)
    assert runner.current_momentum() == {'a': [0.8], 'b': [0.7], 'c': [0]}
    assert runner.current_lr() == {'a': [0.001], 'b': [0.3], 'c': [0.2]}


def test_latest_is_a_copy_where_symlinks_fail(tmp_path, monkeypatch):
    runner = _runner(max_epochs=1, work_dir=str(tmp_path))

    def no_links(*args, **kwargs):
        raise OSError('links not supported')
    monkeypatch.setattr(os, 'symlink', no_links)
    runner.save_checkpoint(str(tmp_path))
    latest = tmp_path / 'latest.pth'
    assert not latest.is_symlink()
    assert latest.read_bytes() == (tmp_path / 'epoch_1.pth').read_bytes()


def test_build_runner_uses_the_default_constructor():
    model = ToyModel()
    runner = build_runner(dict(type='IterBasedRunner', max_iters=7),
                          dict(model=model, logger=logging.getLogger('t')))
    assert isinstance(runner, IterBasedRunner) and runner.max_iters == 7
    assert RUNNERS.get('EpochBasedRunner') is EpochBasedRunner


@pytest.mark.parametrize('config_text, expected_iter', [
    ('gpu_ids = range(0, 4)\n', 12),    # MMDet 2.x tools/train.py: cfg.gpu_ids = range(4)
    ('gpu_ids = [0, 1]\n', 6),
    ('lr = 0.1\n', 3),                  # no gpu_ids: iter kept
    ('gpu_ids = list(range(2))\n', 3),  # not readable without running it: kept, warned
])
def test_resume_rescales_iter_by_saved_gpu_count(tmp_path, config_text, expected_iter, caplog):
    runner = _runner(max_epochs=3)
    runner._iter = 3
    runner.meta = {'config': config_text}
    runner.save_checkpoint(str(tmp_path))
    fresh = _runner(max_epochs=3)
    with caplog.at_level(logging.WARNING, logger='t'):
        fresh.resume(str(tmp_path / 'epoch_1.pth'), map_location='cpu')
    assert (fresh.epoch, fresh.iter) == (1, expected_iter)
    assert ('without running it' in caplog.text) == ('list(' in config_text)
