"""Evaluation-hook scenarios shared by the MMCV 1.7.2 recorder and compat's tests.

Imports neither MMCV nor our packages: each scenario receives the runtime's runner classes
and ``EvalHook`` and returns plain data (floats as ``float.hex``, paths relative to the work
dir), so the golden and the replay compare bit for bit. The toy dataset's ``evaluate`` has
the signature legacy datasets use (MMCls 0.x ``BaseDataset.evaluate(results, metric,
metric_options, indices, logger)``): it returns accuracy-like and loss-like metrics.
"""
from __future__ import annotations

import logging
import os
from collections import OrderedDict

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

LOGGER = logging.getLogger('legacy_eval_scenarios')


class ToyRegressor(nn.Module):
    """A Linear regressor with MMCV's ``train_step`` and the ``forward(return_loss=False)``
    test contract: a list with one float prediction per sample."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.linear = nn.Linear(3, 1)

    def forward(self, x, y, return_loss=True):
        pred = self.linear(x)
        if return_loss:
            return ((pred - y) ** 2).mean()
        return pred.squeeze(1).tolist()

    def train_step(self, batch, optimizer, **kwargs):
        loss = self(**batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return dict(loss=loss.detach(), log_vars={'loss': loss.item()}, num_samples=2)


class ToyDataset(Dataset):
    """Dict samples; ``evaluate`` records each call and returns accuracy/mse/loss."""

    def __init__(self, seed: int, size: int = 5):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(size, 3, generator=g)
        self.y = self.x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3 * torch.randn(size, 1,
                                                                                   generator=g)
        self.calls: list = []

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return dict(x=self.x[i], y=self.y[i])

    def evaluate(self, results, metric='accuracy', logger=None, thr=1.0, **kwargs):
        targets = self.y.squeeze(1).tolist()
        errors = [abs(p - t) for p, t in zip(results, targets)]
        mse = sum(e * e for e in errors) / len(errors)
        self.calls.append({'results': [float(r).hex() for r in results], 'metric': metric,
                           'thr': thr, 'logger': logger is not None, 'extra': sorted(kwargs)})
        # a key order that makes save_best='auto' pick 'accuracy' (first key)
        return OrderedDict(accuracy=sum(e < thr for e in errors) / len(errors),
                           mse=mse, val_loss=mse * 2)


def make_loader(dataset, sampler=None) -> DataLoader:
    return DataLoader(dataset, batch_size=2, shuffle=False, sampler=sampler)


def _hex_dict(d: dict) -> dict:
    return {k: float(v).hex() if isinstance(v, float) else v for k, v in d.items()}


def recorder_hook(hook_base, events: list, by_epoch: bool):
    """A VERY_LOW hook recording the log buffer and hook_msgs after each train epoch/iter."""

    class Recorder(hook_base):
        def _record(self, runner):
            msgs = dict((runner.meta or {}).get('hook_msgs', {}))
            if 'best_ckpt' in msgs:
                msgs['best_ckpt'] = os.path.relpath(msgs['best_ckpt'], runner.work_dir)
            events.append([runner.epoch, runner.iter, runner.log_buffer.ready,
                           _hex_dict(runner.log_buffer.output), _hex_dict(msgs)])
            runner.log_buffer.clear_output()

        def after_train_epoch(self, runner):
            if by_epoch:
                self._record(runner)

        def after_train_iter(self, runner):
            if not by_epoch:
                self._record(runner)

    return Recorder()


def _checkpoints(work_dir: str) -> dict:
    found = {}
    for root, _, names in os.walk(work_dir):
        for name in sorted(names):
            if name.endswith('.pth'):
                path = os.path.join(root, name)
                meta = torch.load(path, map_location='cpu', weights_only=False)['meta']
                msgs = dict(meta.get('hook_msgs', {}))
                if 'best_ckpt' in msgs:
                    msgs['best_ckpt'] = os.path.relpath(msgs['best_ckpt'], work_dir)
                found[os.path.relpath(path, work_dir)] = {
                    'epoch': meta['epoch'], 'iter': meta['iter'], 'hook_msgs': _hex_dict(msgs)}
    return found


def build_eval_run(name: str, hook_base, runner_cls, eval_hook_cls, work_dir: str,
                   sampler=None, **hook_extra):
    """The runner, val dataset and recorded events of scenario ``name`` (not yet run)."""
    by_epoch, limit, hook_kwargs = SCENARIOS[name]
    events: list = []
    model = ToyRegressor()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02)
    limits = dict(max_epochs=limit) if by_epoch else dict(max_iters=limit)
    runner = runner_cls(model=model, optimizer=optimizer, work_dir=work_dir, logger=LOGGER,
                        meta=dict(seed=0), **limits)
    val_set = ToyDataset(seed=7)
    hook = eval_hook_cls(make_loader(val_set, sampler), by_epoch=by_epoch,
                         **hook_kwargs, **hook_extra)
    runner.register_hook(hook, 'LOW')
    runner.register_hook(recorder_hook(hook_base, events, by_epoch), 'VERY_LOW')
    return runner, val_set, events, hook


def run_scenario(name: str, hook_base, runner_cls, eval_hook_cls, work_dir: str,
                 sampler=None, **hook_extra) -> dict:
    """Run scenario ``name`` in ``work_dir``; returns evaluate calls, log/hook_msgs events,
    checkpoints and the hook's final rule/key."""
    runner, val_set, events, hook = build_eval_run(name, hook_base, runner_cls, eval_hook_cls,
                                                   work_dir, sampler, **hook_extra)
    runner.run([make_loader(ToyDataset(seed=1, size=6))], [('train', 1)])
    return {'evaluate_calls': val_set.calls, 'events': events,
            'checkpoints': _checkpoints(work_dir),
            'rule': getattr(hook, 'rule', None), 'key': getattr(hook, 'key_indicator', None)}


