"""HK010 on the real MMEngine 0.10.7 (imported by record_hookcode_mmengine_binding.py; runs
with the oracle interpreter, never imports our packages).

A class ported from a runner subclass is a train loop registered in
``mmengine.registry.LOOPS`` under its name. Each one trains a toy ``BaseModel`` through
MMEngine's own ``Runner`` with ``train_cfg=dict(type=<name>, max_epochs|max_iters=...)``, as the
converted config selects it; for an epoch loop the training forward at ``NAN_AT`` gives a NaN
loss. Recorded: the
loss each iteration and whether the weights moved (a hook after the iteration), the epochs told
to the training set (``set_epoch``), the messages the loop logged, the error training ended
with (if any) and the final weights. tests/migrate/hookcode/test_port_runner_subclass.py reads
them: the same points and values the legacy runner gave on compat.
"""
from __future__ import annotations

import logging
import tempfile

import torch
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.registry import LOOPS
from mmengine.runner import BaseLoop, IterBasedTrainLoop, Runner

NAN_AT = 5
EPOCHS, ITERS, SAMPLES, BATCH = 3, 12, 8, 2
MESSAGES = ('non-finite', 'epoch %d done', 'iteration %d of')


class ToyModel(BaseModel):
    def __init__(self, nan_at):
        super().__init__()
        self.nan_at = nan_at
        torch.manual_seed(0)
        self.fc = torch.nn.Linear(4, 2)
        self.forwards = 0

    def forward(self, inputs, targets=None, mode='tensor'):
        out = self.fc(inputs)
        if mode != 'loss':
            return out
        loss = (out - targets).pow(2).mean()
        if self.forwards == self.nan_at:
            loss = loss * float('nan')
        self.forwards += 1
        return {'loss': loss}


class ToySet(torch.utils.data.Dataset):
    def __init__(self):
        g = torch.Generator().manual_seed(1)
        self.x = torch.randn(SAMPLES, 4, generator=g)
        self.y = torch.randn(SAMPLES, 2, generator=g)
        self.epochs = []

    def set_epoch(self, epoch):
        self.epochs.append(epoch)

    def __len__(self):
        return SAMPLES

    def __getitem__(self, i):
        return dict(inputs=self.x[i], targets=self.y[i])


class Record(Hook):
    def __init__(self, rows):
        self.rows = rows
        self.before = None

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.before = [p.detach().clone() for p in runner.model.parameters()]

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        stepped = any(not torch.equal(a, p) for a, p in zip(self.before,
                                                             runner.model.parameters()))
        self.rows.append({'iter': runner.iter, 'loss': repr(float(outputs['loss'])),
                          'stepped': stepped})


def _train(name, iter_based):
    rows, logged = [], []
    originals = {m: getattr(logging.Logger, m) for m in ('info', 'warning')}

    def recorder(method):
        def record(logger, msg, *args, **kwargs):
            if isinstance(msg, str) and msg.startswith(MESSAGES):
                logged.append([method, msg % args])
            return originals[method](logger, msg, *args, **kwargs)
        return record

    length = dict(max_iters=ITERS) if iter_based else dict(max_epochs=EPOCHS)
    error = None
    for method in originals:
        setattr(logging.Logger, method, recorder(method))
    try:
        with tempfile.TemporaryDirectory() as work_dir:
            runner = Runner(
                model=ToyModel(None if iter_based else NAN_AT), work_dir=work_dir,
                experiment_name=f'hk010_{name}',
                train_dataloader=dict(dataset=ToySet(), batch_size=BATCH,
                                      sampler=dict(type='DefaultSampler', shuffle=False),
                                      collate_fn=dict(type='default_collate')),
                train_cfg=dict(type=name, **length),
                optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
                custom_hooks=[Record(rows)], default_hooks=dict(checkpoint=None),
                randomness=dict(seed=0), log_level='INFO')
            try:
                runner.train()
            except RuntimeError as e:
                error = f'{type(e).__name__}: {e}'
            told = runner.train_loop.dataloader.dataset.epochs   # the runner's copy
            weights = {k: [round(v, 6) for v in t.flatten().tolist()]
                       for k, t in runner.model.state_dict().items()}
    finally:
        for method, original in originals.items():
            setattr(logging.Logger, method, original)
    return {'train_cfg': dict(type=name, **length), 'iterations': rows,
            'epochs_told': told, 'logged': logged, 'error': error,
            'weights': weights}


def check(cls_name, cls):
    """What the port of a runner does on MMEngine ({} for a class that is no loop)."""
    if not (isinstance(cls, type) and issubclass(cls, BaseLoop)):
        return {}
    out = {'loop': True, 'loop_registered': LOOPS.get(cls_name) is cls}
    out['loop_run'] = _train(cls_name, issubclass(cls, IterBasedTrainLoop))
    return out
