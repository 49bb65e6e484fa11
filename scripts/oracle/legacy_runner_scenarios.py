"""Legacy-runner scenarios shared by the MMCV 1.7.2 recorder and compat's tests.

Imports neither MMCV nor our packages: each scenario receives the runtime's ``Hook``,
``EpochBasedRunner`` and ``IterBasedRunner`` and returns plain data (floats as
``float.hex``), so the golden and the replay compare bit for bit.
"""
from __future__ import annotations

import logging
import os

import torch
from torch import nn
from torch.utils.data import DataLoader, Sampler, TensorDataset

LOGGER = logging.getLogger('legacy_runner_scenarios')


class ToyModel(nn.Module):
    """A Linear regressor with MMCV's ``train_step``/``val_step`` contract."""

    def __init__(self, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.linear = nn.Linear(3, 1)

    def _loss(self, batch):
        x, y = batch
        return ((self.linear(x) - y) ** 2).mean(), len(x)

    def train_step(self, batch, optimizer, **kwargs):
        loss, n = self._loss(batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return dict(loss=loss.detach(), log_vars={'loss': loss.item()}, num_samples=n)

    def val_step(self, batch, optimizer=None, **kwargs):
        loss, n = self._loss(batch)
        return dict(loss=loss, log_vars={'val_loss': loss.item(),
                                         'grad': float(torch.is_grad_enabled())},
                    num_samples=n)


class RotatingSampler(Sampler):
    """Sequential order rotated by the epoch ``set_epoch`` last gave (records the calls)."""

    def __init__(self, size: int):
        self.size, self.epoch, self.calls = size, 0, []

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        self.calls.append(epoch)

    def __iter__(self):
        shift = self.epoch % self.size
        return iter([(i + shift) % self.size for i in range(self.size)])

    def __len__(self):
        return self.size


def make_loader(seed: int, size: int = 5, rotating: bool = False) -> DataLoader:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(size, 3, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1 * torch.randn(size, 1, generator=g)
    sampler = RotatingSampler(size) if rotating else None
    return DataLoader(TensorDataset(x, y), batch_size=2, shuffle=False, sampler=sampler)


def _hex(value) -> str:
    return float(value).hex()


def recording_hooks(hook_base, events: list, checkpoint_every: int, by_epoch: bool):
    """Hooks (name, priority) that log each stage call into ``events``; one also averages the
    log buffer and one saves checkpoints."""

    class Recorder(hook_base):
        def __init__(self, name):
            self.name = name

        def _record(self, stage, runner):
            loader = getattr(runner, 'data_loader', None)
            outputs = getattr(runner, 'outputs', None)
            events.append([self.name, stage, runner.epoch, runner.iter, runner.inner_iter,
                           runner.mode, runner.max_epochs, runner.max_iters,
                           None if loader is None else len(loader),
                           None if outputs is None else _hex(outputs['loss']),
                           {k: _hex(v) for k, v in runner.log_buffer.output.items()}])

    for stage in hook_base.stages + ('before_epoch', 'after_epoch'):
        setattr(Recorder, stage, (lambda s: lambda self, runner: self._record(s, runner))(stage))

    class Averager(hook_base):
        def after_train_iter(self, runner):
            runner.log_buffer.average(2)

        def after_val_epoch(self, runner):
            runner.log_buffer.average()

    class Saver(hook_base):
        def after_train_epoch(self, runner):
            if by_epoch and (runner.epoch + 1) % checkpoint_every == 0:
                runner.save_checkpoint(runner.work_dir)

        def after_train_iter(self, runner):
            if not by_epoch and (runner.iter + 1) % checkpoint_every == 0:
                runner.save_checkpoint(runner.work_dir)

    return [(Recorder('normal_a'), 'NORMAL'), (Recorder('very_high'), 'VERY_HIGH'),
            (Averager(), 'LOW'), (Recorder('p100'), 100), (Saver(), 'NORMAL'),
            (Recorder('normal_b'), 50), (Recorder('low'), 'LOW')]


def _weights(model) -> dict:
    return {k: [_hex(v) for v in t.flatten().tolist()] for k, t in model.state_dict().items()}


def _checkpoints(work_dir: str) -> dict:
    found = {}
    for name in sorted(os.listdir(work_dir)):
        path = os.path.join(work_dir, name)
        if not name.endswith('.pth'):
            continue
        meta = torch.load(path, map_location='cpu', weights_only=False)['meta']
        found[name] = {'epoch': meta['epoch'], 'iter': meta['iter'],
                       'link': os.readlink(path) if os.path.islink(path) else None}
    return found


def run_scenario(name: str, hook_base, runner_cls, work_dir: str, resume_from: str = None):
    """Run one named scenario in ``work_dir``; returns events, weights, checkpoints, hook info."""
    by_epoch, workflow, limit, every = SCENARIOS[name]
    events: list = []
    model = ToyModel(seed=1 if resume_from else 0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    limits = dict(max_epochs=limit) if by_epoch else dict(max_iters=limit)
    runner = runner_cls(model=model, optimizer=optimizer, work_dir=work_dir, logger=LOGGER,
                        meta=dict(seed=0), **limits)
    for hook, priority in recording_hooks(hook_base, events, every, by_epoch):
        runner.register_hook(hook, priority)
    if resume_from:
        runner.resume(os.path.join(work_dir, resume_from), map_location='cpu')
    loaders = [make_loader(seed, rotating=not by_epoch) for seed, _ in enumerate(workflow)]
    runner.run(loaders, workflow)
    return {'events': events, 'weights': _weights(model), 'checkpoints': _checkpoints(work_dir),
            'hook_order': [type(h).__name__ + ':' + getattr(h, 'name', '') for h in runner.hooks],
            'priorities': [int(h.priority) for h in runner.hooks],
            'hook_info': runner.get_hook_info(), 'lr': runner.current_lr(),
            'momentum': runner.current_momentum(),
            'set_epoch_calls': [getattr(l.sampler, 'calls', None) for l in loaders]}


# name -> (by_epoch, workflow, max_epochs or max_iters, checkpoint interval)
SCENARIOS = {
    'epoch_train': (True, [('train', 1)], 3, 1),
    'epoch_train_val': (True, [('train', 2), ('val', 1)], 3, 1),
    'iter_train_val': (False, [('train', 4), ('val', 2)], 10, 3),
}

# scenario -> checkpoint resumed from, in a copy of the full run's work dir
RESUMES = {'epoch_train_val': 'epoch_1.pth', 'iter_train_val': 'iter_6.pth'}
