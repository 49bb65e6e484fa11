"""Pure-torch pieces of the toy task: data generation and deterministic initialisation.

Imports nothing from ``engine`` so that oracle recording scripts (running the real MMEngine in
its own virtualenv) can load this file by path and build bit-identical models and data.
"""
from __future__ import annotations

from typing import Optional, Tuple

import torch
import torch.nn as nn


def make_toy_classification(num_samples: int = 64, num_features: int = 8, num_classes: int = 4,
                            seed: int = 0, sample_seed: Optional[int] = None
                            ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Gaussian blobs: ``(inputs[num_samples, num_features], labels[num_samples])``.

    ``seed`` fixes the task (the class centres); ``sample_seed`` (default: ``seed``) draws the
    samples, so a validation split is the same task with another ``sample_seed``. The result
    never depends on the global RNG state.
    """
    centers = torch.randn(num_classes, num_features,
                          generator=torch.Generator().manual_seed(seed)) * 2.0
    g = torch.Generator().manual_seed(10_000 + (seed if sample_seed is None else sample_seed))
    labels = torch.arange(num_samples) % num_classes
    labels = labels[torch.randperm(num_samples, generator=g)]
    inputs = centers[labels] + torch.randn(num_samples, num_features, generator=g)
    return inputs.float(), labels.long()


def build_toy_layers(num_features: int = 8, hidden: int = 16, num_classes: int = 4,
                     with_bn: bool = False) -> nn.Sequential:
    layers = [nn.Linear(num_features, hidden)]
    if with_bn:
        layers.append(nn.BatchNorm1d(hidden))
    layers += [nn.ReLU(), nn.Linear(hidden, num_classes)]
    return nn.Sequential(*layers)


@torch.no_grad()
def init_toy_weights(module: nn.Module, seed: int = 0) -> None:
    """Overwrite every floating parameter, in ``named_parameters`` order, from one generator."""
    g = torch.Generator().manual_seed(seed)
    for _, p in module.named_parameters():
        fan_in = p.shape[-1] if p.dim() > 1 else p.numel()
        p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)


def stack_inputs(inputs) -> torch.Tensor:
    """Accept a batched tensor (default_collate) or a list of samples (pseudo_collate)."""
    if isinstance(inputs, (list, tuple)):
        return torch.stack(list(inputs))
    return inputs


def gather_labels(data_samples) -> torch.Tensor:
    """Labels from ``[{'gt_label': t}, ...]`` (pseudo_collate) or ``{'gt_label': t[B]}``."""
    if isinstance(data_samples, dict):
        return torch.as_tensor(data_samples['gt_label']).view(-1).long()
    return torch.stack([torch.as_tensor(s['gt_label']).view(()) for s in data_samples]).long()
