"""A legacy config under ``torchrun --nproc_per_node 2`` (gloo, CPU) on compat: DistEvalHook
gathers both ranks' results, rank 0 alone writes checkpoints and logs, and the run equals the
one recorded from the real MMCV 1.7.2 under torchrun (fixtures/goldens/legacy_runs/dist__*)."""
import json
import os
import socket
import subprocess
import sys

import pytest
import torch.distributed as dist

from legacy_run_support import GOLDENS, ROOT, differences

STEM = 'toy_sgd_step_gradclip_3e'
WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'dist_legacy_run.py')

pytestmark = pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                                reason='torch.distributed with gloo is not available')


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def ranks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('torchrun')
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=ROOT)
    for name in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT'):
        env.pop(name, None)
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
         '--master_port', str(_free_port()), WORKER, STEM, str(tmp / 'work'), str(tmp / 'out')],
        cwd=str(tmp), env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = []
    for rank in (0, 1):
        with open(tmp / f'out.rank{rank}.json') as f:
            results.append(json.load(f))
    return results, tmp / 'work'


def test_one_set_of_checkpoints_and_logs(ranks):
    results, work_dir = ranks
    names = sorted(os.listdir(work_dir))
    assert [n for n in names if n.endswith('.log.json')] == ['20260101_000000.log.json']
    assert 'epoch_3.pth' in names and 'latest.pth' in names
    # both ranks observed the same files (rank 1 wrote none of its own)
    assert results[0]['files'] == results[1]['files']


def test_ranks_hold_the_same_weights_and_see_their_rank(ranks):
    results, _ = ranks
    assert results[0]['weights'] == results[1]['weights']
    assert {c[7] for c in results[0]['calls']} == {0}
    assert {c[7] for c in results[1]['calls']} == {1}
    assert {c[8] for c in results[0]['calls']} == {2}


def test_dist_eval_gathers_both_ranks(ranks):
    results, _ = ranks
    evals = [r for r in results[0]['log_json'] if r.get('mode') == 'val']
    assert evals, 'no evaluation record'
    # 32 validation samples, 16 per rank (the record's iter is the eval loader's length);
    # DistEvalHook scored all 32: every accuracy is a multiple of 1/32
    multiples_of_32 = 0
    for record in evals:
        assert record['iter'] == 16
        correct = float.fromhex(record['accuracy']) * 32 / 100
        assert correct == round(correct)
        multiples_of_32 += round(correct) % 2 == 1
    assert multiples_of_32, 'every accuracy is a multiple of 1/16: one rank\'s share only?'


def _golden():
    path = os.path.join(GOLDENS, f'{STEM}__torchrun_2proc.json')
    with open(path) as f:
        return json.load(f)


def test_rank0_run_equals_mmcv_under_torchrun(ranks):
    results, work_dir = ranks
    golden = _golden()
    problems = []
    for key in ('hooks', 'calls', 'weights', 'files', 'checkpoints', 'log_json'):
        problems += differences(results[0], golden['result'], key)
    assert not problems, '\n'.join(problems[:30])


def test_rank1_sees_what_mmcv_rank1_saw(ranks):
    results, _ = ranks
    golden = _golden()['rank1']
    problems = []
    for key in ('hooks', 'calls'):
        problems += differences(results[1], golden, key)
    assert not problems, '\n'.join(problems[:30])
