"""``OptimWrapper``: one optimizer plus gradient accumulation and clipping (MMEngine's API).

Differences from MMEngine 0.10.7, all deliberate:
* no global message hub: the last gradient norm is kept in :attr:`OptimWrapper.last_grad_norm`
  and the runner logs it as ``train/grad_norm``;
* config mistakes raise :class:`~engine.errors.BuildError` naming ``optim_wrapper.<key>``;
* ``clip_grad`` is copied, never mutated (MMEngine pops ``type`` from the caller's dict).
"""
from __future__ import annotations

import logging
from contextlib import nullcontext
from typing import ContextManager, Dict, List, Optional

import torch
import torch.nn as nn
from torch.optim import Optimizer

from engine.errors import BuildError
from engine.registry import OPTIM_WRAPPERS

logger = logging.getLogger(__name__)

_CLIP_FUNCS = {'norm': torch.nn.utils.clip_grad_norm_, 'value': torch.nn.utils.clip_grad_value_}
_CLIP_KEYS = {'norm': {'max_norm', 'norm_type', 'error_if_nonfinite', 'foreach'},
              'value': {'clip_value', 'foreach'}}
_NORM_TYPES = (nn.modules.batchnorm._BatchNorm, nn.SyncBatchNorm)
_NO_CONTEXT = nullcontext()


def _parse_clip_grad(clip_grad: Optional[dict]):
    """Validate ``clip_grad`` and return ``(kind, kwargs)``; ``(None, None)`` when disabled."""
    if clip_grad is None:
        return None, None
    if not isinstance(clip_grad, dict) or not clip_grad:
        raise BuildError(f'clip_grad must be None or a non-empty dict, got {clip_grad!r}',
                         key='optim_wrapper.clip_grad',
                         fix='write clip_grad=dict(max_norm=35, norm_type=2) or '
                             "clip_grad=dict(type='value', clip_value=1.0)")
    kwargs = dict(clip_grad)
    kind = kwargs.pop('type', 'norm')
    if kind not in _CLIP_FUNCS:
        raise BuildError(f"clip_grad type must be 'norm' or 'value', got {kind!r}",
                         key='optim_wrapper.clip_grad.type',
                         fix="use type='norm' (with max_norm) or type='value' (with clip_value)")
    unknown = sorted(set(kwargs) - _CLIP_KEYS[kind])
    required = 'max_norm' if kind == 'norm' else 'clip_value'
    if unknown or required not in kwargs:
        bad = unknown[0] if unknown else required
        raise BuildError(f'clip_grad of type {kind!r} needs {required!r} and accepts '
                         f'{sorted(_CLIP_KEYS[kind])}; got {sorted(clip_grad)}',
                         key=f'optim_wrapper.clip_grad.{bad}',
                         fix=f'write clip_grad=dict(type={kind!r}, {required}=...)')
    return kind, kwargs


