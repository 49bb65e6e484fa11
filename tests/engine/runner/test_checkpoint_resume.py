"""Exact resume: an interrupted run, resumed in a fresh process, ends bit-identical to one that
was never interrupted (weights, optimizer and EMA states, lr and loss of every iteration).

Each run is a separate interpreter (ckpt_worker.py), so nothing survives in memory between the
interrupted and the resumed run. The task draws randomness everywhere a resume can go wrong:
dropout, noise added inside dataloader workers, shuffling, and validation in between.
"""
import json
import os
import signal
import subprocess
import sys
import threading

import pytest
import torch

from engine.checkpoint.checkpoint_io import (PARTIAL_SUFFIX, find_latest_checkpoint,
                                         load_checkpoint_file)

WORKER = os.path.join(os.path.dirname(__file__), 'ckpt_worker.py')
CRASHED = 17


def run_worker(tmp_path, name, **spec):
    tmp_path.mkdir(parents=True, exist_ok=True)
    spec.setdefault('work_dir', str(tmp_path / 'wd'))
    spec['out'] = str(tmp_path / f'{name}.pt')
    spec_file = tmp_path / f'{name}.json'
    spec_file.write_text(json.dumps(spec))
    proc = subprocess.run([sys.executable, WORKER, str(spec_file)], capture_output=True,
                          text=True, timeout=300)
    return proc, spec['out']


def load_result(path):
    return torch.load(path, weights_only=False)


def assert_same_run(resumed, reference, first_resumed_iter):
    assert resumed['state_dict'].keys() == reference['state_dict'].keys()
    for k, v in reference['state_dict'].items():
        assert torch.equal(resumed['state_dict'][k], v), k
    for k, v in reference['ema'].items():
        assert torch.equal(resumed['ema'][k], v), f'ema {k}'
    ref_opt, opt = reference['optimizer'], resumed['optimizer']
    assert opt['param_groups'] == ref_opt['param_groups']
    assert opt['state'].keys() == ref_opt['state'].keys()
    for idx, st in ref_opt['state'].items():
        assert torch.equal(opt['state'][idx]['momentum_buffer'], st['momentum_buffer'])
    assert sorted(resumed['lr']) == list(range(first_resumed_iter, len(reference['lr'])))
    for i in resumed['lr']:
        assert resumed['lr'][i] == reference['lr'][i], f'lr of iteration {i}'
        assert resumed['loss'][i] == reference['loss'][i], f'loss of iteration {i}'


@pytest.fixture(scope='module')
def epoch_reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('epoch_ref')
    proc, out = run_worker(tmp, 'ref', loop='epoch')
    assert proc.returncode == 0, proc.stderr[-3000:]
    return load_result(out)


def test_epoch_loop_resumes_exactly_after_a_crash_mid_epoch(tmp_path, epoch_reference):
    # 4 epochs of 5 iterations; the process dies before iteration 12 (epoch 3, batch 2):
    # the last checkpoint is epoch_2.pth, iterations 10 and 11 are lost and trained again
    crashed, crashed_out = run_worker(tmp_path, 'crashed', loop='epoch', crash_at_iter=12)
    assert crashed.returncode == CRASHED, crashed.stderr[-3000:]
    work_dir = tmp_path / 'wd'
    assert find_latest_checkpoint(str(work_dir)) == str(work_dir / 'epoch_2.pth')
    before = load_result(crashed_out)
    for i in range(12):
        assert before['lr'][i] == epoch_reference['lr'][i]

    resumed, out = run_worker(tmp_path, 'resumed', loop='epoch', resume=True)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    result = load_result(out)
    assert_same_run(result, epoch_reference, first_resumed_iter=10)
    assert result['message_hub_best'] == epoch_reference['message_hub_best']
    # max_keep_ckpts=2 and save_best keep working across the resume
    names = sorted(p.name for p in work_dir.glob('*.pth'))
    best = [n for n in names if n.startswith('best_')]
    assert [n for n in names if not n.startswith('best_')] == ['epoch_3.pth', 'epoch_4.pth']
    assert len(best) == 1


def test_iter_loop_resumes_exactly_mid_pass_with_worker_processes(tmp_path):
    # 17 iterations over passes of 5 batches, 2 dataloader workers adding noise; checkpoints
    # every 7 iterations; the process dies before iteration 9, so the resume starts from
    # iter_7.pth: 2 batches into the second pass, whose iterator (and worker seeds) must be
    # re-created exactly
    ref, ref_out = run_worker(tmp_path / 'r', 'ref', loop='iter')
    assert ref.returncode == 0, ref.stderr[-3000:]
    crashed, _ = run_worker(tmp_path, 'crashed', loop='iter', crash_at_iter=9)
    assert crashed.returncode == CRASHED, crashed.stderr[-3000:]
    ckpt = load_checkpoint_file(find_latest_checkpoint(str(tmp_path / 'wd')))
    assert ckpt['meta']['iter'] == 7
    assert ckpt['train_loop'] == dict(ckpt['train_loop'], epoch=0, iter=6, **{
        'pass': 1, 'batches_in_pass': 2})
    resumed, out = run_worker(tmp_path, 'resumed', loop='iter', resume=True)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert_same_run(load_result(out), load_result(ref_out), first_resumed_iter=7)


def test_process_killed_while_saving_leaves_the_previous_checkpoint(tmp_path, epoch_reference):
    """SIGKILL while epoch_2.pth is half written: epoch_1.pth and the pointer stay valid, the
    torn file is a hidden .partial that nothing mistakes for a checkpoint, and resume=True
    continues from epoch 1 to the same end as the uninterrupted run."""
    spec = dict(work_dir=str(tmp_path / 'wd'), out=str(tmp_path / 'killed.pt'), loop='epoch',
                stall_on_save='epoch_2.pth')
    (tmp_path / 'killed.json').write_text(json.dumps(spec))
    proc = subprocess.Popen([sys.executable, WORKER, str(tmp_path / 'killed.json')],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(240, proc.kill)
    watchdog.start()
    try:
        stalled = any('SAVE-STALLED' in line for line in iter(proc.stdout.readline, ''))
        assert stalled, proc.stderr.read()[-3000:]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        watchdog.cancel()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    work_dir = tmp_path / 'wd'
    partial = [p.name for p in work_dir.iterdir() if p.name.endswith(PARTIAL_SUFFIX)]
    assert len(partial) == 1 and partial[0].startswith('.epoch_2.pth.')
    assert not (work_dir / 'epoch_2.pth').exists()
    assert (work_dir / 'last_checkpoint').read_text() == str(work_dir / 'epoch_1.pth')
    assert find_latest_checkpoint(str(work_dir)) == str(work_dir / 'epoch_1.pth')
    assert load_checkpoint_file(str(work_dir / 'epoch_1.pth'))['meta']['epoch'] == 1

    resumed, out = run_worker(tmp_path, 'resumed', loop='epoch', resume=True)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert_same_run(load_result(out), epoch_reference, first_resumed_iter=5)
    assert not [p for p in work_dir.iterdir() if p.name.endswith(PARTIAL_SUFFIX)]
