"""``mmcv.runner.fp16_utils`` as MMCV 1.7.2 runs it on torch >= 1.6.

MMCV 1.7.2 on torch >= 1.6 (every torch this project supports) leaves the model in fp32:
``wrap_fp16_model`` only turns ``fp16_enabled`` on, and ``auto_fp16`` casts the chosen fp32
arguments to fp16 and runs the method under ``torch.cuda.amp.autocast``. Without CUDA, torch
disables that autocast (with a warning) and the method sees fp16 inputs next to fp32 weights;
we do the same, and when that mix then fails inside the method we say that autocast needs CUDA.
"""
from __future__ import annotations

import contextlib
import functools
import warnings
from collections import abc
from inspect import getfullargspec
from typing import Callable, Iterable, List, Optional

import numpy as np
import torch
import torch.nn as nn
from torch.nn.parameter import Parameter

from compat.runner.dist_utils import allreduce_grads as _allreduce_grads

# Words torch uses when an op meets fp16 and fp32 operands (matmul, conv, norm, addmm ...).
_MIXED_DTYPE_HINTS = ('same dtype', 'should be the same', 'expected scalar type',
                      'expected both inputs', 'not implemented for')


def cast_tensor_type(inputs, src_type: torch.dtype, dst_type: torch.dtype):
    """Cast every tensor of dtype ``src_type`` in (nested) ``inputs`` to ``dst_type``.

    Modules, strings and numpy arrays are returned as they are; a mapping or another iterable
    is rebuilt by calling its own type, as MMCV 1.7.2 does.
    """
    if isinstance(inputs, nn.Module):
        return inputs
    if isinstance(inputs, torch.Tensor):
        return inputs.to(dst_type) if inputs.dtype == src_type else inputs
    if isinstance(inputs, (str, np.ndarray)):
        return inputs
    if isinstance(inputs, abc.Mapping):
        items = {key: cast_tensor_type(value, src_type, dst_type)
                 for key, value in inputs.items()}
        return _rebuild(inputs, items)
    if isinstance(inputs, abc.Iterable):
        return _rebuild(inputs, (cast_tensor_type(item, src_type, dst_type) for item in inputs))
    return inputs


def _rebuild(container, contents):
    """``type(container)(contents)``; a type that cannot be built so fails as in MMCV, named."""
    try:
        return type(container)(contents)
    except TypeError as err:
        # MMCV 1.7.2 fails here too (namedtuple, defaultdict, generator ...), less clearly.
        raise TypeError(
            f'cast_tensor_type cannot rebuild a {type(container).__name__}: MMCV 1.7.2 rebuilds '
            f'a container by calling its type with one iterable of its cast items ({err}). '
            'Fix: pass a list, tuple or dict instead.') from err


def _cuda_autocast(enabled: bool):
    """``torch.cuda.amp.autocast(enabled)``, or nothing where torch would disable it (no CUDA)."""
    if not torch.cuda.is_available():
        return contextlib.nullcontext()
    return torch.autocast('cuda', enabled=enabled)


def _cast_arguments(func: Callable, apply_to: Optional[Iterable], args: tuple, kwargs: dict,
                    src_type: torch.dtype, dst_type: torch.dtype):
    """Cast the positional and keyword arguments named in ``apply_to`` (all when None).

    Default values are never cast, and positional arguments beyond the named ones (``*args``)
    are dropped — MMCV 1.7.2 pairs ``args`` with the spec's names the same way.
    """
    spec_names = getfullargspec(func).args
    names_to_cast = spec_names if apply_to is None else apply_to
    new_args = [cast_tensor_type(value, src_type, dst_type) if name in names_to_cast else value
                for name, value in zip(spec_names[:len(args)], args)]
    new_kwargs = {name: cast_tensor_type(value, src_type, dst_type)
                  if name in names_to_cast else value for name, value in kwargs.items()}
    return new_args, new_kwargs


def _fp16_enabled(module) -> bool:
    return bool(getattr(module, 'fp16_enabled', False))


