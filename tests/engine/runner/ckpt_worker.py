"""Runs one training process for the checkpoint tests (a fresh interpreter per run).

    python ckpt_worker.py SPEC.json

SPEC: ``work_dir``, ``out`` (results file), ``loop`` ('epoch' | 'iter'), ``resume`` (bool),
``crash_at_iter`` (the process dies with ``os._exit(17)`` before training that iteration),
``stall_on_save`` (a checkpoint filename: its write stalls half-way after printing
``SAVE-STALLED``, so the parent can SIGKILL the process mid-write).

The task has every source of state a resume must restore: dropout in the model, random noise
added to each sample inside the dataloader workers, a shuffled ``DefaultSampler``, SGD momentum,
LinearLR warm-up then CosineAnnealingLR, bf16 autocast (``AmpOptimWrapper``), an ``EMAHook``,
validation with ``save_best``, ``max_keep_ckpts``.

Results (``torch.save``): final weights, optimizer and EMA states, and per iteration (by index)
the lr before it and the loss after it.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn

from engine import register_all_modules
from engine.hooks.hook import Hook
from engine.registry import DATASETS, MODELS
from engine.runner import Runner
from engine.testing.toy import ToyClassifier, ToyDataset

EPOCH_LEN = 5  # 40 samples, batch 8


@MODELS.register_module(force=True)
class DropoutToyClassifier(ToyClassifier):
    """The toy classifier with dropout between its layers: its output depends on the RNG."""

    def __init__(self, p: float = 0.3, **kwargs):
        super().__init__(**kwargs)
        self.net = nn.Sequential(self.net[0], self.net[1], nn.Dropout(p), self.net[2])


@DATASETS.register_module(force=True)
class NoisyToyDataset(ToyDataset):
    """Adds fresh gaussian noise to every sample it serves (drawn from the torch RNG of the
    process that loads it: a dataloader worker, seeded from the iterator's base seed)."""

    def __getitem__(self, idx):
        item = super().__getitem__(idx)
        item['inputs'] = item['inputs'] + 0.3 * torch.randn(item['inputs'].shape)
        return item


def torch_default_worker_seed(worker_id):
    """Leave each worker with torch's own seed, ``base_seed + worker_id``: the base seed is
    drawn from the main process's generator whenever an iterator is created, so a resumed
    run reproduces the workers' noise only if it re-creates the iterator from the same state.
    (The default worker_init_fn reseeds from ``randomness.seed`` instead, the same every
    pass.)"""


class RecordHook(Hook):
    priority = 'LOWEST'

    def __init__(self, spec):
        self.spec = spec
        self.lr, self.loss = {}, {}

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter == self.spec.get('crash_at_iter'):
            self.dump(runner)
            os._exit(17)
        self.lr[runner.iter] = [g['lr'] for g in runner.optim_wrapper.optimizer.param_groups]

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.loss[runner.iter] = float(outputs['loss'].detach())

    def after_train(self, runner):
        self.dump(runner)

    def dump(self, runner):
        ema = [h for h in runner.hooks if type(h).__name__ == 'EMAHook'][0]
        torch.save(dict(state_dict=runner.model.state_dict(),
                        optimizer=runner.optim_wrapper.state_dict(),
                        ema=ema.ema_model.state_dict(), lr=self.lr, loss=self.loss,
                        message_hub_best=runner.message_hub.get_info('best_score')),
                   self.spec['out'])


def build_cfg(spec):
    iter_loop = spec['loop'] == 'iter'
    total_iters = 17 if iter_loop else 4 * EPOCH_LEN
    loader = dict(batch_size=8, num_workers=2 if iter_loop else 0, persistent_workers=False,
                  sampler=dict(type='DefaultSampler', shuffle=True, seed=0),
                  collate_fn=dict(type='default_collate'),
                  dataset=dict(type='NoisyToyDataset', num_samples=8 * EPOCH_LEN, seed=0))
    val_loader = dict(batch_size=8, num_workers=0,
                      sampler=dict(type='DefaultSampler', shuffle=False),
                      collate_fn=dict(type='default_collate'),
                      dataset=dict(type='ToyDataset', num_samples=16, seed=0, sample_seed=1))
    if iter_loop:
        loader['worker_init_fn'] = dict(type=torch_default_worker_seed)
    if iter_loop:
        train_cfg = dict(type='IterBasedTrainLoop', max_iters=total_iters, val_interval=6)
        checkpoint = dict(type='CheckpointHook', interval=7, by_epoch=False, max_keep_ckpts=2)
    else:
        train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=4, val_interval=1)
        checkpoint = dict(type='CheckpointHook', interval=1, max_keep_ckpts=2,
                          save_best='accuracy/top1')
    return dict(
        model=dict(type='DropoutToyClassifier', p=0.3, num_features=8, hidden=16,
                   num_classes=4),
        work_dir=spec['work_dir'],
        train_dataloader=loader, val_dataloader=val_loader, val_cfg=dict(type='ValLoop'),
        val_evaluator=dict(type='Accuracy', topk=(1, )),
        optim_wrapper=dict(type='AmpOptimWrapper', dtype='bfloat16',
                           optimizer=dict(type='SGD', lr=0.2, momentum=0.9,
                                          weight_decay=1e-4)),
        param_scheduler=[
            dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=4),
            dict(type='CosineAnnealingLR', by_epoch=False, begin=4, end=total_iters,
                 eta_min=1e-3)],
        train_cfg=train_cfg,
        default_hooks=dict(checkpoint=checkpoint, logger=dict(type='LoggerHook', interval=5)),
        custom_hooks=[dict(type='EMAHook', momentum=0.1)],
        env_cfg=dict(mp_cfg=dict(mp_start_method='fork')),
        randomness=dict(seed=0), resume=bool(spec.get('resume')), log_level='WARNING')


def stall_writes_of(filename):
    """Make the checkpoint write of ``filename`` stop half-way, forever."""
    import engine.checkpoint.checkpoint_io as cio
    real = cio._write_payload

    def stalling(checkpoint, f):
        if not os.path.basename(f.name).startswith('.' + filename + '.'):
            return real(checkpoint, f)
        import io
        buffer = io.BytesIO()
        real(checkpoint, buffer)
        data = buffer.getvalue()
        f.write(data[:len(data) // 2])
        f.flush()
        print('SAVE-STALLED', flush=True)
        while True:
            time.sleep(60)

    cio._write_payload = stalling


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    torch.set_num_threads(1)
    register_all_modules()
    if spec.get('stall_on_save'):
        stall_writes_of(spec['stall_on_save'])
    runner = Runner.from_cfg(build_cfg(spec))
    runner.register_hook(RecordHook(spec))
    runner.train()


if __name__ == '__main__':
    main()
