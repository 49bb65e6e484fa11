"""LARS: SGD with a layer-wise trust ratio (You, Gitman and Ginsburg, arXiv:1708.03888).

Same arguments and update as the LARS that mmpretrain/mmselfsup register for MMEngine, so
their configs (``optimizer=dict(type='LARS', ...)``) run unchanged.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

import torch
from torch.optim import Optimizer

from engine.registry import OPTIMIZERS


@OPTIMIZERS.register_module()
class LARS(Optimizer):
    """Layer-wise adaptive rate scaling for SGD.

    For each parameter ``p`` with gradient ``g`` the step is
    ``lr * local_lr * (g + weight_decay * p)`` (then momentum as in SGD), where
    ``local_lr = eta * |p| / (|g| + weight_decay * |p| + eps)``, or 1 when either norm is zero.

    A param group with ``lars_exclude=True`` (set through
    ``paramwise_cfg.custom_keys[...]['lars_exclude']``) uses ``local_lr = 1``; its weight decay
    is the group's own ``weight_decay``, which mmselfsup configs zero with ``decay_mult=0``.

    Args:
        params: parameters or param group dicts.
        lr: base learning rate.
        momentum: momentum factor.
        weight_decay: L2 penalty.
        dampening: dampening for momentum.
        eta: trust coefficient.
        nesterov: use Nesterov momentum.
        eps: added to the trust-ratio denominator.
    """

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, weight_decay: float = 0,
                 dampening: float = 0, eta: float = 0.001, nesterov: bool = False,
                 eps: float = 1e-8) -> None:
        if lr < 0.0:
            raise ValueError(f'Invalid learning rate: {lr}')
        if momentum < 0.0:
            raise ValueError(f'Invalid momentum value: {momentum}')
        if weight_decay < 0.0:
            raise ValueError(f'Invalid weight_decay value: {weight_decay}')
        if eta < 0.0:
            raise ValueError(f'Invalid LARS coefficient value: {eta}')
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError('Nesterov momentum requires a momentum and zero dampening')
        self.eps = eps
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, eta=eta)
        super().__init__(params, defaults)

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault('nesterov', False)

    @torch.no_grad()
    def step(self, closure: Optional[Callable] = None):
        """Perform one optimization step; ``closure`` re-evaluates the loss if given."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            wd, momentum = group['weight_decay'], group['momentum']
            exclude = group.get('lars_exclude', False)
            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad
                local_lr = 1.0 if exclude else self._trust_ratio(p, grad, group['eta'], wd)
                update = grad.add(p, alpha=wd).mul(local_lr * group['lr'])
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get('momentum_buffer')
                    if buf is None:
                        # first step: the buffer starts as the update itself, as in torch SGD
                        buf = state['momentum_buffer'] = update.detach().clone()
                    else:
                        buf.mul_(momentum).add_(update, alpha=1 - group['dampening'])
                    update = update.add(buf, alpha=momentum) if group['nesterov'] else buf
                p.sub_(update)
        return loss

    def _trust_ratio(self, p: torch.Tensor, grad: torch.Tensor, eta: float, wd: float) -> float:
        # python floats keep the arithmetic in double precision like the reference implementation
        w_norm = torch.norm(p).item()
        g_norm = torch.norm(grad).item()
        if w_norm == 0 or g_norm == 0:
            return 1.0
        return eta * w_norm / (g_norm + wd * w_norm + self.eps)
