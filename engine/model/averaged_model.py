"""Weight averaging (EMA, SWA) of a model, with MMEngine's update rules and state_dict layout.

An averaged model holds a frozen copy of the source model in ``self.module`` and a ``steps``
buffer, so its ``state_dict`` reads ``steps`` + ``module.<name>``: a checkpoint's
``ema_state_dict`` written by MMEngine loads here unchanged, and the other way round.
"""
from __future__ import annotations

import logging
from copy import deepcopy
from typing import Dict, Optional

import torch
import torch.nn as nn
from torch import Tensor

from engine.errors import ConfigError
from engine.registry import MODELS

logger = logging.getLogger('engine')


class AveragingConfigError(ConfigError, AssertionError):
    """A bad averaging argument; also an ``AssertionError``, which is what MMEngine raises."""


class BaseAveragedModel(nn.Module):
    """Keeps a running average of a model's parameters (and optionally its buffers).

    Subclasses implement :meth:`avg_func`, an in-place update of one tensor.

    Args:
        model: the model to average; it is deep-copied and frozen.
        interval: average every ``interval`` calls of :meth:`update_parameters`.
        device: where to keep the copy (default: where ``model`` lives).
        update_buffers: also average floating-point buffers (BN statistics); when False the
            buffers are copied from the source model at every update.
    """

    def __init__(self, model: nn.Module, interval: int = 1,
                 device: Optional[torch.device] = None, update_buffers: bool = False) -> None:
        super().__init__()
        self.module = deepcopy(model).requires_grad_(False)
        self.interval = interval
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer('steps', torch.tensor(0, dtype=torch.long, device=device))
        self.update_buffers = update_buffers

    @property
    def avg_parameters(self) -> Dict[str, Tensor]:
        """The tensors being averaged, by name.

        Looked up on every call rather than cached, so that moving the module to another
        device (which replaces buffer tensors) cannot leave us updating stale copies.
        """
        if self.update_buffers:
            return self.module.state_dict()
        return dict(self.module.named_parameters())

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: Tensor) -> None:
        """Update ``averaged_param`` in place from ``source_param`` (``steps`` updates so far)."""
        raise NotImplementedError(f'{type(self).__name__} must implement avg_func')

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    @torch.no_grad()
    def update_parameters(self, model: nn.Module) -> None:
        """Fold the current weights of ``model`` into the average and count one step.

        The first call copies the weights (the average starts at the model), later calls
        average on every ``interval``-th step; integer tensors are only copied on step 0.
        """
        src = model.state_dict() if self.update_buffers else dict(model.named_parameters())
        steps = int(self.steps)
        if steps == 0:
            for name, p_avg in self.avg_parameters.items():
                p_avg.data.copy_(src[name].data)
        elif steps % self.interval == 0:
            for name, p_avg in self.avg_parameters.items():
                if p_avg.dtype.is_floating_point:
                    self.avg_func(p_avg.data, src[name].data.to(p_avg.device), self.steps)
        if not self.update_buffers:
            # buffers are not averaged, so they follow the source model
            for b_avg, b_src in zip(self.module.buffers(), model.buffers()):
                b_avg.data.copy_(b_src.data.to(b_avg.device))
        self.steps += 1


@MODELS.register_module()
class StochasticWeightAverage(BaseAveragedModel):
    """Stochastic Weight Averaging (Izmailov et al., 2018): the plain mean of the snapshots."""

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: Tensor) -> None:
        # snapshots taken so far, the first one included: steps // interval + 1
        n = float(steps // self.interval + 1)
        averaged_param.add_(source_param - averaged_param, alpha=1 / n)


@MODELS.register_module()
class ExponentialMovingAverage(BaseAveragedModel):
    """``ema = (1 - momentum) * ema + momentum * param``.

    ``momentum`` is the weight of the *new* value (so it is small, e.g. 0.0002), not the
    optimizer-style momentum.
    """

    def __init__(self, model: nn.Module, momentum: float = 0.0002, interval: int = 1,
                 device: Optional[torch.device] = None, update_buffers: bool = False) -> None:
        super().__init__(model, interval, device, update_buffers)
        if not 0.0 < momentum < 1.0:
            raise AveragingConfigError(f'momentum must be in range (0.0, 1.0) but got {momentum}',
                                       key='momentum', fix='use a small value such as 0.0002')
        if momentum > 0.5:
            logger.warning('The value of momentum in EMA is usually a small number, which is '
                           'different from the conventional notion of momentum but got %s. '
                           'Please make sure the value is correct.', momentum)
        self.momentum = momentum

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: Tensor) -> None:
        averaged_param.lerp_(source_param, self.momentum)


@MODELS.register_module()
class MomentumAnnealingEMA(ExponentialMovingAverage):
    """EMA whose momentum starts high and anneals: ``max(momentum, gamma / (gamma + steps))``."""

    def __init__(self, model: nn.Module, momentum: float = 0.0002, gamma: int = 100,
                 interval: int = 1, device: Optional[torch.device] = None,
                 update_buffers: bool = False) -> None:
        super().__init__(model=model, momentum=momentum, interval=interval, device=device,
                         update_buffers=update_buffers)
        if not gamma > 0:
            raise AveragingConfigError(f'gamma must be greater than 0, but got {gamma}',
                                       key='gamma')
        self.gamma = gamma

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: Tensor) -> None:
        momentum = max(self.momentum, self.gamma / (self.gamma + self.steps.item()))
        averaged_param.lerp_(source_param, momentum)
