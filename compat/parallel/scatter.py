"""MMCV 1.7.2's ``scatter``/``scatter_kwargs`` on the CPU (``target_gpus=[-1]``).

Every value becomes a list with one entry per target; containers are combined with ``zip``, so
(as in MMCV) the shortest entry wins: a batch collated into several chunks keeps only the first
chunk on the one CPU "device". ``DataContainer``s are unwrapped: ``cpu_only`` ones give their
data, the others their chunks (tensors made contiguous).
"""
from __future__ import annotations

from typing import Any, List, Sequence, Tuple

import torch

from compat.parallel.data_container import DataContainer

CPU_TARGET = [-1]


def scatter(inputs: Any, target_gpus: List[int], dim: int = 0) -> Sequence:
    """One copy of ``inputs`` per target (a list or tuple), ``DataContainer``s unwrapped."""
    _check_cpu_target(target_gpus)
    return _scatter_map(inputs, list(target_gpus))


def scatter_kwargs(inputs: Any, kwargs: Any, target_gpus: List[int],
                   dim: int = 0) -> Tuple[tuple, tuple]:
    """Scatter positional and keyword inputs; pad the shorter side with ``()`` or ``{}``."""
    scattered_inputs = scatter(inputs, target_gpus, dim) if inputs else []
    scattered_kwargs = scatter(kwargs, target_gpus, dim) if kwargs else []
    missing = len(scattered_kwargs) - len(scattered_inputs)
    scattered_inputs.extend(() for _ in range(missing))
    scattered_kwargs.extend({} for _ in range(-missing))
    return tuple(scattered_inputs), tuple(scattered_kwargs)


def _check_cpu_target(target_gpus: Sequence[int]) -> None:
    if list(target_gpus) != CPU_TARGET:
        raise NotImplementedError(
            f'compat.parallel.scatter runs on the CPU only (target_gpus=[-1]), got {target_gpus}; '
            'wrap the model with MMDataParallel on a machine without CUDA, or '
            'MMDistributedDataParallel without device_ids')


def _scatter_map(obj: Any, targets: List[int]) -> Sequence:
    if isinstance(obj, torch.Tensor):
        return (obj.contiguous(),)  # a tuple, as MMCV's Scatter.forward returns
    if isinstance(obj, DataContainer):
        return obj.data if obj.cpu_only else _chunks_to_cpu(obj.data)
    if isinstance(obj, tuple) and obj:
        return list(zip(*(_scatter_map(item, targets) for item in obj)))
    if isinstance(obj, list) and obj:
        return [list(per_target) for per_target in zip(*(_scatter_map(item, targets) for item in obj))]
    if isinstance(obj, dict) and obj:
        # Each (key, value) pair is scattered as a tuple; the dict's own type rebuilds it.
        pairs = zip(*(_scatter_map(item, targets) for item in obj.items()))
        return [type(obj)(per_target) for per_target in pairs]
    return [obj for _ in targets]


def _chunks_to_cpu(data: Any) -> tuple:
    """A container's data as one entry per chunk (a bare tensor is one chunk)."""
    if isinstance(data, list):
        return tuple(_tensors_to_cpu(chunk) for chunk in data)
    return (_tensors_to_cpu(data),)


def _tensors_to_cpu(data: Any) -> Any:
    if isinstance(data, list):
        return [_tensors_to_cpu(item) for item in data]
    if isinstance(data, torch.Tensor):
        return data.contiguous()
    # MMCV 1.7.2 raises a bare Exception('Unknown type ...') here.
    raise TypeError(f'scatter: a DataContainer that is not cpu_only may hold only tensors and '
                    f'lists of tensors, found {type(data).__name__}; '
                    'use cpu_only=True for other data')
