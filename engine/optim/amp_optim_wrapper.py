"""``AmpOptimWrapper``: automatic mixed precision on CUDA (fp16 + GradScaler) and on CPU (bf16).

MMEngine refuses this wrapper without an accelerator. Here the device is read from the model's
parameters (in :meth:`optim_context` / :meth:`initialize_count_status`, or from the loss in
:meth:`backward`): on CPU it autocasts to bfloat16 and uses no loss scaler, because bf16 has
fp32's exponent range and cannot underflow the way fp16 gradients do.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional, Union

import torch
import torch.nn as nn

from engine.errors import BuildError
from engine.optim.optim_wrapper import OptimWrapper
from engine.registry import OPTIM_WRAPPERS

_VALID_DTYPES = ('float16', 'bfloat16', 'float32', 'float64')


def _parse_dtype(dtype) -> Optional[torch.dtype]:
    if dtype is None or isinstance(dtype, torch.dtype):
        return dtype
    if isinstance(dtype, str) and dtype in _VALID_DTYPES:
        return getattr(torch, dtype)
    raise BuildError(f'dtype must be None, a torch.dtype or one of {_VALID_DTYPES}, got {dtype!r}',
                     key='optim_wrapper.dtype', fix="use dtype='float16' or 'bfloat16'")


def _cpu_dtype_error(dtype: torch.dtype) -> BuildError:
    return BuildError(f'AmpOptimWrapper on CPU supports only bfloat16 autocast, got dtype={dtype}',
                      key='optim_wrapper.dtype',
                      fix="set dtype='bfloat16' (or leave it unset) for CPU training, or train on "
                          'CUDA for float16')


@OPTIM_WRAPPERS.register_module()
class AmpOptimWrapper(OptimWrapper):
    """Mixed precision optimizer wrapper.

    Args:
        loss_scale: CUDA only. ``'dynamic'`` (a default ``GradScaler``), a float (static scale:
            the scaler is pinned to it after every step) or a dict of ``GradScaler`` kwargs.
        dtype: autocast dtype (``'float16'``, ``'bfloat16'``, or a ``torch.dtype``); ``None``
            means float16 on CUDA and bfloat16 on CPU. float16 on CPU is a :class:`BuildError`.
        **kwargs: :class:`OptimWrapper` arguments (``optimizer``, ``accumulative_counts``,
            ``clip_grad``).
    """

    def __init__(self, loss_scale: Union[str, float, dict] = 'dynamic',
                 dtype: Union[str, torch.dtype, None] = None, **kwargs):
        super().__init__(**kwargs)
        if loss_scale == 'dynamic':
            self._scaler_kwargs: dict = {}
            self._scale_update_param: Optional[float] = None
        elif isinstance(loss_scale, (int, float)) and not isinstance(loss_scale, bool):
            self._scaler_kwargs = dict(init_scale=float(loss_scale))
            self._scale_update_param = float(loss_scale)
        elif isinstance(loss_scale, dict):
            self._scaler_kwargs = dict(loss_scale)
            self._scale_update_param = None
        else:
            raise BuildError(f"loss_scale must be 'dynamic', a float or a dict, got {loss_scale!r}",
                             key='optim_wrapper.loss_scale',
                             fix="use loss_scale='dynamic', 512., or dict(init_scale=...)")
        self._requested_dtype = _parse_dtype(dtype)
        if self._requested_dtype == torch.float16 and not torch.cuda.is_available():
            raise _cpu_dtype_error(torch.float16)
        self.cast_dtype: Optional[torch.dtype] = self._requested_dtype
        self.device_type: Optional[str] = None
        self.loss_scaler: Optional[torch.amp.GradScaler] = None
        # a scaler state loaded before the device is known (resume happens before training)
        self._pending_scaler_state: Optional[dict] = None

    # -- device resolution ----------------------------------------------------------------------
    def _setup(self, device_type: str) -> None:
        """Pick dtype and scaler for ``device_type``; the first device seen wins."""
        if self.device_type is not None:
            return
        if device_type == 'cpu':
            if self._requested_dtype not in (None, torch.bfloat16):
                raise _cpu_dtype_error(self._requested_dtype)
            self.cast_dtype = torch.bfloat16
        else:
            if self.cast_dtype is None:
                self.cast_dtype = torch.float16
            try:
                self.loss_scaler = torch.amp.GradScaler(device_type, **self._scaler_kwargs)
            except TypeError as e:
                raise BuildError(f'bad loss_scale arguments: {e}', key='optim_wrapper.loss_scale',
                                 fix='use GradScaler arguments (init_scale, growth_factor, '
                                     'backoff_factor, growth_interval)') from e
            if self._pending_scaler_state:
                self.loss_scaler.load_state_dict(self._pending_scaler_state)
        self._pending_scaler_state = None
        self.device_type = device_type

    def _setup_from_model(self, model: nn.Module) -> None:
        param = next(model.parameters(), None)
        if param is not None:
            self._setup(param.device.type)

    # -- overrides ------------------------------------------------------------------------------
    def initialize_count_status(self, model: nn.Module, init_counts: int,
                                max_counts: int) -> None:
        self._setup_from_model(model)
        super().initialize_count_status(model, init_counts, max_counts)

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """DDP no-sync while accumulating, and autocast to :attr:`cast_dtype`."""
        self._setup_from_model(model)
        with super().optim_context(model), torch.autocast(self.device_type or 'cpu',
                                                          dtype=self.cast_dtype):
            yield

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        """Back-propagate the scaled loss (unscaled on CPU)."""
        self._setup(loss.device.type)
        if self.loss_scaler is not None:
            loss = self.loss_scaler.scale(loss)
        loss.backward(**kwargs)
        self._inner_count += 1

    def step(self, **kwargs) -> None:
        """Unscale, clip, step (skipped by the scaler on inf/nan) and update the scale."""
        self.last_grad_norm = None
        if self.loss_scaler is None:
            if self.clip_grad_kwargs:
                self._clip_grad()
            self.optimizer.step(**kwargs)
            return
        if self.clip_grad_kwargs:
            self.loss_scaler.unscale_(self.optimizer)
            self._clip_grad()
        self.loss_scaler.step(self.optimizer, **kwargs)
        # a static loss scale is re-pinned every step (update(None) would grow/shrink it)
        self.loss_scaler.update(self._scale_update_param)

    def state_dict(self) -> dict:
        """Optimizer state plus ``'loss_scaler'`` (empty dict when no scaler is used)."""
        state = super().state_dict()
        if self.loss_scaler is not None:
            state['loss_scaler'] = self.loss_scaler.state_dict()
        else:
            state['loss_scaler'] = dict(self._pending_scaler_state or {})
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        """Load optimizer state and, on CUDA, the scaler state."""
        state_dict = dict(state_dict)
        scaler_state = state_dict.pop('loss_scaler', None)
        if scaler_state:
            if self.loss_scaler is not None:
                self.loss_scaler.load_state_dict(scaler_state)
            elif self.device_type is None:
                self._pending_scaler_state = dict(scaler_state)
            # on CPU there is no scaler: a CUDA checkpoint's scale is simply not needed
        super().load_state_dict(state_dict)
