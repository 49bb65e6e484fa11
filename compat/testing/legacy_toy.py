"""A toy legacy-protocol classifier and dataset, as MMDet 2.x / MMCls 0.x models were written.

Pure torch and numpy: the MMCV 1.7.2 oracle loads this file by path and registers the classes
in its own registries, and compat registers them in ``compat.apis``, so both runtimes train
bit-identical models on bit-identical data. The model follows the legacy contract the runners
call: ``train_step(data, optimizer)`` returning ``loss``, ``log_vars`` and ``num_samples``,
``val_step``, and ``forward(return_loss=False)`` for ``single_gpu_test``. The dataset has a
``flag`` (MMDet's aspect-ratio groups) and ``evaluate(results, logger, **opts)``.

Example: ``LegacyToyDataset(num_samples=64)[0]`` is ``dict(img=<8 floats>, gt_label=<int>)``.
"""
from __future__ import annotations

import importlib.util
import os
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset

try:
    from engine.testing.toy_data import build_toy_layers, init_toy_weights, make_toy_classification
except ImportError:  # loaded by path under the oracle interpreter, which has no `engine`
    _spec = importlib.util.spec_from_file_location(
        '_legacy_toy_data', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                                         'engine', 'testing', 'toy_data.py'))
    _toy_data = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_toy_data)
    build_toy_layers = _toy_data.build_toy_layers
    init_toy_weights = _toy_data.init_toy_weights
    make_toy_classification = _toy_data.make_toy_classification


def parse_losses(losses: Dict[str, Any]) -> Tuple[torch.Tensor, Dict[str, float]]:
    """MMDet 2.x ``BaseDetector._parse_losses``: mean each entry (a list is summed), total the
    keys containing ``'loss'``, average the logged values over ranks, log floats."""
    log_vars: Dict[str, torch.Tensor] = OrderedDict()
    for name, value in losses.items():
        if isinstance(value, torch.Tensor):
            log_vars[name] = value.mean()
        elif isinstance(value, list):
            log_vars[name] = sum(v.mean() for v in value)
        else:
            raise TypeError(f'{name} is not a tensor or list of tensors')
    loss = sum(v for k, v in log_vars.items() if 'loss' in k)
    log_vars['loss'] = loss
    logged: Dict[str, float] = OrderedDict()
    for name, value in log_vars.items():
        if dist.is_available() and dist.is_initialized():
            value = value.data.clone()
            dist.all_reduce(value.div_(dist.get_world_size()))
        logged[name] = value.item()
    return loss, logged


class LegacyToyClassifier(nn.Module):
    """Linear-ReLU(-BN)-Linear split into ``backbone`` and ``head`` (so per-module optimizers
    and ``paramwise_cfg`` custom keys have something to name); deterministic weights."""

    def __init__(self, num_features: int = 8, hidden: int = 16, num_classes: int = 4,
                 with_bn: bool = False, init_seed: int = 0, aux_loss_weight: float = 0.0,
                 train_cfg: Optional[dict] = None, test_cfg: Optional[dict] = None):
        super().__init__()
        layers = list(build_toy_layers(num_features, hidden, num_classes, with_bn))
        self.backbone = nn.Sequential(*layers[:-1])
        self.head = layers[-1]
        init_toy_weights(self, init_seed)
        self.aux_loss_weight = aux_loss_weight
        self.train_cfg, self.test_cfg = train_cfg, test_cfg
        self.fp16_enabled = False

    def init_weights(self) -> None:
        """Weights are fixed by ``init_seed`` at construction; nothing to redo."""

    def forward(self, img, gt_label=None, img_metas=None, return_loss: bool = True, **kwargs):
        logits = self.head(self.backbone(img))
        if not return_loss:
            return list(logits.softmax(dim=1).detach().cpu().numpy())
        losses = dict(loss_cls=F.cross_entropy(logits, gt_label.view(-1)))
        if self.aux_loss_weight:
            # a list-valued loss, as MMDet's multi-level heads return: summed by parse_losses
            losses['loss_aux'] = [self.aux_loss_weight * p.pow(2).mean()
                                  for p in self.head.parameters()]
        losses['acc'] = (logits.argmax(dim=1) == gt_label.view(-1)).float().mean() * 100
        return losses

    def train_step(self, data: Dict[str, Any], optimizer) -> Dict[str, Any]:
        losses = self(**data)
        loss, log_vars = parse_losses(losses)
        if isinstance(optimizer, dict):
            # several optimizers (MMEditing/MMGen style): the model steps them itself and the
            # config has no optimizer hook
            for opt in optimizer.values():
                opt.zero_grad()
            loss.backward()
            for opt in optimizer.values():
                opt.step()
        return dict(loss=loss, log_vars=log_vars, num_samples=len(data['img']))

    def val_step(self, data: Dict[str, Any], optimizer=None, **kwargs) -> Dict[str, Any]:
        losses = self(**data)
        loss, log_vars = parse_losses(losses)
        # MMDet 2.x suffixes the validation log keys
        log_vars = OrderedDict((f'{k}_val', v) for k, v in log_vars.items())
        return dict(loss=loss, log_vars=log_vars, num_samples=len(data['img']))


class LegacyToyDataset(Dataset):
    """The toy task as a legacy dataset. ``groups`` > 1 splits samples into aspect-ratio-like
    groups (``flag``) for MMDet's group samplers. ``container`` is set by the registering
    runtime to its ``DataContainer`` class; then items carry ``img_metas`` in one, as MMDet's
    ``Collect`` did."""

    container: Any = None

    def __init__(self, num_samples: int = 64, num_features: int = 8, num_classes: int = 4,
                 seed: int = 0, sample_seed: Optional[int] = None, groups: int = 1,
                 pipeline: Optional[List[dict]] = None, test_mode: bool = False):
        self.inputs, self.labels = make_toy_classification(num_samples, num_features,
                                                           num_classes, seed, sample_seed)
        self.CLASSES = tuple(f'class_{i}' for i in range(num_classes))
        self.flag = np.array([i % groups for i in range(num_samples)], dtype=np.uint8)
        self.pipeline, self.test_mode = pipeline, test_mode

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, idx: int) -> Dict[str, Any]:
        item = dict(img=self.inputs[idx], gt_label=self.labels[idx])
        if self.container is not None:
            item['img_metas'] = self.container(dict(idx=int(idx), flag=int(self.flag[idx])),
                                               cpu_only=True)
        return item

    def evaluate(self, results: Sequence[np.ndarray], metric: Any = 'accuracy',
                 logger=None, topk: Sequence[int] = (1, ), **kwargs) -> Dict[str, float]:
        """``accuracy`` (top-1 %, or ``accuracy_top-k`` for several ``topk``) and ``error``
        (100 - top-1 accuracy), in the order ``metric`` names them."""
        metrics = [metric] if isinstance(metric, str) else list(metric)
        unknown = [m for m in metrics if m not in ('accuracy', 'error')]
        if unknown:
            raise KeyError(f'metric {unknown} is not supported')
        scores = np.stack(list(results))
        labels = self.labels.numpy()[:len(scores)]
        ranked = np.argsort(-scores, axis=1, kind='stable')
        acc = {k: float((ranked[:, :k] == labels[:, None]).any(axis=1).mean() * 100)
               for k in topk}
        out: Dict[str, float] = OrderedDict()
        for m in metrics:
            if m == 'accuracy':
                if len(acc) == 1:
                    out['accuracy'] = acc[topk[0]]
                else:
                    out.update((f'accuracy_top-{k}', v) for k, v in acc.items())
            else:
                out['error'] = 100.0 - acc[min(topk)]
        return out
