"""DistSamplerSeedHook: set_epoch on the sampler or on batch_sampler.sampler."""
from __future__ import annotations

import torch
from torch.utils.data import DataLoader, Sampler

from engine.hooks.hook import check_hook_signatures
from engine.hooks.sampler_seed_hook import DistSamplerSeedHook
from engine.registry import HOOKS


class EpochSampler(Sampler):
    def __init__(self, n=4):
        self.n = n
        self.epochs = []

    def set_epoch(self, epoch):
        self.epochs.append(epoch)

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


class Holder:
    """An object with only the attributes given."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def test_registered_with_normal_priority():
    assert HOOKS.get('DistSamplerSeedHook') is DistSamplerSeedHook
    assert DistSamplerSeedHook.priority == 'NORMAL'
    check_hook_signatures(DistSamplerSeedHook())


def test_sets_epoch_on_dataloader_sampler(make_runner):
    sampler = EpochSampler()
    loader = DataLoader(torch.arange(4), sampler=sampler, batch_size=2)
    runner = make_runner(train_dataloader=loader, epoch=3)
    DistSamplerSeedHook().before_train_epoch(runner)
    assert sampler.epochs == [3]


def test_falls_back_to_batch_sampler_sampler(make_runner):
    sampler = EpochSampler()
    loader = Holder(sampler=object(), batch_sampler=Holder(sampler=sampler))
    runner = make_runner(train_dataloader=loader, epoch=5)
    DistSamplerSeedHook().before_train_epoch(runner)
    assert sampler.epochs == [5]


def test_batch_sampler_without_sampler_attribute_on_loader(make_runner):
    sampler = EpochSampler()
    loader = Holder(batch_sampler=Holder(sampler=sampler))
    runner = make_runner(train_dataloader=loader, epoch=1)
    DistSamplerSeedHook().before_train_epoch(runner)
    assert sampler.epochs == [1]


def test_sampler_wins_over_batch_sampler(make_runner):
    outer, inner = EpochSampler(), EpochSampler()
    loader = Holder(sampler=outer, batch_sampler=Holder(sampler=inner))
    DistSamplerSeedHook().before_train_epoch(make_runner(train_dataloader=loader, epoch=2))
    assert outer.epochs == [2] and inner.epochs == []


def test_plain_samplers_are_left_alone(make_runner):
    loader = DataLoader(torch.arange(4), batch_size=2, shuffle=True)
    DistSamplerSeedHook().before_train_epoch(make_runner(train_dataloader=loader))
    loader = DataLoader(torch.arange(4), batch_size=None)  # batch_sampler is None
    DistSamplerSeedHook().before_train_epoch(make_runner(train_dataloader=loader))
    DistSamplerSeedHook().before_train_epoch(make_runner(train_dataloader=Holder()))
