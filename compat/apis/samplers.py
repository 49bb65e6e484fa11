"""The samplers MMDet 2.x's ``build_dataloader`` chose (``mmdet/datasets/samplers``).

The random streams are the ones MMDet drew, so a compat run sees the batches an MMDet run saw:
``GroupSampler`` draws from numpy's global generator (seeded by ``set_random_seed``), the
distributed and infinite samplers from a ``torch.Generator`` seeded with ``seed`` (+ epoch).

Example: ``GroupSampler(ds, samples_per_gpu=8)`` over 64 samples flagged in 2 groups yields 8
batches of 8 indices, each batch from one group, batches in random order.
"""
from __future__ import annotations

import itertools
import math
from typing import Iterator, List, Optional

import numpy as np
import torch
from torch.utils.data import DistributedSampler as _TorchDistributedSampler
from torch.utils.data import Sampler

from compat.runner.dist_utils import get_dist_info

__all__ = ['GroupSampler', 'DistributedGroupSampler', 'DistributedSampler',
           'InfiniteGroupBatchSampler', 'InfiniteBatchSampler', 'sync_random_seed']


def _flag(dataset) -> np.ndarray:
    if not hasattr(dataset, 'flag'):
        raise AttributeError(
            f'{type(dataset).__name__} has no `flag` attribute: MMDet 2.x group samplers need '
            'one (the aspect-ratio group of each sample); give the dataset '
            '`self.flag = np.zeros(len(self), dtype=np.uint8)` for a single group')
    return np.asarray(dataset.flag).astype(np.int64)


def sync_random_seed(seed: Optional[int] = None, device: str = 'cpu') -> int:
    """One seed for every rank: rank 0's (random when ``seed`` is None), broadcast."""
    if seed is None:
        seed = np.random.randint(2 ** 31)
    assert isinstance(seed, int)
    rank, world_size = get_dist_info()
    if world_size == 1:
        return seed
    import torch.distributed as dist
    value = torch.tensor(seed if rank == 0 else 0, dtype=torch.int32, device=device)
    dist.broadcast(value, src=0)
    return int(value.item())


