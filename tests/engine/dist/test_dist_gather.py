"""Gathering across 2 spawned gloo ranks: results in dataset order for both sampler tails, and
validation losses averaged over every rank's batches."""
import json
import os

import pytest
import torch
import torch.distributed as dist

from engine.testing.gloo import run_on_gloo_ranks

pytestmark = pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                                reason='torch.distributed with gloo is not available')

SIZE = 7


def _worker(rank, out_dir):
    from engine.dataset import DefaultSampler
    from engine.dist import collect_results
    from engine.runner.loops import _average_losses
    from engine.runtime.message_hub import HistoryBuffer
    out = {}
    for round_up in (True, False):
        for shuffle in (False, True):
            sampler = DefaultSampler(range(SIZE), shuffle=shuffle, seed=3, round_up=round_up)
            mine = [f'sample{i}' for i in sampler]
            out[f'round_up={round_up},shuffle={shuffle}'] = dict(
                mine=mine, gathered=collect_results(mine, SIZE))
    losses = {'loss_cls': HistoryBuffer(), 'acc': HistoryBuffer()}
    for value in ([1.0, 2.0] if rank == 0 else [6.0]):  # 3 batches over 2 ranks
        losses['loss_cls'].update(value)
        losses['acc'].update(10.0 * (rank + 1))
    out['losses'] = _average_losses(losses, 'val')
    with open(os.path.join(out_dir, f'{rank}.json'), 'w') as f:
        json.dump(out, f)


@pytest.fixture(scope='module')
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp('gather')
    run_on_gloo_ranks(_worker, 2, str(out))
    return [json.loads((out / f'{r}.json').read_text()) for r in range(2)]


def test_sequential_results_come_back_in_dataset_order(results):
    for round_up in (True, False):
        key = f'round_up={round_up},shuffle=False'
        for rank in range(2):
            assert results[rank][key]['gathered'] == [f'sample{i}' for i in range(SIZE)]
    # round_up pads rank 1 with sample 0; without it rank 1 simply has one sample less
    assert results[1]['round_up=True,shuffle=False']['mine'] == ['sample1', 'sample3',
                                                                 'sample5', 'sample0']
    assert results[1]['round_up=False,shuffle=False']['mine'] == ['sample1', 'sample3',
                                                                  'sample5']


def test_shuffled_results_come_back_in_sampler_order_without_padding(results):
    g = torch.Generator()
    g.manual_seed(3)
    order = [f'sample{i}' for i in torch.randperm(SIZE, generator=g).tolist()]
    for round_up in (True, False):
        gathered = results[0][f'round_up={round_up},shuffle=True']['gathered']
        assert gathered == order
        assert results[1][f'round_up={round_up},shuffle=True']['gathered'] == gathered


def test_validation_losses_are_averaged_over_all_ranks(results):
    for rank in range(2):
        losses = results[rank]['losses']
        assert losses['loss_cls'] == pytest.approx(3.0)     # (1 + 2 + 6) / 3 batches
        assert losses['acc'] == pytest.approx(40.0 / 3)     # (10 + 10 + 20) / 3
        assert losses['val_loss'] == pytest.approx(3.0)     # only names with 'loss' add up
