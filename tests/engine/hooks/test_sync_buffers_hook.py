"""SyncBuffersHook: mean all-reduce of buffers after train epochs / before val epochs."""
from __future__ import annotations

import os

import pytest
import torch
import torch.nn as nn

import engine.hooks.sync_buffers_hook as sync_mod
from engine.hooks.hook import check_hook_signatures
from engine.hooks.sync_buffers_hook import SyncBuffersHook
from engine.registry import HOOKS
from engine.testing.gloo import run_on_gloo_ranks


@pytest.fixture
def reduced(monkeypatch):
    """Record the buffers passed to all_reduce_params instead of reducing them."""
    record = []

    def fake(params, op='mean'):
        record.append((list(params), op))

    monkeypatch.setattr(sync_mod, 'all_reduce_params', fake)
    return record


def test_registered_with_normal_priority():
    assert HOOKS.get('SyncBuffersHook') is SyncBuffersHook
    assert SyncBuffersHook.priority == 'NORMAL'
    check_hook_signatures(SyncBuffersHook())


def test_single_process_does_nothing(reduced, make_runner):
    hook = SyncBuffersHook()
    assert hook.distributed is False
    runner = make_runner(nn.BatchNorm1d(2))
    hook.after_train_epoch(runner)
    hook.before_val_epoch(runner)
    assert reduced == []


def test_epoch_then_val_syncs_once(reduced, make_runner):
    model = nn.BatchNorm1d(2)
    runner = make_runner(model, distributed=True)
    hook = SyncBuffersHook()
    hook.after_train_epoch(runner)
    assert len(reduced) == 1 and hook.called_in_train
    params, op = reduced[0]
    assert op == 'mean'
    assert [id(p) for p in params] == [id(b) for b in model.buffers()]
    hook.before_val_epoch(runner)       # already synced at the end of the epoch
    assert len(reduced) == 1 and not hook.called_in_train
    hook.before_val_epoch(runner)       # iteration-based validation: sync now
    assert len(reduced) == 2


def _worker(rank, out_dir):
    model = nn.BatchNorm1d(2)
    hook = SyncBuffersHook()
    wrapped = nn.parallel.DistributedDataParallel(model)
    # after wrapping: DDP broadcasts rank 0's buffers when it is built
    model.running_mean.fill_(float(rank + 1))     # ranks 1 and 2 -> mean 1.5
    model.num_batches_tracked.fill_(3)

    class Runner:
        pass

    runner = Runner()
    runner.model, runner.distributed = wrapped, True
    hook.after_train_epoch(runner)
    torch.save({k: v.clone() for k, v in model.state_dict().items()},
               os.path.join(out_dir, f'rank{rank}.pt'))


@pytest.mark.dist
def test_two_gloo_ranks_average_buffers(tmp_path):
    run_on_gloo_ranks(_worker, 2, str(tmp_path))
    for rank in range(2):
        state = torch.load(tmp_path / f'rank{rank}.pt')
        assert torch.allclose(state['running_mean'], torch.full((2,), 1.5))
        # integer buffers are summed by all_reduce_params, as in MMEngine
        assert int(state['num_batches_tracked']) == 6
