"""Index samplers with MMEngine's exact index order.

A run with a given seed must visit the same samples in the same order as under MMEngine, so the
shuffle is ``torch.randperm`` on a ``torch.Generator`` seeded with ``seed + epoch``, padding
repeats the permutation, and rank ``r`` of ``W`` takes ``indices[r::W]``.
"""
from __future__ import annotations

import itertools
import math
from typing import Iterator, Optional, Sized, Tuple

import torch
from torch.utils.data import Sampler

from engine.dist.utils import get_dist_info, sync_random_seed
from engine.registry.root import DATA_SAMPLERS


def _resolve_dist(rank: Optional[int], world_size: Optional[int]) -> Tuple[int, int]:
    """The process's (rank, world size), unless both are given (tests simulate ranks this way)."""
    real_rank, real_world = get_dist_info()
    rank = real_rank if rank is None else int(rank)
    world_size = real_world if world_size is None else int(world_size)
    if world_size < 1 or not 0 <= rank < world_size:
        raise ValueError(f'need 0 <= rank < world_size, got rank={rank}, world_size={world_size}')
    return rank, world_size


@DATA_SAMPLERS.register_module()
class DefaultSampler(Sampler):
    """Epoch sampler for one or many processes (MMEngine's ``DefaultSampler``).

    Args:
        dataset: anything with ``len()``.
        shuffle: shuffle with a permutation that depends on ``seed + epoch``.
        seed: shared shuffle seed; ``None`` draws one on rank 0 and shares it.
        round_up: pad (by repeating indices) so every rank gets the same number of samples;
            without it nothing is added or dropped and ranks may differ by one sample.
        rank, world_size: override the process group's values (for tests).
    """

    def __init__(self, dataset: Sized, shuffle: bool = True, seed: Optional[int] = None,
                 round_up: bool = True, *, rank: Optional[int] = None,
                 world_size: Optional[int] = None) -> None:
        self.rank, self.world_size = _resolve_dist(rank, world_size)
        self.dataset = dataset
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else int(seed)
        self.epoch = 0
        self.round_up = round_up
        n = len(dataset)
        if round_up:
            self.num_samples = math.ceil(n / self.world_size)
            self.total_size = self.num_samples * self.world_size
        else:
            self.num_samples = math.ceil((n - self.rank) / self.world_size)
            self.total_size = n

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            g = torch.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = torch.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if self.round_up and indices:
            # repeat the whole permutation, as MMEngine does, even when several copies are needed
            indices = (indices * (self.total_size // n + 1))[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.world_size])

    def __len__(self) -> int:
        """Samples this rank yields per epoch."""
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Select the permutation of ``epoch`` (the loops call this before each epoch)."""
        self.epoch = epoch


@DATA_SAMPLERS.register_module()
class InfiniteSampler(Sampler):
    """Endless sampler for iteration-based training (MMEngine's ``InfiniteSampler``).

    One stream of permutations is drawn from a generator seeded once with ``seed``; each rank
    takes every ``world_size``-th index of it. The stream is created here and shared by all
    ``iter()`` calls, so a re-created iterator continues where the last one stopped.

    Args:
        dataset: anything with ``len()``.
        shuffle: draw a fresh permutation for every pass over the data.
        seed: shared seed; ``None`` draws one on rank 0 and shares it.
        rank, world_size: override the process group's values (for tests).
    """

    def __init__(self, dataset: Sized, shuffle: bool = True, seed: Optional[int] = None, *,
                 rank: Optional[int] = None, world_size: Optional[int] = None) -> None:
        self.rank, self.world_size = _resolve_dist(rank, world_size)
        self.dataset = dataset
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else int(seed)
        self.size = len(dataset)
        if self.size == 0:
            # an empty stream would make the first next() spin forever
            raise ValueError('InfiniteSampler got an empty dataset')
        self.indices = self._indices_of_rank()

    def _infinite_indices(self) -> Iterator[int]:
        g = torch.Generator()
        g.manual_seed(self.seed)
        while True:
            if self.shuffle:
                yield from torch.randperm(self.size, generator=g).tolist()
            else:
                yield from range(self.size)

    def _indices_of_rank(self) -> Iterator[int]:
        return itertools.islice(self._infinite_indices(), self.rank, None, self.world_size)

    def __iter__(self) -> Iterator[int]:
        yield from self.indices

    def __len__(self) -> int:
        """Length of the dataset (the sampler itself never ends)."""
        return self.size

    def set_epoch(self, epoch: int) -> None:
        """No-op: the stream does not restart per epoch."""
