"""Collate functions with MMEngine's semantics, registered in ``FUNCTIONS``.

Both walk the structure of the first sample: mappings are collated key by key, sequences are
transposed (tuples become lists, like PyTorch), strings pass through as lists. They differ at the
leaves: ``pseudo_collate`` leaves them as lists, ``default_collate`` stacks them with PyTorch's
collate (tensors, arrays and numbers become batched tensors).
"""
from __future__ import annotations

import random
import warnings
# the abc classes, not typing's aliases: isinstance against those costs about 3x as much, and
# the collate runs on every batch
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Dict

import numpy as np
import torch
from torch.utils.data import default_collate as _torch_collate

from engine.registry.root import FUNCTIONS


_DATA_ELEMENT_TYPES: Dict[type, bool] = {}


def _is_data_element(obj: Any) -> bool:
    # MMEngine keeps its data elements (data samples) unbatched; recognise them by class name so
    # that objects from downstream codebases are handled without importing them. The answer
    # depends on the class only, so it is remembered per class.
    cls = type(obj)
    known = _DATA_ELEMENT_TYPES.get(cls)
    if known is None:
        known = _DATA_ELEMENT_TYPES[cls] = any(base.__name__ == 'BaseDataElement'
                                               for base in cls.__mro__)
    return known


def _collate(data_batch: Sequence, leaf: Callable[[Sequence], Any]) -> Any:
    first = data_batch[0]
    # the two commonest nodes by exact type, each taking the branch the checks below give it
    kind = type(first)
    if kind is dict:
        return {k: _collate([d[k] for d in data_batch], leaf) for k in first}
    if kind is torch.Tensor:
        return leaf(data_batch)
    if isinstance(first, (str, bytes)) or _is_data_element(first):
        return data_batch
    if isinstance(first, tuple) and hasattr(first, '_fields'):  # namedtuple keeps its type
        return type(first)(*(_collate(s, leaf) for s in zip(*data_batch)))
    if isinstance(first, Sequence):
        size = len(first)
        if any(len(item) != size for item in data_batch):
            raise RuntimeError('each element in list of batch should be of equal size')
        # each column stays the tuple zip() made: pseudo_collate's inner leaves are tuples in
        # MMEngine, and the goldens check that
        columns = [_collate(s, leaf) for s in zip(*data_batch)]
        if isinstance(first, tuple):
            return columns  # a list, as PyTorch's collate returns for tuples
        try:
            return type(first)(columns)
        except TypeError:  # e.g. ``range`` cannot be built from an iterable
            return columns
    if isinstance(first, Mapping):
        return type(first)({k: _collate([d[k] for d in data_batch], leaf) for k in first})
    return leaf(data_batch)


@FUNCTIONS.register_module()
def pseudo_collate(data_batch: Sequence) -> Any:
    """Transpose a list of samples into one sample of lists, without stacking anything.

    >>> pseudo_collate([dict(x=1, y='a'), dict(x=2, y='b')])
    {'x': [1, 2], 'y': ['a', 'b']}
    """
    return _collate(data_batch, lambda leaves: leaves)


@FUNCTIONS.register_module()
def default_collate(data_batch: Sequence) -> Any:
    """Transpose like :func:`pseudo_collate`, then stack tensors, arrays and numbers.

    Tensors must share a shape. Strings and data elements stay lists.

    >>> default_collate([dict(x=1), dict(x=2)])
    {'x': tensor([1, 2])}
    """
    return _collate(data_batch, _torch_collate)


def worker_init_fn(worker_id: int, num_workers: int, rank: int, seed: int,
                   disable_subprocess_warning: bool = False) -> None:
    """Seed python, numpy and torch in a dataloader worker like MMEngine does.

    The seed ``num_workers * rank + worker_id + seed`` differs between every worker of every
    rank, so random augmentations are not repeated across workers.
    """
    worker_seed = num_workers * rank + worker_id + seed
    np.random.seed(worker_seed)
    random.seed(worker_seed)
    torch.manual_seed(worker_seed)
    if disable_subprocess_warning and worker_id != 0:
        warnings.simplefilter('ignore')
