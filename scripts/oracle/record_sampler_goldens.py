"""Record sampler index orders and collate outputs from the real MMEngine 0.10.7.

Run with the oracle interpreter (it must not import this repository's ``engine``):

    .oracle/mmengine/bin/python scripts/oracle/record_sampler_goldens.py

Ranks are simulated by replacing ``get_dist_info`` in MMEngine's sampler module, so one process
records what every rank of a W-process job would see. Writes fixtures/goldens/samplers.json,
which tests/engine/dataset/test_sampler_goldens.py compares against.
"""
from __future__ import annotations

import itertools
import json
import os
import sys

import numpy as np
import torch

import mmengine
import mmengine.dataset.sampler as mm_sampler
from mmengine.dataset import default_collate, pseudo_collate

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'goldens', 'samplers.json')

SIZES = (1, 7, 10, 13, 50)
WORLD_SIZES = (1, 2, 3, 4)
SHUFFLE_SEEDS = ((True, 0), (True, 42), (True, 2024), (False, 0))
EPOCHS = (0, 1, 2)
INFINITE_SIZES = (1, 7, 10, 13)
INFINITE_FIRST = 30


def simulate(rank: int, world_size: int) -> None:
    mm_sampler.get_dist_info = lambda: (rank, world_size)


def record_default() -> list:
    cases = []
    for size, (shuffle, seed), round_up, world in itertools.product(
            SIZES, SHUFFLE_SEEDS, (True, False), WORLD_SIZES):
        ranks = []
        for rank in range(world):
            simulate(rank, world)
            sampler = mm_sampler.DefaultSampler(list(range(size)), shuffle=shuffle, seed=seed,
                                                round_up=round_up)
            epochs = []
            for epoch in EPOCHS:
                sampler.set_epoch(epoch)
                epochs.append(list(sampler))
            ranks.append(dict(rank=rank, len=len(sampler), epochs=epochs))
        cases.append(dict(size=size, shuffle=shuffle, seed=seed, round_up=round_up,
                          world_size=world, ranks=ranks))
    return cases


def record_infinite() -> list:
    cases = []
    for size, (shuffle, seed), world in itertools.product(
            INFINITE_SIZES, SHUFFLE_SEEDS, WORLD_SIZES[:3]):
        ranks = []
        for rank in range(world):
            simulate(rank, world)
            sampler = mm_sampler.InfiniteSampler(list(range(size)), shuffle=shuffle, seed=seed)
            first = list(itertools.islice(iter(sampler), INFINITE_FIRST))
            # a second iter() continues the same stream in MMEngine
            again = list(itertools.islice(iter(sampler), 10))
            ranks.append(dict(rank=rank, len=len(sampler), first=first, second_iter=again))
        cases.append(dict(size=size, shuffle=shuffle, seed=seed, world_size=world, ranks=ranks))
    return cases


# --- collate ------------------------------------------------------------------------------------
def describe(obj):
    """A JSON form of a (collated) structure that keeps container types, dtypes and shapes."""
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


def collate_inputs() -> dict:
    img = torch.arange(12, dtype=torch.float32).reshape(3, 2, 2)
    return {
        'dict_of_mixed': [
            dict(inputs=img + i, label=i, score=0.5 * i, name=f'img{i}', flag=bool(i % 2))
            for i in range(3)],
        'tuples': [(torch.tensor([i, i + 1]), i) for i in range(4)],
        'nested': [
            dict(inputs=torch.full((2,), float(i)), meta=dict(ids=[i, 10 + i], tag=('a', i)))
            for i in range(2)],
        'numpy': [dict(arr=np.arange(4, dtype=np.int32) * i, f=np.float64(i)) for i in range(3)],
        'list_of_lists': [[torch.tensor(i), [i, 2 * i]] for i in range(3)],
        'int64_tensor': [torch.tensor([i, -i], dtype=torch.int64) for i in range(3)],
    }


def record_collate() -> dict:
    out = {}
    for name, batch in collate_inputs().items():
        out[name] = dict(input=describe(batch),
                         default_collate=describe(default_collate(batch)),
                         pseudo_collate=describe(pseudo_collate(batch)))
    return out


def main() -> None:
    data = dict(mmengine_version=mmengine.__version__, torch_version=torch.__version__,
                default_sampler=record_default(), infinite_sampler=record_infinite(),
                collate=record_collate())
    path = os.path.abspath(OUT)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(data, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {path} ({len(data["default_sampler"])} DefaultSampler cases, '
          f'{len(data["infinite_sampler"])} InfiniteSampler cases)', file=sys.stderr)


if __name__ == '__main__':
    main()
