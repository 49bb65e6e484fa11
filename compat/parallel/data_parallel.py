"""MMCV 1.7.2's model wrappers with the legacy step API (``train_step``/``val_step``).

``MMDataParallel`` on a machine without CUDA (``device_ids`` empty) scatters to the CPU
(``[-1]``), unwrapping ``DataContainer``s, and calls the module's method with the first
"device"'s inputs. ``MMDistributedDataParallel`` without ``device_ids`` (CPU, gloo) passes the
inputs through unchanged, ``DataContainer``s included, as MMCV does, and runs the step inside
DDP's forward so gradients are all-reduced in ``backward``.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

import torch.nn as nn
from torch.nn.parallel import DataParallel, DistributedDataParallel

from compat.parallel.scatter import CPU_TARGET, scatter_kwargs
from engine.registry import Registry

MODULE_WRAPPERS = Registry('module wrapper')
MODULE_WRAPPERS.register_module(module=DataParallel)
MODULE_WRAPPERS.register_module(module=DistributedDataParallel)


def is_module_wrapper(module: nn.Module) -> bool:
    """Whether ``module`` is an instance of a class registered in ``MODULE_WRAPPERS``.

    MMCV's registries also search child registries; compat's registry has none.
    """
    classes = tuple(cls for cls in MODULE_WRAPPERS.module_dict.values() if isinstance(cls, type))
    return isinstance(module, classes)


class MMDataParallel(DataParallel):
    """``DataParallel`` that understands ``DataContainer`` and has ``train_step``/``val_step``.

    Args:
        module: the legacy model (with ``train_step(data_batch, optimizer)``).
        dim: the scatter dimension, kept for MMCV's signature.
        *args, **kwargs: ``DataParallel``'s (``device_ids``, ``output_device``).
    """

    def __init__(self, *args: Any, dim: int = 0, **kwargs: Any):
        super().__init__(*args, dim=dim, **kwargs)
        self.dim = dim

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        if not self.device_ids:
            return self._call_on_cpu('forward', inputs, kwargs)
        return super().forward(*inputs, **kwargs)

    def scatter(self, inputs: Any, kwargs: Any, device_ids: List[int]) -> Tuple[tuple, tuple]:
        return scatter_kwargs(inputs, kwargs, device_ids, dim=self.dim)

    def train_step(self, *inputs: Any, **kwargs: Any) -> Any:
        return self._step('train_step', inputs, kwargs)

    def val_step(self, *inputs: Any, **kwargs: Any) -> Any:
        return self._step('val_step', inputs, kwargs)

    def _step(self, method: str, inputs: tuple, kwargs: dict) -> Any:
        if not self.device_ids:
            return self._call_on_cpu(method, inputs, kwargs)
        # A GPU device: compat's scatter refuses it with the fix (it runs on the CPU only).
        inputs, kwargs = self.scatter(inputs, kwargs, self.device_ids)
        return getattr(self.module, method)(*inputs[0], **kwargs[0])

    def _call_on_cpu(self, method: str, inputs: tuple, kwargs: dict) -> Any:
        inputs, kwargs = self.scatter(inputs, kwargs, CPU_TARGET)
        return getattr(self.module, method)(*inputs[0], **kwargs[0])


class MMDistributedDataParallel(DistributedDataParallel):
    """``DistributedDataParallel`` with MMCV's ``train_step``/``val_step``.

    The step runs through DDP's own forward (bucket rebuilds, buffer sync, and the reducer's
    ``prepare_for_backward``, with ``find_unused_parameters`` honoured), calling the module's
    step method where DDP would call ``module(...)``.
    """

    _step_method: Optional[str] = None

    def to_kwargs(self, inputs: Any, kwargs: Any, device_id: int) -> Tuple[tuple, tuple]:
        return scatter_kwargs(inputs, kwargs, [device_id], dim=self.dim)

    def scatter(self, inputs: Any, kwargs: Any, device_ids: List[int]) -> Tuple[tuple, tuple]:
        return scatter_kwargs(inputs, kwargs, device_ids, dim=self.dim)

    def train_step(self, *inputs: Any, **kwargs: Any) -> Any:
        return self._step('train_step', inputs, kwargs)

    def val_step(self, *inputs: Any, **kwargs: Any) -> Any:
        return self._step('val_step', inputs, kwargs)

    def _step(self, method: str, inputs: tuple, kwargs: dict) -> Any:
        if self.device_ids:
            # A GPU device: compat's scatter refuses it with the fix (it runs on the CPU only).
            scattered_inputs, scattered_kwargs = self.scatter(inputs, kwargs, self.device_ids)
            inputs, kwargs = scattered_inputs[0], scattered_kwargs[0]
        self._step_method = method
        try:
            return self.forward(*inputs, **kwargs)
        finally:
            self._step_method = None

    def _run_ddp_forward(self, *inputs: Any, **kwargs: Any) -> Any:
        if self._step_method is None:
            return super()._run_ddp_forward(*inputs, **kwargs)
        # Called from DDP's forward, between the reducer's bookkeeping; as in MMCV, the step
        # method is called directly (no module hooks, unlike ``module(...)``).
        return getattr(self.module, self._step_method)(*inputs, **kwargs)