def _explain_cpu_mixed_dtypes(func: Callable, err: RuntimeError) -> RuntimeError:
    """A mixed-dtype failure of an ``@auto_fp16`` method on a machine without CUDA, explained."""
    return RuntimeError(
        f'@auto_fp16 method {func.__qualname__} failed on fp16 inputs: {err}. MMCV 1.7.2 casts '
        'the fp32 arguments to fp16 and relies on torch.cuda.amp.autocast to run fp32 layers '
        'on them; that autocast needs CUDA, and torch disables it on this machine (as it does '
        'under MMCV). Fix: train on a CUDA device, or drop fp16 (the `fp16` key / '
        'Fp16OptimizerHook) so that wrap_fp16_model does not set fp16_enabled.')


def _is_mixed_dtype_error(err: RuntimeError) -> bool:
    message = str(err)
    return 'Half' in message and any(hint in message for hint in _MIXED_DTYPE_HINTS)


def auto_fp16(apply_to: Optional[Iterable] = None, out_fp32: bool = False,
              supported_types: tuple = (nn.Module,)) -> Callable:
    """Decorate a method to take fp16 inputs under CUDA autocast once ``fp16_enabled`` is set.

    ``apply_to`` names the arguments to cast (None: all); ``out_fp32`` casts fp16 outputs back.
    """

    def auto_fp16_wrapper(old_func: Callable) -> Callable:

        @functools.wraps(old_func)
        def new_func(*args, **kwargs):
            if not isinstance(args[0], supported_types):
                raise TypeError('@auto_fp16 can only be used to decorate the '
                                f'method of those classes {supported_types}')
            if not _fp16_enabled(args[0]):
                return old_func(*args, **kwargs)
            new_args, new_kwargs = _cast_arguments(old_func, apply_to, args, kwargs,
                                                   torch.float, torch.half)
            try:
                with _cuda_autocast(True):
                    output = old_func(*new_args, **new_kwargs)
            except RuntimeError as err:
                if torch.cuda.is_available() or not _is_mixed_dtype_error(err):
                    raise
                raise _explain_cpu_mixed_dtypes(old_func, err) from err
            if out_fp32:
                output = cast_tensor_type(output, torch.half, torch.float)
            return output

        return new_func

    return auto_fp16_wrapper


def force_fp32(apply_to: Optional[Iterable] = None, out_fp16: bool = False) -> Callable:
    """Decorate a method to take fp32 inputs, outside CUDA autocast, once ``fp16_enabled`` is set.

    ``apply_to`` names the arguments to cast (None: all); ``out_fp16`` casts fp32 outputs to fp16.
    """

    def force_fp32_wrapper(old_func: Callable) -> Callable:

        @functools.wraps(old_func)
        def new_func(*args, **kwargs):
            if not isinstance(args[0], nn.Module):
                raise TypeError('@force_fp32 can only be used to decorate the '
                                'method of nn.Module')
            if not _fp16_enabled(args[0]):
                return old_func(*args, **kwargs)
            new_args, new_kwargs = _cast_arguments(old_func, apply_to, args, kwargs,
                                                   torch.half, torch.float)
            with _cuda_autocast(False):
                output = old_func(*new_args, **new_kwargs)
            if out_fp16:
                output = cast_tensor_type(output, torch.float, torch.half)
            return output

        return new_func

    return force_fp32_wrapper


def allreduce_grads(params: List[Parameter], coalesce: bool = True,
                    bucket_size_mb: int = -1) -> None:
    """Deprecated in MMCV 1.7.2 in favour of ``mmcv.runner.allreduce_grads``; same averaging."""
    warnings.warn(
        '"mmcv.runner.fp16_utils.allreduce_grads" is deprecated, and will be '
        'removed in v2.8. Please switch to "mmcv.runner.allreduce_grads', DeprecationWarning)
    _allreduce_grads(params, coalesce=coalesce, bucket_size_mb=bucket_size_mb)


def wrap_fp16_model(model: nn.Module) -> None:
    """Set ``fp16_enabled = True`` on every submodule that has the attribute.

    MMCV 1.7.2 halves the model and patches its norm layers only on torch < 1.6 (or parrots);
    on torch >= 1.6 the weights stay fp32 and autocast does the mixing.
    """
    for module in model.modules():
        if hasattr(module, 'fp16_enabled'):
            module.fp16_enabled = True


def _patches_batchnorm_forward() -> bool:
    # MMCV compares version *strings*, so '1.10'..'1.13' count as older than '1.3' there.
    return torch.__version__ < '1.3'


