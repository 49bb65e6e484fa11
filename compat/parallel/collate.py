"""MMCV 1.7.2's ``collate``: torch's ``default_collate`` plus ``DataContainer`` batching.

Samples are grouped in chunks of ``samples_per_gpu`` (one chunk per device); a collated
``DataContainer`` holds one entry per chunk.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, List

import torch
import torch.nn.functional as F
from torch.utils.data.dataloader import default_collate

from compat.parallel.data_container import DataContainer


def collate(batch: Sequence, samples_per_gpu: int = 1) -> Any:
    """Collate a list of samples into a batch, as ``mmcv.parallel.collate`` does.

    - ``cpu_only`` containers: a cpu_only container of lists of the raw data, one list per chunk.
    - ``stack`` containers: per chunk, tensors padded at the end of their last ``pad_dims``
      dims to the chunk's largest size with each sample's ``padding_value``, then stacked.
    - other containers: per chunk, the list of the samples' data.
    - sequences are transposed and mappings collated key by key (the keys of the first
      sample); everything else goes to ``default_collate``.
    """
    if not isinstance(batch, Sequence):
        raise TypeError(f'collate: batch must be a sequence of samples, got {type(batch).__name__}')
    if len(batch) == 0:
        raise ValueError('collate: the batch is empty (MMCV 1.7.2 fails on batch[0] here too)')
    first = batch[0]
    if isinstance(first, DataContainer):
        return _collate_containers(batch, samples_per_gpu)
    if isinstance(first, Sequence):
        return _collate_sequences(batch, samples_per_gpu)
    if isinstance(first, Mapping):
        return {key: collate(_values_of(batch, key), samples_per_gpu) for key in first}
    return default_collate(batch)


def _collate_sequences(batch: Sequence, samples_per_gpu: int) -> list:
    transposed = list(zip(*batch))
    if isinstance(batch[0], str) and transposed:
        # A str is a Sequence of 1-char strs: MMCV 1.7.2 recurses here until RecursionError.
        raise TypeError(
            f'collate: cannot collate strings ({batch[0]!r}, ...): MMCV 1.7.2 recurses on them '
            'without end; wrap the field in DataContainer(..., cpu_only=True)')
    return [collate(samples, samples_per_gpu) for samples in transposed]


def _values_of(batch: Sequence, key: Any) -> list:
    for index, sample in enumerate(batch):
        if key not in sample:
            raise KeyError(f'collate: sample {index} has no key {key!r} that sample 0 has; '
                           'every sample of a batch needs the same keys')
    return [sample[key] for sample in batch]


def _chunks(batch: Sequence, samples_per_gpu: int) -> List[Sequence]:
    return [batch[i:i + samples_per_gpu] for i in range(0, len(batch), samples_per_gpu)]


def _collate_containers(batch: Sequence, samples_per_gpu: int) -> DataContainer:
    head = batch[0]
    chunks = _chunks(batch, samples_per_gpu)
    if head.cpu_only:
        return DataContainer([[sample.data for sample in chunk] for chunk in chunks],
                             head.stack, head.padding_value, cpu_only=True)
    if head.stack:
        stacked = [_stack_chunk(chunk) for chunk in chunks]
    else:
        stacked = [[sample.data for sample in chunk] for chunk in chunks]
    return DataContainer(stacked, head.stack, head.padding_value)


def _stack_chunk(chunk: Sequence) -> torch.Tensor:
    # The chunk's first sample decides pad_dims for the whole chunk, as in MMCV.
    head = chunk[0]
    if not isinstance(head.data, torch.Tensor):
        raise TypeError(f'collate: a stack=True DataContainer must hold a tensor, got '
                        f'{type(head.data).__name__}; use stack=False to keep a list')
    if head.pad_dims is None:
        return default_collate([sample.data for sample in chunk])
    return default_collate(_padded(chunk, head.pad_dims))


def _padded(chunk: Sequence, pad_dims: int) -> List[torch.Tensor]:
    ndim = chunk[0].dim()
    if ndim <= pad_dims:
        raise ValueError(f'collate: a stacked tensor of {ndim} dims cannot be padded over its '
                         f'last {pad_dims} dims; give it a leading (channel) dim or lower pad_dims')
    kept = ndim - pad_dims
    for index, sample in enumerate(chunk):
        if tuple(sample.size())[:kept] != tuple(chunk[0].size())[:kept]:
            raise ValueError(
                f'collate: sample {index} has size {tuple(sample.size())}, sample 0 has '
                f'{tuple(chunk[0].size())}: only the last {pad_dims} dims may differ')
    # max_shape[k] is the size of dim -(k+1): F.pad takes (left, right) pairs from the last dim.
    max_shape = [max(sample.size(-dim) for sample in chunk) for dim in range(1, pad_dims + 1)]
    padded = []
    for sample in chunk:
        pad = []
        for dim in range(1, pad_dims + 1):
            pad += [0, max_shape[dim - 1] - sample.size(-dim)]
        padded.append(F.pad(sample.data, pad, value=sample.padding_value))
    return padded
