"""Record MMCV 1.7.2's ``mmcv.runner.utils`` seeding and ``mmcv.runner.dist_utils`` averaging.

Run with the oracle interpreter (it must not import this repository's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_runner_utils_goldens.py

Seeding: the first numbers drawn from random, numpy and torch after ``set_random_seed``, in one
process and on both ranks of a 2-process gloo group (``use_rank_shift``). Averaging: the tensors
after ``allreduce_params``/``allreduce_grads`` on 2 gloo ranks for each coalesce/bucket mode;
inputs are built by ``rank_tensors`` (mirrored in tests/compat/runner/test_legacy_dist_utils.py).
Writes fixtures/goldens/legacy_runner_utils.json.
"""
from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import warnings

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

warnings.filterwarnings('ignore')
from mmcv.runner import get_dist_info, set_random_seed  # noqa: E402
from mmcv.runner.dist_utils import allreduce_grads, allreduce_params  # noqa: E402
from mmcv.runner.utils import obj_from_dict  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'goldens',
                   'legacy_runner_utils.json')
SEEDS = [0, 1, 42, 2021, 2 ** 31 - 2]
AVERAGING_MODES = [
    {'coalesce': True, 'bucket_size_mb': -1},
    {'coalesce': True, 'bucket_size_mb': 1},
    {'coalesce': False, 'bucket_size_mb': -1},
]


def draws() -> dict:
    return {'random': [random.random() for _ in range(3)],
            'randint': random.randint(0, 10 ** 9),
            'numpy': np.random.rand(3).tolist(),
            'numpy_randint': int(np.random.randint(2 ** 31)),
            'torch': torch.rand(3, dtype=torch.float64).tolist(),
            'torch_randperm': torch.randperm(10).tolist()}


def seeding_case(seed, deterministic, use_rank_shift) -> dict:
    torch.backends.cudnn.deterministic = False
    torch.backends.cudnn.benchmark = True
    set_random_seed(seed, deterministic=deterministic, use_rank_shift=use_rank_shift)
    return {'seed': seed, 'deterministic': deterministic, 'use_rank_shift': use_rank_shift,
            'rank': get_dist_info()[0], 'draws': draws(),
            'PYTHONHASHSEED': os.environ['PYTHONHASHSEED'],
            'cudnn_deterministic': torch.backends.cudnn.deterministic,
            'cudnn_benchmark': torch.backends.cudnn.benchmark}


def rank_tensors(rank: int) -> list:
    """Parameters of mixed dtypes and sizes (one over 1 MiB, so buckets split)."""
    def values(n, dtype):
        return ((torch.arange(n, dtype=torch.float64) * 0.37 + rank * 1.3 + 0.1) / 3).to(dtype)
    shapes = [((3, 4), torch.float32), ((300000,), torch.float32), ((5,), torch.float64),
              ((2, 2), torch.float32), ((7,), torch.float16)]
    params = []
    for i, (shape, dtype) in enumerate(shapes):
        n = int(np.prod(shape))
        p = torch.nn.Parameter(values(n, dtype).reshape(shape), requires_grad=(i != 3))
        if i not in (3, 4):
            p.grad = (values(n, dtype) * (i + 2) - 0.7).reshape(shape)
        params.append(p)
    return params


def summary(tensor) -> dict:
    flat = tensor.detach().flatten().to(torch.float64)
    return {'dtype': str(tensor.dtype), 'head': flat[:6].tolist(), 'tail': flat[-3:].tolist(),
            'sum': flat.sum().item()}


def rank_worker(rank, init_file, out_dir):
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'file://{init_file}', rank=rank, world_size=2)
    record = {'seeding': [seeding_case(seed, False, shift) for seed in SEEDS[:3]
                          for shift in (False, True)], 'averaging': []}
    for mode in AVERAGING_MODES:
        params = rank_tensors(rank)
        allreduce_params(params, **mode)
        with_grads = rank_tensors(rank)
        allreduce_grads(with_grads, **mode)
        record['averaging'].append({
            **mode, 'params': [summary(p.data) for p in params],
            'grads': [summary(p.grad) if p.grad is not None else None for p in with_grads]})
    dist.barrier()
    dist.destroy_process_group()
    with open(os.path.join(out_dir, f'rank{rank}.json'), 'w') as f:
        json.dump(record, f)


def obj_from_dict_cases() -> list:
    cases = []
    model = torch.nn.Linear(2, 1)
    sgd = obj_from_dict({'type': 'SGD', 'lr': 0.1}, torch.optim,
                        {'params': model.parameters(), 'momentum': 0.9, 'lr': 0.5})
    cases.append({'case': 'parent_and_defaults', 'class': type(sgd).__name__,
                  'defaults': {k: sgd.defaults[k] for k in ('lr', 'momentum')}})
    built = obj_from_dict({'type': dict, 'a': 1}, default_args={'b': 2})
    cases.append({'case': 'type_object', 'value': built})
    for name, info in [('bad_type', {'type': 3}), ('missing_attr', {'type': 'NoSuchOptim'})]:
        try:
            obj_from_dict(info, torch.optim if name == 'missing_attr' else None)
        except Exception as e:
            cases.append({'case': name, 'error': type(e).__name__, 'message': str(e)})
    return cases


def main() -> None:
    single = [seeding_case(seed, det, shift) for seed in SEEDS
              for det in (False, True) for shift in (False, True)]
    with tempfile.TemporaryDirectory() as tmp:
        mp.start_processes(rank_worker, args=(os.path.join(tmp, 'init'), tmp), nprocs=2,
                           join=True, start_method='spawn')
        ranks = [json.load(open(os.path.join(tmp, f'rank{r}.json'))) for r in range(2)]
    goldens = {'mmcv': __import__('mmcv').__version__, 'torch': torch.__version__,
               'seeding_single': single, 'ranks': ranks,
               'obj_from_dict': obj_from_dict_cases()}
    with open(OUT, 'w') as f:
        json.dump(goldens, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote', os.path.relpath(OUT), file=sys.stderr)


if __name__ == '__main__':
    main()
