"""MMCV 1.7.2's ``mmcv.runner.dist_utils``: process-group set-up and gradient/parameter averaging.

``get_dist_info`` and ``master_only`` are the engine's: they mean exactly what MMCV's did
(rank 0 / world size 1 without a process group; other ranks get ``None``). ``init_dist`` keeps
MMCV's launchers but runs on a CPU-only machine too, where MMCV divided by a GPU count of 0.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from collections import OrderedDict
from typing import Iterable, List

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch._utils import _flatten_dense_tensors, _take_tensors, _unflatten_dense_tensors

from engine.dist import get_dist_info, master_only
from engine.errors import ConfigError

__all__ = ['LauncherError', 'allreduce_grads', 'allreduce_params', 'get_dist_info', 'init_dist',
           'master_only']

_LAUNCHER_FIX = ("use launcher='pytorch' under torchrun (`torchrun --nproc_per_node N "
                 "tools/train.py CONFIG --launcher pytorch`), or 'none' for one process")


class LauncherError(ConfigError, ValueError):
    """A launcher that cannot start here; a ``ValueError`` as MMCV's invalid-launcher error."""


def init_dist(launcher: str, backend: str = 'nccl', **kwargs) -> None:
    """Join the default process group as MMCV 1.7.2 did for ``launcher``.

    Without CUDA, ``backend='nccl'`` becomes gloo (with a warning) and no device is selected;
    other keyword arguments go to ``torch.distributed.init_process_group`` (``slurm`` takes only
    ``port``, as in MMCV).
    """
    if mp.get_start_method(allow_none=True) is None:
        mp.set_start_method('spawn')
    if launcher == 'pytorch':
        _init_dist_pytorch(backend, **kwargs)
    elif launcher == 'mpi':
        _init_dist_mpi(backend, **kwargs)
    elif launcher == 'slurm':
        _init_dist_slurm(backend, **kwargs)
    else:
        raise LauncherError(f'Invalid launcher type: {launcher}', key='launcher',
                            fix="use one of 'pytorch', 'mpi', 'slurm' (or 'none' for one "
                                'process, which does not call init_dist)')


def _require_env(launcher: str, names: Iterable[str], fix: str) -> None:
    missing = [name for name in names if name not in os.environ]
    if missing:
        raise LauncherError(f"launcher={launcher!r} needs the environment variable(s) "
                            f"{', '.join(missing)}, which are not set", key='launcher', fix=fix)


def _backend_for_this_machine(backend: str) -> str:
    """nccl needs CUDA; MMCV would have failed here (``rank % 0``), we fall back to gloo."""
    if backend == 'nccl' and not torch.cuda.is_available():
        warnings.warn("init_dist: CUDA is not available, so backend 'nccl' is replaced by "
                      "'gloo' (CPU); MMCV 1.7.2 could not start without a GPU")
        return 'gloo'
    return backend


def _select_device(index: int) -> None:
    # MMCV picks the device by rank modulo the local GPU count, not LOCAL_RANK
    if torch.cuda.is_available():
        torch.cuda.set_device(index % torch.cuda.device_count())


def _init_dist_pytorch(backend: str, **kwargs) -> None:
    _require_env('pytorch', ['RANK'],
                 'start the job with `torchrun --nproc_per_node N ...` (or `python -m '
                 "torch.distributed.launch`), or use launcher='none'")
    _select_device(int(os.environ['RANK']))
    dist.init_process_group(backend=_backend_for_this_machine(backend), **kwargs)


def _init_dist_mpi(backend: str, **kwargs) -> None:
    _require_env('mpi', ['OMPI_COMM_WORLD_LOCAL_RANK', 'OMPI_COMM_WORLD_SIZE',
                         'OMPI_COMM_WORLD_RANK'],
                 'start the job with Open MPI (`mpirun -np N ...`), or ' + _LAUNCHER_FIX)
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ['OMPI_COMM_WORLD_LOCAL_RANK']))
    os.environ.setdefault('MASTER_PORT', '29500')  # torch.distributed's default port
    _require_env('mpi', ['MASTER_ADDR'], 'export MASTER_ADDR=<host of rank 0> before mpirun')
    os.environ['WORLD_SIZE'] = os.environ['OMPI_COMM_WORLD_SIZE']
    os.environ['RANK'] = os.environ['OMPI_COMM_WORLD_RANK']
    dist.init_process_group(backend=_backend_for_this_machine(backend), **kwargs)


