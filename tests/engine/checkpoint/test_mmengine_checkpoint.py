"""A checkpoint written by the real MMEngine 0.10.7 (fixtures/goldens/mmengine_checkpoint,
recorded by scripts/oracle/record_checkpoint_goldens.py) loads without MMEngine installed and
without --unsafe-load; load_from gives its exact weights, resume continues its run."""
import json
import logging
import os
import pickle

import pytest
import torch

from engine.runner import Runner
from engine.checkpoint.checkpoint_io import load_checkpoint_file

from runner_support import MMENGINE_CKPT_DIR, load_engine_config

CKPT = os.path.join(MMENGINE_CKPT_DIR, 'epoch_1.pth')


@pytest.fixture(scope='module')
def expected():
    with open(os.path.join(MMENGINE_CKPT_DIR, 'expected.json')) as f:
        return json.load(f)


def test_fixture_is_small_and_needs_more_than_plain_weights_only():
    assert os.path.getsize(CKPT) < 200_000
    with pytest.raises(pickle.UnpicklingError):
        torch.load(CKPT, weights_only=True)  # HistoryBuffer, numpy arrays, getattr


def test_loads_with_weights_only_through_stand_ins(expected):
    ckpt = load_checkpoint_file(CKPT)
    assert sorted(ckpt) == expected['keys']
    assert (ckpt['meta']['epoch'], ckpt['meta']['iter']) == (expected['meta_epoch'],
                                                             expected['meta_iter'])
    scalars = ckpt['message_hub']['log_scalars']
    assert sorted(scalars) == expected['message_hub_scalars']
    lr = scalars['train/lr']
    assert lr['counts'] == [1] * 8 and len(lr['values']) == 8
    assert isinstance(ckpt['message_hub']['runtime_info']['eta'], float)  # numpy scalar -> float


def test_load_from_gives_the_recorded_weights(tmp_path, expected):
    cfg = load_engine_config(expected['config'], tmp_path)
    cfg['load_from'] = CKPT
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()
    state = runner.model.state_dict()
    assert sorted(state) == sorted(expected['state_dict'])
    for k, values in expected['state_dict'].items():
        assert torch.equal(state[k], torch.tensor(values, dtype=torch.float64).float()
                           .reshape(state[k].shape)), k
    assert runner.epoch == 0 and runner.iter == 0  # weights only


def test_resume_from_mmengine_checkpoint_continues_its_run(tmp_path, expected):
    """Resume MMEngine's epoch-1 checkpoint on our engine: epoch 2 has MMEngine's lr at every
    iteration and ends at MMEngine's weights (the toy run draws no random numbers, so the
    missing RNG state does not matter here; the engine warns about it)."""
    cfg = load_engine_config(expected['config'], tmp_path, expected['overrides'])
    cfg['load_from'] = CKPT
    cfg['resume'] = True
    runner = Runner.from_cfg(cfg)
    lrs = []

    from engine.hooks.hook import Hook

    class LrHook(Hook):
        def before_train_iter(self, runner, batch_idx, data_batch=None):
            lrs.append([g['lr'] for g in runner.optim_wrapper.optimizer.param_groups])

    runner.register_hook(LrHook())
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    runner.logger.addHandler(handler)
    try:
        runner.train()
    finally:
        runner.logger.removeHandler(handler)
    text = '\n'.join(r.getMessage() for r in records)
    assert 'written by MMEngine 0.10.7' in text and 'holds no RNG state' in text
    assert len(lrs) == expected['epoch_length']
    for got, want in zip(lrs, expected['epoch2_lr']):
        assert got == pytest.approx(want, rel=1e-12, abs=0)
    state = runner.model.state_dict()
    for k, values in expected['final_state_dict'].items():
        assert torch.allclose(state[k].double().flatten(), torch.tensor(values, dtype=torch.float64),
                              atol=1e-6, rtol=0), k
