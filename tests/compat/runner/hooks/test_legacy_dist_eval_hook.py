"""DistEvalHook on 2 gloo ranks gathers every rank's results into the single-process ones
(MMCV 1.7.2 EvalHook goldens, fixtures/goldens/legacy_eval.json), and the collectors' edges."""
from __future__ import annotations

import json
import os
import sys

import pytest

from compat.runner.hooks.evaluation_tests import collect_results_gpu, _interleave
from engine.testing.gloo import run_on_gloo_ranks

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
SCENARIO_DIR = os.path.join(ROOT, 'scripts', 'oracle')


def dist_eval_worker(rank: int, work_root: str, name: str) -> None:
    """Run scenario ``name`` with DistEvalHook on this rank (a DistributedSampler deals the
    val set; every rank trains the same data, so the weights agree); rank 0 writes its
    result as JSON."""
    sys.path.insert(0, SCENARIO_DIR)
    from legacy_eval_scenarios import SCENARIOS, run_scenario
    from torch.utils.data import DistributedSampler

    from compat.runner import EpochBasedRunner, IterBasedRunner
    from compat.runner.hooks import DistEvalHook, Hook
    from legacy_eval_scenarios import ToyDataset
    runner_cls = EpochBasedRunner if SCENARIOS[name][0] else IterBasedRunner
    sampler = DistributedSampler(ToyDataset(seed=7), num_replicas=2, rank=rank, shuffle=False)
    work_dir = os.path.join(work_root, f'rank{rank}')
    got = run_scenario(name, Hook, runner_cls, DistEvalHook, work_dir, sampler=sampler,
                       tmpdir=os.path.join(work_root, 'collect'))
    if rank == 0:
        with open(os.path.join(work_root, 'rank0.json'), 'w') as f:
            json.dump(got, f)
    else:
        assert got['evaluate_calls'] == [] and got['checkpoints'] == {}


@pytest.mark.parametrize('name', ['epoch_start_interval', 'iter_interval'])
def test_two_rank_dist_eval_equals_single_process_mmcv(name, tmp_path):
    with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_eval.json')) as f:
        golden = json.load(f)[name]
    run_on_gloo_ranks(dist_eval_worker, 2, str(tmp_path), name)
    with open(tmp_path / 'rank0.json') as f:
        got = json.load(f)
    # eval_iter_num is len(dataloader) of the rank: 2 batches of its 3 samples, not 3 of 5
    assert _iter_nums(got) == {2} and _iter_nums(golden) == {3}
    assert _without_iter_num(got) == _without_iter_num(golden)
    assert not (tmp_path / 'collect').exists()  # rank 0 removes the part files


def test_interleave_undoes_distributed_sampler_and_drops_padding():
    # 5 samples on 2 ranks: rank 0 gets 0, 2, 4; rank 1 gets 1, 3 and the padding sample 0
    assert _interleave([['s0', 's2', 's4'], ['s1', 's3', 's0']], 5) == ['s0', 's1', 's2', 's3',
                                                                         's4']


def test_gpu_collect_without_cuda_says_how_to_fix(monkeypatch):
    import torch
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(RuntimeError, match='gpu_collect=False'):
        collect_results_gpu([1.0], 1)


def _iter_nums(result: dict) -> set:
    return {event[3]['eval_iter_num'] for event in result['events'] if 'eval_iter_num' in event[3]}


def _without_iter_num(result: dict) -> dict:
    events = [event[:3] + [{k: v for k, v in event[3].items() if k != 'eval_iter_num'}]
              + event[4:] for event in result['events']]
    return dict(result, events=events)