class GroupSampler(Sampler):
    """Non-distributed shuffling within groups: each group shuffled and padded (by random
    repeats) to a multiple of ``samples_per_gpu``, then the batch-sized chunks permuted."""

    def __init__(self, dataset, samples_per_gpu: int = 1):
        self.dataset = dataset
        self.samples_per_gpu = samples_per_gpu
        self.flag = _flag(dataset)
        self.group_sizes = np.bincount(self.flag)
        self.num_samples = sum(int(np.ceil(size / samples_per_gpu)) * samples_per_gpu
                               for size in self.group_sizes)

    def __iter__(self) -> Iterator[int]:
        chunks: List[np.ndarray] = []
        for group, size in enumerate(self.group_sizes):
            if size == 0:
                continue
            members = np.where(self.flag == group)[0]
            np.random.shuffle(members)
            missing = int(np.ceil(size / self.samples_per_gpu)) * self.samples_per_gpu - size
            chunks.append(np.concatenate([members, np.random.choice(members, missing)]))
        indices = np.concatenate(chunks)
        per = self.samples_per_gpu
        order = np.random.permutation(range(len(indices) // per))
        indices = np.concatenate([indices[i * per:(i + 1) * per] for i in order])
        return iter(indices.astype(np.int64).tolist())

    def __len__(self) -> int:
        return self.num_samples


class DistributedGroupSampler(Sampler):
    """Distributed shuffling within groups, seeded by ``seed + epoch``: every rank draws the
    same permutation and takes its contiguous slice."""

    def __init__(self, dataset, samples_per_gpu: int = 1, num_replicas: Optional[int] = None,
                 rank: Optional[int] = None, seed: Optional[int] = 0):
        default_rank, default_world = get_dist_info()
        self.num_replicas = default_world if num_replicas is None else num_replicas
        self.rank = default_rank if rank is None else rank
        self.dataset = dataset
        self.samples_per_gpu = samples_per_gpu
        self.epoch = 0
        self.seed = 0 if seed is None else seed
        self.flag = _flag(dataset)
        self.group_sizes = np.bincount(self.flag)
        self.num_samples = sum(
            int(math.ceil(size * 1.0 / samples_per_gpu / self.num_replicas)) * samples_per_gpu
            for size in self.group_sizes)
        self.total_size = self.num_samples * self.num_replicas

    def __iter__(self) -> Iterator[int]:
        g = torch.Generator()
        g.manual_seed(self.epoch + self.seed)
        per = self.samples_per_gpu
        indices: List[int] = []
        for group, size in enumerate(self.group_sizes):
            if size <= 0:
                continue
            members = np.where(self.flag == group)[0]
            members = members[list(torch.randperm(int(size), generator=g).numpy())].tolist()
            padded_len = int(math.ceil(size * 1.0 / per / self.num_replicas)) * per \
                * self.num_replicas
            extra = padded_len - len(members)
            base = list(members)
            for _ in range(extra // size):
                members.extend(base)
            members.extend(base[:extra % size])
            indices.extend(members)
        assert len(indices) == self.total_size
        order = torch.randperm(len(indices) // per, generator=g)
        indices = [indices[j] for i in list(order) for j in range(i * per, (i + 1) * per)]
        offset = self.num_samples * self.rank
        return iter(indices[offset:offset + self.num_samples])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch


class DistributedSampler(_TorchDistributedSampler):
    """torch's sampler with MMDet's seeding (``seed + epoch``, the seed rank 0's: drawn from
    numpy's stream when None, as MMDet 2.28 did for its validation loaders) and padding (repeat
    the whole list, then cut), each rank taking every ``num_replicas``-th index."""

    def __init__(self, dataset, num_replicas: Optional[int] = None, rank: Optional[int] = None,
                 shuffle: bool = True, seed: Optional[int] = 0):
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=shuffle)
        self.seed = sync_random_seed(seed)

    def __iter__(self) -> Iterator[int]:
        if self.shuffle:
            g = torch.Generator()
            g.manual_seed(self.epoch + self.seed)
            indices = torch.randperm(len(self.dataset), generator=g).tolist()
        else:
            indices = torch.arange(len(self.dataset)).tolist()
        indices = (indices * math.ceil(self.total_size / len(indices)))[:self.total_size]
        assert len(indices) == self.total_size
        indices = indices[self.rank:self.total_size:self.num_replicas]
        assert len(indices) == self.num_samples
        return iter(indices)


class _InfiniteBase(Sampler):
    """An endless index stream (a fresh permutation per pass, one generator seeded once),
    sliced by rank; batches are cut from it by the subclasses. For ``IterBasedRunner``."""

    def __init__(self, dataset, batch_size: int = 1, world_size: Optional[int] = None,
                 rank: Optional[int] = None, seed: int = 0, shuffle: bool = True):
        default_rank, default_world = get_dist_info()
        self.rank = default_rank if rank is None else rank
        self.world_size = default_world if world_size is None else world_size
        self.dataset = dataset
        self.batch_size = batch_size
        self.seed = sync_random_seed(seed)
        self.shuffle = shuffle
        self.size = len(dataset)
        self.indices = self._indices_of_rank()

    def _infinite_indices(self) -> Iterator[int]:
        g = torch.Generator()
        g.manual_seed(self.seed)
        while True:
            if self.shuffle:
                yield from torch.randperm(self.size, generator=g).tolist()
            else:
                yield from torch.arange(self.size).tolist()

    def _indices_of_rank(self) -> Iterator[int]:
        yield from itertools.islice(self._infinite_indices(), self.rank, None, self.world_size)

    def __len__(self) -> int:
        return self.size

    def set_epoch(self, epoch: int) -> None:
        raise NotImplementedError(f'{type(self).__name__} is for IterBasedRunner, which has '
                                  'no epochs to set')


class InfiniteGroupBatchSampler(_InfiniteBase):
    """Batches whose indices share a group: each index waits in its group's buffer until the
    buffer holds ``batch_size`` of them."""

    def __init__(self, dataset, batch_size: int = 1, world_size: Optional[int] = None,
                 rank: Optional[int] = None, seed: int = 0, shuffle: bool = True):
        super().__init__(dataset, batch_size, world_size, rank, seed, shuffle)
        self.flag = _flag(dataset)
        self.group_sizes = np.bincount(self.flag)
        self.buffer_per_group = {k: [] for k in range(len(self.group_sizes))}

    def __iter__(self) -> Iterator[List[int]]:
        for idx in self.indices:
            buffer = self.buffer_per_group[self.flag[idx]]
            buffer.append(idx)
            if len(buffer) == self.batch_size:
                yield buffer[:]
                del buffer[:]


class InfiniteBatchSampler(_InfiniteBase):
    """Consecutive ``batch_size`` indices of the rank's stream."""

    def __iter__(self) -> Iterator[List[int]]:
        batch: List[int] = []
        for idx in self.indices:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
