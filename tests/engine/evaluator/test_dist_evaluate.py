"""Two real processes (gloo): a padded DefaultSampler split is evaluated in dataset order."""
import json
import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

WORLD = 2
SIZE = 5  # odd: round_up pads rank 1 with one repeated sample


def _worker(rank, init_file, out_dir):
    torch.set_num_threads(1)  # forked: keep out of the parent's OpenMP team (not fork-safe)
    dist.init_process_group('gloo', init_method=f'file://{init_file}', rank=rank,
                            world_size=WORLD)
    try:
        from engine.dataset import DefaultSampler
        from engine.evaluator import Accuracy, Evaluator

        sampler = DefaultSampler(range(SIZE), shuffle=True, seed=None)  # seed shared by rank 0
        indices = list(sampler)
        evaluator = Evaluator([Accuracy(topk=(1, 2))])
        for i in indices:
            # sample i: gt = i % 3; the prediction is right only for even i, 2nd-best otherwise
            score = torch.full((3,), 0.1)
            score[i % 3] = 0.5 if i % 2 == 0 else 0.3
            score[(i + 1) % 3] = 0.1 if i % 2 == 0 else 0.6
            evaluator.process([dict(pred_score=score, gt_label=i % 3)])
        metrics = evaluator.evaluate(SIZE)
        with open(os.path.join(out_dir, f'{rank}.json'), 'w') as f:
            json.dump(dict(seed=sampler.seed, indices=indices, metrics=metrics), f)
    finally:
        dist.destroy_process_group()


@pytest.mark.dist
def test_metrics_identical_on_all_ranks_and_padding_dropped(tmp_path):
    # spawn, not fork: a forked child can hang in the parent's OpenMP state (libgomp)
    mp.start_processes(_worker, args=(str(tmp_path / 'init'), str(tmp_path)), nprocs=WORLD,
                       join=True, start_method='spawn')
    out = [json.loads((tmp_path / f'{r}.json').read_text()) for r in range(WORLD)]
    assert out[0]['seed'] == out[1]['seed']
    assert len(out[0]['indices']) == len(out[1]['indices']) == 3
    both = out[0]['indices'] + out[1]['indices']
    assert len(both) == 6 and set(both) == set(range(SIZE))  # 5 samples + 1 padding repeat
    # of samples 0..4, the even ones (0, 2, 4) are top-1 hits: 3/5 = 60 %; all are top-2 hits.
    # Counting the padded duplicate would give 4/6 or 3/6 instead.
    expected = {'accuracy/top1': pytest.approx(60.0), 'accuracy/top2': pytest.approx(100.0)}
    assert out[0]['metrics'] == expected
    assert out[1]['metrics'] == out[0]['metrics']
