"""MMDet 2.x's ``build_dataloader`` (``mmdet/datasets/builder.py``) on compat's ``collate``.

The sampler follows the runner: an ``IterBasedRunner`` gets an endless batch sampler (grouped
when shuffling), an epoch runner a (distributed) group sampler when shuffling, else a plain or
distributed sequential one. ``seed`` seeds the distributed/infinite samplers and each worker
(``worker_init_fn``: ``num_workers * rank + worker_id + seed``).

Example: ``build_dataloader(ds, samples_per_gpu=8, workers_per_gpu=0, dist=False, seed=0)``
over 64 samples: 8 batches a pass, each a ``collate``d dict of 8 samples.
"""
from __future__ import annotations

import random
from functools import partial
from typing import Any, Optional

import numpy as np
import torch
from torch.utils.data import DataLoader

from compat.apis.samplers import (DistributedGroupSampler, DistributedSampler, GroupSampler,
                                  InfiniteBatchSampler, InfiniteGroupBatchSampler)
from compat.parallel.collate import collate
from compat.runner.dist_utils import get_dist_info

__all__ = ['build_dataloader', 'worker_init_fn']


def worker_init_fn(worker_id: int, num_workers: int, rank: int, seed: int) -> None:
    """Seed numpy, ``random`` and torch in each worker differently but reproducibly."""
    worker_seed = num_workers * rank + worker_id + seed
    np.random.seed(worker_seed)
    random.seed(worker_seed)
    torch.manual_seed(worker_seed)


def build_dataloader(dataset, samples_per_gpu: int, workers_per_gpu: int, num_gpus: int = 1,
                     dist: bool = True, shuffle: bool = True, seed: Optional[int] = None,
                     runner_type: str = 'EpochBasedRunner', persistent_workers: bool = False,
                     class_aware_sampler: Optional[dict] = None, **kwargs: Any) -> DataLoader:
    """A DataLoader as MMDet 2.x built it (``num_gpus`` only counts without ``dist``)."""
    if class_aware_sampler is not None:
        raise NotImplementedError(
            'data.train_dataloader.class_aware_sampler (MMDet 2.26+ ClassAwareSampler) is not '
            'part of the compat runtime; remove it to train with the group sampler')
    rank, world_size = get_dist_info()
    if dist:
        batch_size, num_workers = samples_per_gpu, workers_per_gpu
    else:
        batch_size, num_workers = num_gpus * samples_per_gpu, num_gpus * workers_per_gpu
    if runner_type == 'IterBasedRunner':
        if shuffle:
            batch_sampler = InfiniteGroupBatchSampler(dataset, batch_size, world_size, rank,
                                                      seed=seed)
        else:
            batch_sampler = InfiniteBatchSampler(dataset, batch_size, world_size, rank,
                                                 seed=seed, shuffle=False)
        batch_size, sampler = 1, None
    else:
        if dist:
            sampler = (DistributedGroupSampler(dataset, samples_per_gpu, world_size, rank,
                                               seed=seed) if shuffle else
                       DistributedSampler(dataset, world_size, rank, shuffle=False, seed=seed))
        else:
            sampler = GroupSampler(dataset, samples_per_gpu) if shuffle else None
        batch_sampler = None
    init_fn = (partial(worker_init_fn, num_workers=num_workers, rank=rank, seed=seed)
               if seed is not None else None)
    kwargs['persistent_workers'] = persistent_workers
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler, num_workers=num_workers,
                      batch_sampler=batch_sampler,
                      collate_fn=partial(collate, samples_per_gpu=samples_per_gpu),
                      pin_memory=kwargs.pop('pin_memory', False), worker_init_fn=init_fn,
                      **kwargs)
