"""Legacy-protocol twins of the engine's ToyClassifier and ToyDataset, for compat.

Same weight names (``net.*``), same initial weights, same samples, same maths: a legacy config
naming ``ToyClassifier``/``ToyDataset`` trains under compat what its converted config trains on
the engine, so a run can move between the runtimes mid-way (a checkpoint converted by
``migrate checkpoint``). The recorder hooks note the lr every iteration ran with.
"""
from __future__ import annotations

import contextlib
from typing import Dict, List

import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset

from engine.testing.toy_data import build_toy_layers, init_toy_weights, make_toy_classification

CLASSES = tuple(f'class_{i}' for i in range(4))
#: iteration -> lr per param group, filled by the recorder hooks of both runtimes
LRS: Dict[str, List[List[float]]] = {'legacy': [], 'engine': []}


class TwinToyClassifier(nn.Module):
    """The engine ToyClassifier's layers under MMCV's ``train_step(data, optimizer)``."""

    def __init__(self, num_features=8, hidden=16, num_classes=4, with_bn=False, init_seed=0,
                 train_cfg=None, test_cfg=None):
        super().__init__()
        self.net = build_toy_layers(num_features, hidden, num_classes, with_bn)
        init_toy_weights(self.net, init_seed)

    def init_weights(self) -> None:
        """Fixed by ``init_seed`` at construction."""

    def forward(self, inputs, gt_label=None, return_loss=True, **kwargs):
        logits = self.net(inputs)
        if return_loss:
            return dict(loss_cls=F.cross_entropy(logits, gt_label.view(-1).long()))
        return list(logits.softmax(dim=1))

    def train_step(self, data, optimizer, **kwargs):
        losses = self(**data)
        loss = losses['loss_cls']
        value = loss.item()
        return dict(loss=loss, log_vars={'loss_cls': value, 'loss': value},
                    num_samples=len(data['inputs']))

    def val_step(self, data, optimizer=None, **kwargs):
        return self.train_step(data, optimizer)


class TwinToyDataset(Dataset):
    """The engine ToyDataset's samples as legacy dicts (``inputs``, ``gt_label``)."""

    def __init__(self, num_samples=64, num_features=8, num_classes=4, seed=0, sample_seed=None,
                 **kwargs):
        self.inputs, self.labels = make_toy_classification(num_samples, num_features,
                                                           num_classes, seed, sample_seed)
        self.CLASSES = CLASSES[:num_classes]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return dict(inputs=self.inputs[idx], gt_label=self.labels[idx])


def _groups_lr(optimizer) -> List[float]:
    return [float(g['lr']) for g in optimizer.param_groups]


def make_legacy_recorder():
    from compat.runner.hooks import Hook

    class LegacyLrRecorder(Hook):
        # after the optimizer hook stepped and before the next before_train_iter sets a new lr
        def after_train_iter(self, runner):
            LRS['legacy'].append(_groups_lr(runner.optimizer))
    return LegacyLrRecorder


def make_engine_recorder():
    from engine.hooks.hook import Hook

    class EngineLrRecorder(Hook):
        priority = 'VERY_LOW'

        # before ParamSchedulerHook (after_train_iter) moves the lr to the next iteration's
        def before_train_iter(self, runner, batch_idx, data_batch=None):
            LRS['engine'].append(_groups_lr(runner.optim_wrapper.optimizer))
    return EngineLrRecorder()


@contextlib.contextmanager
def twins_registered():
    """Register the twins (and the legacy recorder) in compat's registries, then remove them."""
    from compat.apis.builder import DATASETS, MODELS
    from compat.runner.hooks.hook import HOOKS

    entries = [(MODELS, 'ToyClassifier', TwinToyClassifier),
               (DATASETS, 'ToyDataset', TwinToyDataset),
               (HOOKS, 'LegacyLrRecorder', make_legacy_recorder())]
    saved = [(reg, name, reg._modules.get(name)) for reg, name, _ in entries]
    for reg, name, cls in entries:
        reg.register_module(name=name, module=cls, force=True)
    try:
        yield
    finally:
        for reg, name, old in saved:
            if old is None:
                reg._modules.pop(name, None)
            else:
                reg._modules[name] = old