# name -> (by_epoch, max_epochs or max_iters, EvalHook kwargs)
SCENARIOS = {
    'epoch_every': (True, 4, dict()),
    'epoch_auto_best': (True, 5, dict(save_best='auto', metric='accuracy', thr=0.8)),
    'epoch_start_interval': (True, 7, dict(start=2, interval=2, save_best='mse', rule='less')),
    'epoch_start_zero': (True, 3, dict(start=0, save_best='val_loss')),
    'epoch_rule_less': (True, 4, dict(save_best='accuracy', rule='less', thr=2.0)),
    'epoch_less_keys': (True, 4, dict(save_best='mse', less_keys=['mse'], thr=0.5)),
    'epoch_greater_keys': (True, 4, dict(save_best='mse', greater_keys='mse')),
    'iter_interval': (False, 10, dict(interval=3, save_best='val_loss')),
    'iter_start': (False, 9, dict(start=2, interval=3, save_best='auto')),
}

# name -> EvalHook kwargs that MMCV refuses at construction (recorded: exception type, text)
ERROR_CASES = {
    'uninferable_rule': dict(save_best='mse'),
    'unknown_rule': dict(save_best='accuracy', rule='max'),
    'zero_interval': dict(interval=0),
    'negative_start': dict(start=-1),
    'str_less_keys': dict(save_best='val_loss', less_keys='val_loss'),
}


def construction_error(eval_hook_cls, kwargs: dict):
    """``[type name, message]`` of the error building an EvalHook with ``kwargs``, or None."""
    try:
        eval_hook_cls(make_loader(ToyDataset(seed=7)), **kwargs)
    except Exception as exc:  # noqa: BLE001 - the golden records whatever MMCV raised
        return [type(exc).__name__, str(exc)]
    return None


# save_best keys (with greater_keys/less_keys) whose inferred rule is recorded: MMDet's
# 'bbox_mAP'/'AR@100', MMSeg's 'mIoU', case-insensitive 'Loss', and an exact less key that
# also contains a default greater key ('top')
RULE_CASES = {
    'bbox_mAP': dict(save_best='bbox_mAP'),
    'AR@100': dict(save_best='AR@100'),
    'mIoU': dict(save_best='mIoU'),
    'Total_Loss': dict(save_best='Total_Loss'),
    'top_err_exact_less': dict(save_best='top_err', less_keys=['top_err']),
    'loss_acc_substring': dict(save_best='loss_acc'),
    'custom_greater': dict(save_best='psnr', greater_keys=('psnr',)),
}


def inferred_rule(eval_hook_cls, kwargs: dict):
    """The ``rule`` an EvalHook built with ``kwargs`` inferred."""
    return eval_hook_cls(make_loader(ToyDataset(seed=7)), **kwargs).rule
