"""Our samplers and collate functions against outputs recorded from real MMEngine 0.10.7.

Regenerate with ``.oracle/mmengine/bin/python scripts/oracle/record_sampler_goldens.py``.
"""
import itertools

import numpy as np
import pytest
import torch

from engine.dataset import DefaultSampler, InfiniteSampler, build_dataloader, default_collate
from engine.dataset import pseudo_collate


def test_goldens_come_from_same_torch(goldens):
    # randperm streams may change between torch releases; the goldens would then be stale
    assert goldens['mmengine_version'] == '0.10.7'
    assert goldens['torch_version'].split('+')[0] == torch.__version__.split('+')[0]


def test_default_sampler_matches_mmengine(goldens):
    mismatches = []
    for case in goldens['default_sampler']:
        for r in case['ranks']:
            sampler = DefaultSampler(list(range(case['size'])), shuffle=case['shuffle'],
                                     seed=case['seed'], round_up=case['round_up'],
                                     rank=r['rank'], world_size=case['world_size'])
            got = []
            for epoch in range(len(r['epochs'])):
                sampler.set_epoch(epoch)
                got.append(list(sampler))
            if got != r['epochs'] or len(sampler) != r['len']:
                mismatches.append((case['size'], case['shuffle'], case['seed'], case['round_up'],
                                   case['world_size'], r['rank']))
    assert len(goldens['default_sampler']) >= 100
    assert not mismatches, f'(size, shuffle, seed, round_up, world, rank) differ: {mismatches}'


def test_infinite_sampler_matches_mmengine(goldens):
    mismatches = []
    for case in goldens['infinite_sampler']:
        for r in case['ranks']:
            sampler = InfiniteSampler(list(range(case['size'])), shuffle=case['shuffle'],
                                      seed=case['seed'], rank=r['rank'],
                                      world_size=case['world_size'])
            first = list(itertools.islice(iter(sampler), len(r['first'])))
            # MMEngine shares one stream between iter() calls: the second continues the first
            again = list(itertools.islice(iter(sampler), len(r['second_iter'])))
            if (first, again, len(sampler)) != (r['first'], r['second_iter'], r['len']):
                mismatches.append((case['size'], case['shuffle'], case['seed'],
                                   case['world_size'], r['rank']))
    assert not mismatches, f'(size, shuffle, seed, world, rank) differ: {mismatches}'


def _find(cases, **want):
    return next(c for c in cases if all(c[k] == v for k, v in want.items()))


def test_dataloader_batches_follow_mmengine_order(goldens):
    """A seeded training dataloader yields the batches MMEngine would, epoch after epoch."""
    case = _find(goldens['default_sampler'], size=10, shuffle=True, seed=42, round_up=True,
                 world_size=1)
    loader = build_dataloader(dict(batch_size=4, num_workers=0, sampler=dict(type='DefaultSampler',
                                   shuffle=True), dataset=dict(type='DataEvalToyDataset', size=10)),
                              seed=42)
    for epoch, expected in enumerate(case['ranks'][0]['epochs']):
        loader.sampler.set_epoch(epoch)
        order = [i for batch in loader for i in batch['index']]
        assert order == expected


def test_infinite_dataloader_follows_mmengine_order(goldens):
    case = _find(goldens['infinite_sampler'], size=7, shuffle=True, seed=0, world_size=1)
    loader = build_dataloader(dict(batch_size=5, sampler=dict(type='InfiniteSampler'),
                                   dataset=dict(type='DataEvalToyDataset', size=7),
                                   collate_fn=dict(type='default_collate')), seed=0)
    it = iter(loader)
    order = [int(i) for _ in range(6) for i in next(it)['index']]
    assert order == case['ranks'][0]['first']


# --- collate ------------------------------------------------------------------------------------
def describe(obj):
    """Same JSON form as scripts/oracle/record_sampler_goldens.py (which cannot be imported)."""
    if isinstance(obj, torch.Tensor):
        return dict(tensor=obj.tolist(), shape=list(obj.shape), dtype=str(obj.dtype))
    if isinstance(obj, np.ndarray):
        return dict(ndarray=obj.tolist(), shape=list(obj.shape), dtype=str(obj.dtype))
    if isinstance(obj, dict):
        return dict(dict={k: describe(v) for k, v in obj.items()})
    if isinstance(obj, tuple):
        return dict(tuple=[describe(v) for v in obj])
    if isinstance(obj, list):
        return dict(list=[describe(v) for v in obj])
    if isinstance(obj, (bool, int, float, str)) or obj is None:
        return dict(value=obj, type=type(obj).__name__)
    raise TypeError(f'cannot describe {type(obj)}')


def rebuild(desc):
    """Inverse of :func:`describe` for the recorded inputs."""
    if 'tensor' in desc:
        return torch.tensor(desc['tensor'], dtype=getattr(torch, desc['dtype'].split('.')[1]))
    if 'ndarray' in desc:
        return np.array(desc['ndarray'], dtype=desc['dtype'])
    if 'dict' in desc:
        return {k: rebuild(v) for k, v in desc['dict'].items()}
    if 'tuple' in desc:
        return tuple(rebuild(v) for v in desc['tuple'])
    if 'list' in desc:
        return [rebuild(v) for v in desc['list']]
    scalar_types = dict(bool=bool, int=int, float=float, str=str, float64=np.float64)
    return scalar_types[desc['type']](desc['value'])


@pytest.mark.parametrize('fn', [default_collate, pseudo_collate], ids=lambda f: f.__name__)
def test_collate_matches_mmengine(goldens, fn):
    assert len(goldens['collate']) >= 5
    for name, case in goldens['collate'].items():
        batch = rebuild(case['input'])
        assert describe(batch) == case['input'], f'{name}: input did not round-trip'
        assert describe(fn(batch)) == case[fn.__name__], name