def _init_dist_slurm(backend: str, port=None) -> None:
    _require_env('slurm', ['SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST'],
                 'start the job with `srun ...` inside a SLURM allocation, or ' + _LAUNCHER_FIX)
    proc_id = int(os.environ['SLURM_PROCID'])
    num_gpus = torch.cuda.device_count()
    _select_device(proc_id)
    if 'MASTER_ADDR' not in os.environ:  # first, so a failure leaves the environment as it was
        os.environ['MASTER_ADDR'] = _first_slurm_host(os.environ['SLURM_NODELIST'])
    if port is not None:
        os.environ['MASTER_PORT'] = str(port)
    os.environ.setdefault('MASTER_PORT', '29500')
    os.environ['WORLD_SIZE'] = os.environ['SLURM_NTASKS']
    # MMCV: proc_id % num_gpus; on a CPU-only node every task is its node's only "device"
    os.environ['LOCAL_RANK'] = str(proc_id % num_gpus if num_gpus else 0)
    os.environ['RANK'] = str(proc_id)
    dist.init_process_group(backend=_backend_for_this_machine(backend))


def _first_slurm_host(node_list: str) -> str:
    # MMCV asks scontrol (and probes port 29500); here MASTER_PORT defaults to 29500 unprobed
    if shutil.which('scontrol') is None:
        raise LauncherError("launcher='slurm' without MASTER_ADDR needs SLURM's `scontrol` "
                            'to find the first host, and it is not on PATH', key='launcher',
                            fix='export MASTER_ADDR=<first host of SLURM_NODELIST>, or '
                                + _LAUNCHER_FIX)
    return subprocess.run(['scontrol', 'show', 'hostname', node_list], check=True,
                          capture_output=True, text=True).stdout.split()[0]


def allreduce_params(params: List[torch.nn.Parameter], coalesce: bool = True,
                     bucket_size_mb: int = -1) -> None:
    """Average parameters or buffers over the ranks, in place (a no-op in one process)."""
    _, world_size = get_dist_info()
    if world_size == 1:
        return
    _average([param.data for param in params], world_size, coalesce, bucket_size_mb)


def allreduce_grads(params: List[torch.nn.Parameter], coalesce: bool = True,
                    bucket_size_mb: int = -1) -> None:
    """Average the gradients of the trainable parameters that have one, in place."""
    grads = [param.grad.data for param in params
             if param.requires_grad and param.grad is not None]
    _, world_size = get_dist_info()
    if world_size == 1:
        return
    _average(grads, world_size, coalesce, bucket_size_mb)


def _average(tensors: List[torch.Tensor], world_size: int, coalesce: bool,
             bucket_size_mb: int) -> None:
    if coalesce:
        _allreduce_coalesced(tensors, world_size, bucket_size_mb)
        return
    for tensor in tensors:
        # MMCV divides before summing; exact for 2 ranks, rounds differently for 3: kept
        dist.all_reduce(tensor.div_(world_size))


def _allreduce_coalesced(tensors: List[torch.Tensor], world_size: int,
                         bucket_size_mb: int = -1) -> None:
    """Sum flat buckets (by size, or one per tensor type) then divide, as MMCV 1.7.2."""
    if bucket_size_mb > 0:
        buckets = _take_tensors(tensors, bucket_size_mb * 1024 * 1024)
    else:
        by_type: 'OrderedDict[str, List[torch.Tensor]]' = OrderedDict()
        for tensor in tensors:
            by_type.setdefault(tensor.type(), []).append(tensor)
        buckets = by_type.values()
    for bucket in buckets:
        flat = _flatten_dense_tensors(bucket)
        dist.all_reduce(flat)
        flat.div_(world_size)
        for tensor, synced in zip(bucket, _unflatten_dense_tensors(flat, bucket)):
            tensor.copy_(synced)
