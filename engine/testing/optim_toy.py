"""A tiny deterministic model and data for optimizer tests and MMEngine goldens.

Pure torch on purpose: the golden recorder loads this file by path inside the MMEngine oracle
environment, where the ``engine`` package is not importable. Weights and data come from closed
formulas instead of a RNG so both sides agree bit for bit.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn


class ToyHead(nn.Module):
    """LayerNorm + Linear, nested one level to exercise name prefixes."""

    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(self.ln(x))


class OptimToyNet(nn.Module):
    """Conv2d, depth-wise Conv2d with bias, BatchNorm2d, LayerNorm, Linear, a 1-D Parameter,
    a frozen weight and (with ``share=True``) a weight shared by two Linear layers."""

    def __init__(self, share: bool = True):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.dwconv = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=True)
        self.bn = nn.BatchNorm2d(8)
        self.head = ToyHead()
        self.scale = nn.Parameter(torch.ones(4))
        self.frozen = nn.Linear(4, 4)
        self.tied_a = nn.Linear(4, 4, bias=False)
        self.tied_b = nn.Linear(4, 4, bias=False)
        if share:
            self.tied_b.weight = self.tied_a.weight
        init_deterministic(self)
        self.frozen.weight.requires_grad_(False)

    def forward(self, x):
        x = torch.relu(self.bn(self.dwconv(self.conv(x))))
        x = self.head(x.mean(dim=(2, 3))) * self.scale
        x = self.frozen(x)
        return self.tied_b(torch.tanh(self.tied_a(x)))


def init_deterministic(model: nn.Module) -> None:
    """Fill every parameter from a formula of its position (no RNG involved)."""
    with torch.no_grad():
        for k, (_, p) in enumerate(model.named_parameters()):
            idx = torch.arange(p.numel(), dtype=torch.float64)
            vals = 0.3 * torch.sin(0.7 * idx + 1.3 * k + 0.1) + (0.5 if p.ndim == 1 else 0.0)
            p.copy_(vals.reshape(p.shape).to(p.dtype))


def make_batch(step: int, batch_size: int = 4):
    """Input and target for iteration ``step``: smooth, distinct per step, RNG-free."""
    n_in = batch_size * 3 * 5 * 5
    idx = torch.arange(n_in, dtype=torch.float64)
    x = torch.cos(0.37 * idx + 0.91 * step).reshape(batch_size, 3, 5, 5)
    t_idx = torch.arange(batch_size * 4, dtype=torch.float64)
    target = 0.5 * torch.sin(0.53 * t_idx - 0.29 * step + math.pi / 7).reshape(batch_size, 4)
    return x.float(), target.float()


def toy_loss(model: nn.Module, step: int) -> torch.Tensor:
    """Mean squared error of ``model`` on batch ``step``."""
    x, target = make_batch(step)
    device = next(model.parameters()).device
    out = model(x.to(device))
    return ((out.float() - target.to(device)) ** 2).mean()


def param_names(model: nn.Module) -> dict:
    """``id(param) -> first dotted name``, to describe param groups by name."""
    return {id(p): n for n, p in model.named_parameters()}


def describe_groups(param_groups, names: dict, defaults: dict) -> list:
    """Param groups as JSON-able dicts: names, lr, weight_decay and every extra key.

    Keys of the optimizer's ``defaults`` (momentum, nesterov, ...) are left out, so the
    description shows what the constructor decided rather than what torch filled in.
    """
    skip = {'params', 'lr', 'weight_decay', 'initial_lr', *defaults}
    out = []
    for g in param_groups:
        desc = {'params': [names[id(p)] for p in g['params']],
                'lr': float(g['lr']), 'weight_decay': float(g.get('weight_decay', 0.0))}
        extras = {k: v for k, v in g.items() if k not in skip}
        desc['extra'] = {k: extras[k] for k in sorted(extras)}
        out.append(desc)
    return out