@OPTIM_WRAPPERS.register_module()
class OptimWrapper:
    """Wraps an optimizer with gradient accumulation and clipping.

    Args:
        optimizer: the torch optimizer.
        accumulative_counts: update the parameters every this many :meth:`update_params` calls;
            the loss is divided by it so accumulated gradients average.
        clip_grad: ``dict(max_norm=.., norm_type=..)`` (``type='norm'`` may be spelled out) or
            ``dict(type='value', clip_value=..)``; clipping runs in :meth:`step`.

    Example:
        >>> wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1),
        ...                        accumulative_counts=2)          # doctest: +SKIP
        >>> with wrapper.optim_context(model):                   # doctest: +SKIP
        ...     loss = model(x).sum()
        >>> wrapper.update_params(loss)                            # doctest: +SKIP
    """

    def __init__(self, optimizer: Optimizer, accumulative_counts: int = 1,
                 clip_grad: Optional[dict] = None):
        if not isinstance(optimizer, Optimizer):
            raise BuildError(f'optimizer must be a torch.optim.Optimizer, got '
                             f'{type(optimizer).__name__}', key='optim_wrapper.optimizer',
                             fix="write optimizer=dict(type='SGD', lr=...)")
        if not isinstance(accumulative_counts, int) or accumulative_counts < 1:
            raise BuildError(f'accumulative_counts must be an int >= 1, got '
                             f'{accumulative_counts!r}', key='optim_wrapper.accumulative_counts')
        self.optimizer = optimizer
        self._accumulative_counts = accumulative_counts
        self._clip_kind, self.clip_grad_kwargs = _parse_clip_grad(clip_grad)
        self.last_grad_norm: Optional[float] = None
        self._inner_count = 0
        # -1 until initialize_count_status: the loss factor then stays accumulative_counts
        self._max_counts = -1
        self._remainder_counts = -1
        # With several groups, schedulers also drive this pseudo group so the logger can show a
        # single 'base_lr' (MMEngine's behaviour, kept so logs and checkpoints match).
        if len(optimizer.param_groups) > 1:
            self.base_param_settings: Optional[dict] = {
                'params': torch.tensor([0.0], dtype=torch.float), **optimizer.defaults}
        else:
            self.base_param_settings = None

    # -- one training iteration -----------------------------------------------------------------
    def update_params(self, loss: torch.Tensor, step_kwargs: Optional[Dict] = None,
                      zero_kwargs: Optional[Dict] = None) -> None:
        """Scale ``loss``, back-propagate, and step + zero the gradients when due."""
        self.last_grad_norm = None
        loss = self.scale_loss(loss)
        self.backward(loss)
        if self.should_update():
            # no empty keyword dicts built and unpacked on every step
            if step_kwargs:
                self.step(**step_kwargs)
            else:
                self.step()
            if zero_kwargs:
                self.zero_grad(**zero_kwargs)
            else:
                self.zero_grad()

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        """``loss.backward(**kwargs)``; counts one iteration."""
        loss.backward(**kwargs)
        self._inner_count += 1

    def step(self, **kwargs) -> None:
        """Clip the gradients if configured, then ``optimizer.step(**kwargs)``."""
        self.last_grad_norm = None
        if self.clip_grad_kwargs:
            self._clip_grad()
        self.optimizer.step(**kwargs)

    def zero_grad(self, **kwargs) -> None:
        """``optimizer.zero_grad(**kwargs)``."""
        self.optimizer.zero_grad(**kwargs)

    def _clip_grad(self) -> None:
        params = [p for group in self.optimizer.param_groups for p in group['params']
                  if p.requires_grad and p.grad is not None]
        if not params:
            return
        result = _CLIP_FUNCS[self._clip_kind](params, **self.clip_grad_kwargs)
        if self._clip_kind == 'norm':
            self.last_grad_norm = float(result)

    # -- gradient accumulation ------------------------------------------------------------------
    def optim_context(self, model: nn.Module) -> ContextManager[None]:
        """Context for the forward pass: skips DDP gradient sync while accumulating."""
        if not self.should_sync() and hasattr(model, 'no_sync'):
            return model.no_sync()
        # a shared do-nothing context rather than a generator-based one: this runs every step
        return _NO_CONTEXT

    def initialize_count_status(self, model: nn.Module, init_counts: int,
                                max_counts: int) -> None:
        """Set the iteration counter (on resume) and the total so the last
        ``max_counts % accumulative_counts`` iterations are not lost."""
        self._inner_count = init_counts
        self._max_counts = max_counts
        # a resume restores the window's gradients when the checkpoint holds them
        if init_counts % self._accumulative_counts != 0 and not any(
                p.grad is not None for p in model.parameters()):
            logger.warning('resumed at iteration %d, which is not a multiple of '
                           'accumulative_counts=%d: the gradients of the partial window are lost',
                           init_counts, self._accumulative_counts)
        if self._accumulative_counts > 1 and any(isinstance(m, _NORM_TYPES)
                                                 for m in model.modules()):
            logger.warning('gradient accumulation with BatchNorm layers: the statistics are '
                           'per mini-batch, so results may differ slightly from a larger batch')
        self._remainder_counts = max_counts % self._accumulative_counts

    def should_update(self) -> bool:
        """Whether the current iteration (after :meth:`backward`) steps the optimizer."""
        return (self._inner_count % self._accumulative_counts == 0
                or self._inner_count == self._max_counts)

    def should_sync(self) -> bool:
        """Whether the coming backward (not yet counted) must all-reduce the gradients."""
        upcoming = self._inner_count + 1
        return upcoming % self._accumulative_counts == 0 or upcoming == self._max_counts

    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        """Divide ``loss`` by the accumulation factor (the remainder at the tail)."""
        if self._accumulative_counts == 1:
            return loss  # x / 1 == x exactly: skip the op and its autograd node
        if self._max_counts == -1:
            factor = self._accumulative_counts
        elif self._inner_count < self._max_counts - self._remainder_counts:
            factor = self._accumulative_counts
        else:
            factor = self._remainder_counts
        if factor <= 0:
            raise RuntimeError(f'loss factor {factor} <= 0: initialize_count_status was given '
                               f'init_counts={self._inner_count} beyond '
                               f'max_counts={self._max_counts}')
        return loss / factor

    @property
    def inner_count(self) -> int:
        """Number of :meth:`backward` calls so far (including ``init_counts``)."""
        return self._inner_count

    @property
    def max_counts(self) -> int:
        """Total iterations set by :meth:`initialize_count_status`, or -1."""
        return self._max_counts

    @property
    def accumulative_counts(self) -> int:
        return self._accumulative_counts

    # -- optimizer views ------------------------------------------------------------------------
    @property
    def param_groups(self) -> List[dict]:
        """The optimizer's groups, plus ``base_param_settings`` when there are several."""
        if self.base_param_settings is not None:
            return self.optimizer.param_groups + [self.base_param_settings]
        return self.optimizer.param_groups

    @property
    def defaults(self) -> dict:
        return self.optimizer.defaults

    def get_lr(self) -> Dict[str, List[float]]:
        """``{'lr': [per group]}``, plus ``'base_lr'`` with several groups."""
        res = {}
        if self.base_param_settings is not None:
            res['base_lr'] = [self.base_param_settings['lr']]
        res['lr'] = [group['lr'] for group in self.optimizer.param_groups]
        return res

    def get_momentum(self) -> Dict[str, List[float]]:
        """``{'momentum': [per group]}`` from ``momentum`` or ``betas[0]`` (0 if neither)."""
        values = []
        for group in self.optimizer.param_groups:
            if 'momentum' in group:
                values.append(group['momentum'])
            elif 'betas' in group:
                values.append(group['betas'][0])
            else:
                values.append(0)
        return dict(momentum=values)

    # -- checkpointing --------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """The optimizer's state dict, plus ``base_param_settings`` when present."""
        state = self.optimizer.state_dict()
        if self.base_param_settings is not None:
            state['base_param_settings'] = self.base_param_settings
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        """Load what :meth:`state_dict` returned (the input dict is not modified)."""
        state_dict = dict(state_dict)
        base = state_dict.pop('base_param_settings', None)
        if base is not None:
            self.base_param_settings = base
        self.optimizer.load_state_dict(state_dict)

    def __repr__(self) -> str:
        return (f'Type: {type(self).__name__}\n'
                f'_accumulative_counts: {self._accumulative_counts}\n'
                f'optimizer: \n{self.optimizer!r}\n')
