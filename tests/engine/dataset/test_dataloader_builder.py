"""build_dataloader: MMEngine's Runner.build_dataloader behaviour and keyed config errors."""
import random
from functools import partial

import pytest
import torch
from torch.utils.data import BatchSampler, DataLoader, Dataset

import engine.dataset.sampler as sampler_mod
from engine.dataset import DefaultSampler, InfiniteSampler, build_dataloader, worker_init_fn
from engine.errors import BuildError, ConfigError
from engine.registry import DATA_SAMPLERS, DATASETS


def cfg(**overrides):
    base = dict(batch_size=4, num_workers=0, persistent_workers=False,
                sampler=dict(type='DefaultSampler', shuffle=False), batch_sampler=None,
                collate_fn=dict(type='default_collate'),
                dataset=dict(type='DataEvalToyDataset', size=10), pin_memory=False, drop_last=False)
    base.update(overrides)
    return base


@DATA_SAMPLERS.register_module(force=True)
class DataEvalBatchSampler(BatchSampler):
    def __init__(self, sampler, batch_size, drop_last=True):
        super().__init__(sampler, batch_size, drop_last)


@DATA_SAMPLERS.register_module(force=True)
class DataEvalSeedlessSampler(torch.utils.data.Sampler):
    """A user sampler without a ``seed`` argument must still build."""

    def __init__(self, dataset):
        self.n = len(dataset)

    def __iter__(self):
        return iter(range(self.n - 1, -1, -1))

    def __len__(self):
        return self.n


def test_builds_from_the_documented_config():
    config = cfg()
    loader = build_dataloader(config, seed=0)
    assert isinstance(loader, DataLoader)
    assert isinstance(loader.sampler, DefaultSampler) and loader.sampler.seed == 0
    assert loader.dataset.full_init_called
    batches = list(loader)
    assert [len(b['index']) for b in batches] == [4, 4, 2]
    assert batches[0]['inputs'].shape == (4, 2)  # default_collate stacks
    assert batches[0]['index'].tolist() == [0, 1, 2, 3]
    assert config['dataset'] == dict(type='DataEvalToyDataset', size=10)  # input left untouched


def test_collate_defaults_to_pseudo_collate_like_mmengine():
    config = cfg()
    del config['collate_fn']
    batch = next(iter(build_dataloader(config)))
    assert isinstance(batch['inputs'], list) and len(batch['inputs']) == 4
    assert batch['index'] == [0, 1, 2, 3]


def test_collate_fn_callable_and_kwargs():
    seen = []

    def collate(batch, tag):
        seen.append(tag)
        return batch

    build_dataloader(cfg(collate_fn=dict(type=collate, tag='x'))).__iter__().__next__()
    assert seen == ['x']
    loader = build_dataloader(cfg(collate_fn=len))
    assert next(iter(loader)) == 4


def test_instances_pass_through():
    loader = build_dataloader(cfg())
    assert build_dataloader(loader) is loader
    ds = DATASETS.get('DataEvalToyDataset')(size=3)  # registered by conftest
    loader = build_dataloader(cfg(dataset=ds))
    assert loader.dataset is ds and not ds.full_init_called  # MMEngine inits configs only


def test_same_seed_same_order_and_new_epoch_new_order():
    def order(seed, epoch):
        loader = build_dataloader(cfg(sampler=dict(type='DefaultSampler', shuffle=True)),
                                  seed=seed)
        loader.sampler.set_epoch(epoch)
        return [i for b in loader for i in b['index'].tolist()]

    assert order(3, 0) == order(3, 0)
    assert order(3, 0) != order(3, 1)
    assert sorted(order(3, 1)) == list(range(10))


def test_seed_none_uses_a_synchronised_seed(monkeypatch):
    monkeypatch.setattr(sampler_mod, 'sync_random_seed', lambda: 1234)
    loader = build_dataloader(cfg())
    assert loader.sampler.seed == 1234 and loader.worker_init_fn is None
    # diff_rank_seed: workers get the rank's seed, samplers the shared one
    loader = build_dataloader(cfg(), seed=7, diff_rank_seed=True)
    assert loader.sampler.seed == 1234
    assert loader.worker_init_fn.keywords['seed'] == 7


def test_worker_init_fn_seeds_like_mmengine():
    loader = build_dataloader(cfg(num_workers=2), seed=10)
    fn = loader.worker_init_fn
    assert isinstance(fn, partial) and fn.func is worker_init_fn
    assert fn.keywords == dict(num_workers=2, rank=0, seed=10, disable_subprocess_warning=False)
    state = random.getstate(), torch.get_rng_state()
    try:
        fn(1)
        expected = 2 * 0 + 1 + 10  # num_workers * rank + worker_id + seed
        assert torch.initial_seed() == expected
        value = random.random()
        random.seed(expected)
        assert value == random.random()
    finally:
        random.setstate(state[0])
        torch.set_rng_state(state[1])


