"""compat.apis.samplers: MMDet 2.x's samplers (the whole-run goldens check their streams
against the MMCV oracle's flow; these pin their properties on small cases)."""
import numpy as np
import pytest
import torch

from compat.apis.samplers import (DistributedGroupSampler, DistributedSampler, GroupSampler,
                                  InfiniteBatchSampler, InfiniteGroupBatchSampler)


class Flagged(torch.utils.data.Dataset):
    def __init__(self, flags):
        self.flag = np.array(flags, dtype=np.uint8)

    def __len__(self):
        return len(self.flag)

    def __getitem__(self, i):
        return i


def test_group_sampler_batches_stay_in_one_group_and_pad_by_repeats():
    ds = Flagged([0] * 5 + [1] * 6)
    np.random.seed(0)
    indices = list(GroupSampler(ds, samples_per_gpu=4))
    assert len(indices) == len(GroupSampler(ds, 4)) == 8 + 8
    batches = [indices[i:i + 4] for i in range(0, 16, 4)]
    for batch in batches:
        assert len({int(ds.flag[i]) for i in batch}) == 1
    assert set(indices) == set(range(11))
    # numpy's global stream decides: the same seed, the same order
    np.random.seed(0)
    assert list(GroupSampler(ds, 4)) == indices
    np.random.seed(1)
    assert list(GroupSampler(ds, 4)) != indices


def test_group_sampler_needs_a_flag():
    with pytest.raises(AttributeError, match='flag'):
        GroupSampler(list(range(4)), 2)


def test_distributed_group_sampler_ranks_split_one_permutation():
    ds = Flagged([0] * 6 + [1] * 6)
    parts = [list(DistributedGroupSampler(ds, 3, num_replicas=2, rank=r, seed=5))
             for r in (0, 1)]
    assert [len(p) for p in parts] == [6, 6]
    assert sorted(parts[0] + parts[1]) == list(range(12))
    for part in parts:
        for start in (0, 3):
            assert len({int(ds.flag[i]) for i in part[start:start + 3]}) == 1
    sampler = DistributedGroupSampler(ds, 3, num_replicas=2, rank=0, seed=5)
    sampler.set_epoch(1)
    assert list(sampler) != parts[0]
    assert list(DistributedGroupSampler(ds, 3, num_replicas=2, rank=0, seed=5)) == parts[0]


def test_distributed_sampler_pads_by_repeating_then_interleaves():
    ds = list(range(5))
    parts = [list(DistributedSampler(ds, num_replicas=2, rank=r, shuffle=False))
             for r in (0, 1)]
    assert parts == [[0, 2, 4], [1, 3, 0]]


def test_infinite_batch_sampler_runs_on_past_the_end():
    sampler = InfiniteBatchSampler(list(range(5)), batch_size=2, world_size=1, rank=0,
                                   shuffle=False)
    it = iter(sampler)
    assert [next(it) for _ in range(4)] == [[0, 1], [2, 3], [4, 0], [1, 2]]
    with pytest.raises(NotImplementedError, match='IterBasedRunner'):
        sampler.set_epoch(1)


def test_infinite_group_batch_sampler_waits_for_a_full_group():
    ds = Flagged([0, 1, 0, 1, 1, 0])
    sampler = InfiniteGroupBatchSampler(ds, batch_size=2, world_size=1, rank=0, seed=0,
                                        shuffle=False)
    it = iter(sampler)
    assert [next(it) for _ in range(3)] == [[0, 2], [1, 3], [5, 0]]
    g = torch.Generator()
    g.manual_seed(0)
    stream = torch.randperm(6, generator=g).tolist()
    shuffled = iter(InfiniteGroupBatchSampler(ds, batch_size=2, world_size=1, rank=0, seed=0))
    first = next(shuffled)
    same_group = [i for i in stream if ds.flag[i] == ds.flag[first[0]]]
    assert first == same_group[:2]
