"""Legacy datasets, batches and sample order on the engine's dataloaders."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from engine.registry import DATA_SAMPLERS, DATASETS, FUNCTIONS

from compat.apis.builder import build_dataset
from compat.apis.samplers import GroupSampler, InfiniteGroupBatchSampler
from compat.parallel.collate import collate

__all__ = ['LegacyDataset', 'LegacyGroupSampler', 'LegacyInfiniteGroupBatchSampler',
           'legacy_collate']


@DATASETS.register_module()
def LegacyDataset(dataset: dict, test_mode: Optional[bool] = None, **kwargs: Any):  # noqa: N802
    """Build ``dataset`` (a legacy ``data.train``/``val``/``test`` entry, lists and
    Concat/RepeatDataset included) from ``compat.apis.DATASETS``."""
    default_args = dict(kwargs)
    if test_mode is not None:
        default_args['test_mode'] = test_mode
    return build_dataset(dataset, default_args or None)


@FUNCTIONS.register_module()
def legacy_collate(data_batch: Sequence, samples_per_gpu: Optional[int] = None) -> Any:
    """MMCV's ``collate``; ``samples_per_gpu`` defaults to the batch's length."""
    return collate(data_batch, samples_per_gpu=samples_per_gpu or len(data_batch))


@DATA_SAMPLERS.register_module()
class LegacyGroupSampler(GroupSampler):
    """MMDet 2.x's ``GroupSampler`` (numpy's global stream, which the engine seeds from
    ``randomness.seed`` as MMDet's ``set_random_seed`` did). ``seed`` is accepted and unused:
    the legacy sampler had none."""

    def __init__(self, dataset, samples_per_gpu: int = 1, seed: Optional[int] = None):
        super().__init__(dataset, samples_per_gpu)


@DATA_SAMPLERS.register_module()
class LegacyInfiniteGroupBatchSampler(InfiniteGroupBatchSampler):
    """MMDet 2.x's endless grouped batches for iteration runners, as an engine
    ``batch_sampler`` (it takes the dataset from the loader's ``sampler``)."""

    def __init__(self, sampler, batch_size: int = 1, seed: Optional[int] = 0):
        super().__init__(sampler.dataset, batch_size, seed=0 if seed is None else seed)
