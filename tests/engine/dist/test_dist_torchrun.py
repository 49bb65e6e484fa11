"""``migrate train --launcher pytorch`` under torchrun with 2 CPU processes (gloo) against the same
config in one process with the same global batch.

Why the weights must agree: ``DefaultSampler`` draws one permutation (seed + epoch) for all ranks
and rank r takes every 2nd index from r, so with 4 samples per rank the two ranks' step-k batches
together are exactly the single process's step-k batch of 8. Each rank's loss is a mean over its
4 samples and DDP averages the gradients over the 2 ranks, which is the mean-loss gradient of the
8 samples: SGD (with momentum and weight decay, no batch norm) then takes the same step. Only the
summation order differs, hence the 1e-6 tolerance.

The validation set has 13 samples: the sampler pads rank 1 with a repeat of sample 0, which must
be dropped when the predictions of both ranks are gathered.
"""
import json
import os
import socket
import subprocess
import sys

import pytest
import torch
import torch.distributed as dist

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
BASE = os.path.join(ROOT, 'fixtures', 'configs', 'engine', 'toy_sgd_warmup_multistep.py')
TRAIN_SAMPLES, VAL_SAMPLES, GLOBAL_BATCH, EPOCHS, LOG_INTERVAL = 32, 13, 8, 2, 2
ITERS_PER_EPOCH = TRAIN_SAMPLES // GLOBAL_BATCH

pytestmark = pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                                reason='torch.distributed with gloo is not available')


def _write_config(path, batch_size):
    path.write_text(f'''_base_ = [{BASE!r}]
train_dataloader = dict(batch_size={batch_size},
                        sampler=dict(type='DefaultSampler', shuffle=True, seed=0),
                        dataset=dict(num_samples={TRAIN_SAMPLES}))
val_dataloader = dict(batch_size=3, dataset=dict(num_samples={VAL_SAMPLES}))
train_cfg = dict(max_epochs={EPOCHS})
default_hooks = dict(logger=dict(type='LoggerHook', interval={LOG_INTERVAL}),
                     checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=-1))
custom_hooks = [dict(type='SyncBuffersHook')]
env_cfg = dict(dist_cfg=dict(backend='gloo'))
''')
    return str(path)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _env():
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=ROOT)
    env.pop('RANK', None)
    env.pop('WORLD_SIZE', None)
    return env


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('dist')
    single_wd, dist_wd = tmp / 'single', tmp / 'dist'
    single = subprocess.Popen(
        [sys.executable, '-m', 'migrate.cli', 'train', _write_config(tmp / 'b8.py', GLOBAL_BATCH),
         '--work-dir', str(single_wd)], cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    two = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
         '--master_addr', '127.0.0.1', '--master_port', str(_free_port()), '-m', 'migrate.cli',
         'train', _write_config(tmp / 'b4.py', GLOBAL_BATCH // 2), '--launcher', 'pytorch',
         '--work-dir', str(dist_wd)],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=240)
    single_out, _ = single.communicate(timeout=240)
    assert single.returncode == 0, single_out
    assert two.returncode == 0, two.stdout + two.stderr
    return dict(single=(single_wd, single_out), dist=(dist_wd, two.stdout))


def _records(work_dir):
    (log_dir,) = [d for d in work_dir.iterdir() if d.is_dir()]
    return [json.loads(line) for line in (log_dir / 'vis_data' / 'scalars.json').open()]


def test_two_ranks_end_with_the_single_process_weights(runs):
    for epoch in range(1, EPOCHS + 1):
        one = torch.load(runs['single'][0] / f'epoch_{epoch}.pth', weights_only=True)
        two = torch.load(runs['dist'][0] / f'epoch_{epoch}.pth', weights_only=True)
        assert one['meta']['iter'] == two['meta']['iter'] == epoch * ITERS_PER_EPOCH
        assert list(one['state_dict']) == list(two['state_dict'])
        assert not any(k.startswith('module.') for k in two['state_dict'])
        for key, value in one['state_dict'].items():
            torch.testing.assert_close(two['state_dict'][key], value, rtol=0, atol=1e-6)
    # training moved the weights: the comparison is not between two untouched models
    first = torch.load(runs['single'][0] / 'epoch_1.pth', weights_only=True)['state_dict']
    last = torch.load(runs['single'][0] / f'epoch_{EPOCHS}.pth', weights_only=True)['state_dict']
    assert any((first[k] - last[k]).abs().max() > 1e-3 for k in first)


def test_gathered_validation_metric_equals_the_single_process_metric(runs):
    one = [r for r in _records(runs['single'][0]) if 'accuracy/top1' in r]
    two = [r for r in _records(runs['dist'][0]) if 'accuracy/top1' in r]
    assert [r['step'] for r in two] == list(range(1, EPOCHS + 1))
    assert [r['accuracy/top1'] for r in two] == [r['accuracy/top1'] for r in one]
    # with 13 samples every accuracy is k/13 (float32 maths); the padded repeat would give k/14
    for r in two:
        k = r['accuracy/top1'] * VAL_SAMPLES / 100
        assert abs(k - round(k)) < 1e-5 and 0 < round(k) < VAL_SAMPLES


def test_rank_zero_alone_writes_checkpoints_and_logs(runs):
    work_dir, stdout = runs['dist']
    log_dirs = [d for d in work_dir.iterdir() if d.is_dir()]
    assert len(log_dirs) == 1
    ts = log_dirs[0].name
    assert sorted(p.name for p in work_dir.iterdir()) == sorted(
        [ts, 'last_checkpoint'] + [f'epoch_{e}.pth' for e in range(1, EPOCHS + 1)])
    assert sorted(p.name for p in log_dirs[0].iterdir()) == [f'{ts}.log', 'vis_data']
    assert sorted(p.name for p in (log_dirs[0] / 'vis_data').iterdir()) == sorted(
        [f'{ts}.json', 'config.py', 'scalars.json'])
    # one record per logging step: per-rank iterations are the single run's, once each
    steps_per_epoch = [i + 1 for i in range(ITERS_PER_EPOCH) if (i + 1) % LOG_INTERVAL == 0]
    expected = [e * ITERS_PER_EPOCH + s for e in range(EPOCHS) for s in steps_per_epoch]
    records = _records(work_dir)
    assert [r['step'] for r in records if 'lr' in r] == expected
    assert len(records) == len(expected) + EPOCHS
    # the console shows each progress line once (rank 1 logs errors only)
    val_line = f'Epoch(val) [{EPOCHS}][3/3]'
    assert stdout.count(val_line) == 1, stdout
    assert stdout.count(f'Epoch(train) [1][{LOG_INTERVAL}/{ITERS_PER_EPOCH}]') == 1
    text_log = (log_dirs[0] / f'{ts}.log').read_text()
    assert text_log.count(val_line) == 1 and 'eta: ' in text_log