def test_worker_seed_depends_on_rank(monkeypatch):
    import engine.dataset.builder as builder_mod
    monkeypatch.setattr(builder_mod, 'get_rank', lambda: 3)
    fn = build_dataloader(cfg(num_workers=2), seed=10).worker_init_fn
    assert fn.keywords['rank'] == 3  # worker 1 of rank 3 is seeded 2 * 3 + 1 + 10 = 17


class SeedReportingDataset(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return torch.initial_seed()


def test_real_workers_are_seeded_and_persistent():
    loader = build_dataloader(cfg(num_workers=2, persistent_workers=True, batch_size=1,
                                  dataset=SeedReportingDataset()), seed=100)
    assert loader.persistent_workers
    seeds = {int(s) for b in loader for s in b}
    assert seeds == {100, 101}  # worker 0 and worker 1 of rank 0


def test_persistent_workers_dropped_without_workers():
    loader = build_dataloader(cfg(persistent_workers=True, prefetch_factor=2))
    assert not loader.persistent_workers
    assert len(list(loader)) == 3


def test_custom_worker_init_fn():
    calls = []
    loader = build_dataloader(cfg(worker_init_fn=dict(type=lambda wid, k: calls.append(k), k=1)),
                              seed=3)
    loader.worker_init_fn(0)
    assert calls == [1]


def test_batch_sampler_gets_sampler_and_batch_size():
    loader = build_dataloader(cfg(batch_sampler=dict(type='DataEvalBatchSampler'), batch_size=3))
    assert isinstance(loader.batch_sampler, DataEvalBatchSampler)
    assert loader.batch_sampler.batch_size == 3
    assert [b['index'].tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    config = cfg(batch_sampler=dict(type='DataEvalBatchSampler', batch_size=5))
    del config['batch_size']
    assert len(build_dataloader(config)) == 2


def test_num_batch_per_epoch_slices_the_dataset():
    loader = build_dataloader(cfg(num_batch_per_epoch=2))
    assert len(loader) == 2 and len(loader.dataset) == 8
    assert loader.dataset.size == 10  # attributes reach the real dataset


def test_sampler_without_seed_argument_builds():
    loader = build_dataloader(cfg(sampler=dict(type='DataEvalSeedlessSampler')), seed=1)
    assert [i for b in loader for i in b['index'].tolist()] == list(range(9, -1, -1))


def test_infinite_sampler_from_config():
    loader = build_dataloader(cfg(sampler=dict(type='InfiniteSampler', shuffle=False)), seed=0)
    assert isinstance(loader.sampler, InfiniteSampler)
    it = iter(loader)
    assert [next(it)['index'].tolist() for _ in range(3)] == [[0, 1, 2, 3], [4, 5, 6, 7],
                                                              [8, 9, 0, 1]]


# --- errors -------------------------------------------------------------------------------------
def _without(key):
    config = cfg()
    del config[key]
    return config


@pytest.mark.parametrize('config, err, key, text', [
    (_without('dataset'), ConfigError, 'train_dataloader.dataset', "dataset=dict(type="),
    (_without('batch_size'), ConfigError, 'train_dataloader.batch_size', 'add batch_size'),
    (_without('sampler'), ConfigError, 'train_dataloader.sampler', "type='DefaultSampler'"),
    (cfg(sampler=dict(type='DefaultSamplr')), BuildError, 'train_dataloader.sampler.type',
     "did you mean 'DefaultSampler'"),
    (cfg(sampler=dict(shuffle=True)), BuildError, 'train_dataloader.sampler.type', 'type'),
    (cfg(sampler=dict(type='DefaultSampler', shufle=True)), BuildError,
     'train_dataloader.sampler.shufle', "did you mean 'shuffle'"),
    (cfg(dataset=dict(type='NoSuchDataset')), BuildError, 'train_dataloader.dataset.type',
     'not a registered dataset'),
    (cfg(collate_fn=dict(type='defalt_collate')), BuildError, 'train_dataloader.collate_fn.type',
     "did you mean 'default_collate'"),
    (cfg(collate_fn=3), ConfigError, 'train_dataloader.collate_fn', 'callable'),
    (cfg(num_worker=2), ConfigError, 'train_dataloader.num_worker', "did you mean 'num_workers'"),
    (cfg(shuffle=True), ConfigError, 'train_dataloader', 'shuffle belongs in the sampler'),
])
def test_config_errors_name_the_key_and_fix(config, err, key, text):
    with pytest.raises(err) as info:
        build_dataloader(config)
    assert info.value.key == key
    assert text in str(info.value)
    assert info.value.fix


def test_error_key_follows_the_dataloader_name():
    with pytest.raises(BuildError) as info:
        build_dataloader(cfg(sampler=dict(type='Nope')), key='val_dataloader')
    assert info.value.key == 'val_dataloader.sampler.type'
    assert "key 'val_dataloader.sampler.type'" in str(info.value)


def test_not_a_dict_is_a_config_error():
    with pytest.raises(ConfigError, match='must be a dict'):
        build_dataloader([1, 2])


def test_sampler_rank_override_is_validated():
    with pytest.raises(ValueError, match='rank'):
        DefaultSampler(range(4), seed=0, rank=2, world_size=2)
    with pytest.raises(ValueError, match='empty'):
        InfiniteSampler([], seed=0)