def patch_norm_fp32(module: nn.Module) -> nn.Module:
    """Turn BatchNorm and GroupNorm layers back to fp32, in place, recursively.

    GroupNorm (and BatchNorm where MMCV's version test says torch < 1.3) gets a forward that
    takes fp16 inputs to fp32 and returns fp16.
    """
    if isinstance(module, (nn.modules.batchnorm._BatchNorm, nn.GroupNorm)):
        module.float()
        if isinstance(module, nn.GroupNorm) or _patches_batchnorm_forward():
            module.forward = patch_forward_method(module.forward, torch.half, torch.float)
    for child in module.children():
        patch_norm_fp32(child)
    return module


def patch_forward_method(func: Callable, src_type: torch.dtype, dst_type: torch.dtype,
                         convert_output: bool = True) -> Callable:
    """Wrap ``func`` to cast its ``src_type`` inputs to ``dst_type`` (and its output back)."""

    def new_forward(*args, **kwargs):
        output = func(*cast_tensor_type(args, src_type, dst_type),
                      **cast_tensor_type(kwargs, src_type, dst_type))
        if convert_output:
            output = cast_tensor_type(output, dst_type, src_type)
        return output

    return new_forward


def _has_inf_or_nan(x: torch.Tensor) -> bool:
    """Whether the fp32 sum of ``x`` is not finite (so a huge finite sum counts, as in MMCV)."""
    try:
        total = float(x.float().sum())
    except RuntimeError as err:
        if 'value cannot be converted' not in err.args[0]:
            raise
        return True
    return total in (float('inf'), -float('inf')) or total != total


class LossScaler:
    """MMCV 1.7.2's static or dynamic loss scale for fp16 training.

    Dynamic mode divides the scale by ``scale_factor`` (never below 1) on an overflow and
    multiplies it whenever ``cur_iter - last_overflow_iter`` is a multiple of ``scale_window``
    on a step without one — at iteration 0 too, so a fresh scaler doubles on its first step.
    """

    def __init__(self, init_scale: float = 2**32, mode: str = 'dynamic',
                 scale_factor: float = 2., scale_window: int = 1000):
        self.cur_scale = init_scale
        self.cur_iter = 0
        assert mode in ('dynamic', 'static'), 'mode can only be dynamic or static'
        self.mode = mode
        self.last_overflow_iter = -1
        self.scale_factor = scale_factor
        self.scale_window = scale_window

    def has_overflow(self, params: List[Parameter]) -> bool:
        """Whether any gradient sums to inf or nan (always False in static mode)."""
        if self.mode != 'dynamic':
            return False
        return any(p.grad is not None and _has_inf_or_nan(p.grad.data) for p in params)

    # MMCV defines it without @staticmethod and calls it on the class; this keeps that call.
    _has_inf_or_nan = staticmethod(_has_inf_or_nan)

    def update_scale(self, overflow: bool) -> None:
        """Adjust the scale after one step (dynamic mode only) and count the step."""
        if self.mode != 'dynamic':
            return
        if overflow:
            self.cur_scale = max(self.cur_scale / self.scale_factor, 1)
            self.last_overflow_iter = self.cur_iter
        elif (self.cur_iter - self.last_overflow_iter) % self.scale_window == 0:
            self.cur_scale *= self.scale_factor
        self.cur_iter += 1

    def state_dict(self) -> dict:
        """The scaler's state, under MMCV's keys (saved in ``meta['fp16']['loss_scaler']``)."""
        return dict(cur_scale=self.cur_scale, cur_iter=self.cur_iter, mode=self.mode,
                    last_overflow_iter=self.last_overflow_iter,
                    scale_factor=self.scale_factor, scale_window=self.scale_window)

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore every field from ``state_dict`` (a missing key raises KeyError, as in MMCV)."""
        self.cur_scale = state_dict['cur_scale']
        self.cur_iter = state_dict['cur_iter']
        self.mode = state_dict['mode']
        self.last_overflow_iter = state_dict['last_overflow_iter']
        self.scale_factor = state_dict['scale_factor']
        self.scale_window = state_dict['scale_window']

    @property
    def loss_scale(self) -> float:
        return self.cur_scale
