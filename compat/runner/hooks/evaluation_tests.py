"""MMCV 1.7.2's ``mmcv.engine`` test loops: ``single_gpu_test``, ``multi_gpu_test`` and the
result collectors ``collect_results_cpu``/``collect_results_gpu``.

They live next to the evaluation hooks (their only caller in compat) rather than in a
``compat.engine`` package, because ``engine`` is already the name of the MMEngine layer.
Unlike MMCV they draw no progress bar, and ``multi_gpu_test`` does not sleep 2 s first:
``collect_results_cpu`` waits for rank 0 to remove ``tmpdir`` instead (a second barrier), so
a fast rank cannot write its next part into a folder about to be removed.
"""
from __future__ import annotations

import os.path as osp
import pickle
import shutil
import tempfile
from typing import List, Optional

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DataLoader

from compat.utils.path import mkdir_or_exist
from engine.dist.utils import get_dist_info
from engine.fileio import atomic_write_bytes

__all__ = ['single_gpu_test', 'multi_gpu_test', 'collect_results_cpu', 'collect_results_gpu']


def single_gpu_test(model: nn.Module, data_loader: DataLoader) -> list:
    """Run ``model(return_loss=False, **batch)`` over ``data_loader`` in eval mode and
    concatenate the per-batch result lists."""
    model.eval()
    results: list = []
    for data in data_loader:
        with torch.no_grad():
            result = model(return_loss=False, **data)
        results.extend(result)
    return results


def multi_gpu_test(model: nn.Module, data_loader: DataLoader, tmpdir: Optional[str] = None,
                   gpu_collect: bool = False) -> Optional[list]:
    """Test this rank's share of ``data_loader`` and gather every rank's results on rank 0
    (None on the other ranks), in the dataset order a ``DistributedSampler`` interleaves."""
    model.eval()
    results: list = []
    for data in data_loader:
        with torch.no_grad():
            result = model(return_loss=False, **data)
        results.extend(result)
    size = len(data_loader.dataset)
    if gpu_collect:
        return collect_results_gpu(results, size)
    return collect_results_cpu(results, size, tmpdir)


def collect_results_cpu(result_part: list, size: int,
                        tmpdir: Optional[str] = None) -> Optional[list]:
    """Each rank pickles its part to ``tmpdir/part_{rank}.pkl``; rank 0 interleaves them,
    cuts them to ``size`` (a padded sampler repeats samples), removes ``tmpdir`` and returns
    the list. Without ``tmpdir`` rank 0 makes one under ``.dist_test`` and tells the others."""
    rank, world_size = get_dist_info()
    if tmpdir is None:
        tmpdir = _shared_tmpdir(rank)
    else:
        mkdir_or_exist(tmpdir)
    atomic_write_bytes(osp.join(tmpdir, f'part_{rank}.pkl'), pickle.dumps(result_part),
                       durable=False)
    dist.barrier()
    parts = []
    if rank == 0:
        for i in range(world_size):
            with open(osp.join(tmpdir, f'part_{i}.pkl'), 'rb') as f:
                parts.append(pickle.load(f))
        shutil.rmtree(tmpdir)
    # MMCV slept 2 s in multi_gpu_test instead: without a wait, a fast rank could write its
    # next part into the tmpdir rank 0 is about to remove
    dist.barrier()
    return _interleave(parts, size) if rank == 0 else None


def collect_results_gpu(result_part: list, size: int) -> Optional[list]:
    """Gather every rank's pickled part as CUDA byte tensors; rank 0 interleaves them."""
    if not torch.cuda.is_available():
        raise RuntimeError(
            'gpu_collect=True gathers evaluation results with CUDA tensors, but this machine '
            'has no CUDA device; set gpu_collect=False in the evaluation config (or '
            'DistEvalHook/multi_gpu_test) to collect them through tmpdir on disk')
    rank, world_size = get_dist_info()
    part = torch.tensor(bytearray(pickle.dumps(result_part)), dtype=torch.uint8,
                        device='cuda')
    shape = torch.tensor(part.shape, device='cuda')
    shapes = [shape.clone() for _ in range(world_size)]
    dist.all_gather(shapes, shape)
    longest = int(torch.stack(shapes).max())
    padded = torch.zeros(longest, dtype=torch.uint8, device='cuda')
    padded[:shape[0]] = part
    received = [part.new_zeros(longest) for _ in range(world_size)]
    dist.all_gather(received, padded)
    if rank != 0:
        return None
    parts = [pickle.loads(recv[:int(n[0])].cpu().numpy().tobytes())
             for recv, n in zip(received, shapes)]
    return _interleave(parts, size)


def _interleave(parts: List[list], size: int) -> list:
    # a DistributedSampler deals sample i to rank i % world_size; empty parts are skipped
    # as MMCV does (zip would otherwise stop at once)
    ordered: list = []
    for res in zip(*[p for p in parts if p]):
        ordered.extend(res)
    return ordered[:size]


def _shared_tmpdir(rank: int) -> str:
    # MMCV broadcast the name as a CUDA byte tensor; an object broadcast works on gloo too
    name = [None]
    if rank == 0:
        mkdir_or_exist('.dist_test')
        name[0] = tempfile.mkdtemp(dir='.dist_test')
    dist.broadcast_object_list(name, src=0)
    return name[0]
