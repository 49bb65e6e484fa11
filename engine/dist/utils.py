"""Thin wrappers over torch.distributed: every call works (as identity) without a process group."""
from __future__ import annotations

import functools
import gc
import os
from datetime import timedelta
from typing import Any, Iterable, List, Optional, Tuple

import numpy as np
import torch
import torch.distributed as torch_dist


def is_distributed() -> bool:
    return torch_dist.is_available() and torch_dist.is_initialized()


def get_rank() -> int:
    return torch_dist.get_rank() if is_distributed() else 0


def get_world_size() -> int:
    return torch_dist.get_world_size() if is_distributed() else 1


def get_dist_info() -> Tuple[int, int]:
    return get_rank(), get_world_size()


def is_main_process() -> bool:
    return get_rank() == 0


def master_only(func):
    """Run ``func`` on rank 0 only (other ranks get None)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if is_main_process():
            return func(*args, **kwargs)
        return None

    return wrapper


def init_dist(launcher: str, backend: Optional[str] = None, timeout: Optional[int] = None,
              **kwargs: Any) -> None:
    """Initialise the default process group for ``launcher='pytorch'`` (torchrun's RANK,
    WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT environment).

    ``backend`` defaults to nccl when CUDA is available, else gloo; nccl without CUDA falls back
    to gloo (same code path on CPU). With CUDA each process drives ``cuda:LOCAL_RANK``.
    ``timeout`` is in seconds; other keyword arguments go to ``init_process_group``.

    Raises:
        EngineError: an unknown launcher, or ``pytorch`` outside torchrun.
    """
    from engine.errors import ConfigError
    if launcher != 'pytorch':
        raise ConfigError(f'launcher {launcher!r} is not supported', key='launcher',
                          fix="use 'none' (one process) or 'pytorch' (under torchrun)")
    missing = [v for v in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
               if v not in os.environ]
    if missing:
        raise ConfigError(f"launcher='pytorch' needs the {', '.join(missing)} environment "
                          'variables that torchrun sets', key='launcher',
                          fix='start the job with `torchrun --nproc_per_node N ...` (or '
                              '`python -m torch.distributed.run`), or use --launcher none')
    if backend is None or (backend == 'nccl' and not torch.cuda.is_available()):
        backend = 'nccl' if torch.cuda.is_available() else 'gloo'
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get('LOCAL_RANK', 0)))
    if timeout is not None:
        kwargs['timeout'] = timedelta(seconds=timeout)
    torch_dist.init_process_group(backend=backend, **kwargs)


def destroy_dist() -> None:
    """Leave the process group cleanly; a no-op without one.

    Unreachable DDP wrappers are collected first: a reducer freed after its process group is gone
    aborts the process at exit ("terminate called without an active exception"). The barrier
    keeps a rank from tearing down a connection another rank still uses."""
    if is_distributed():
        gc.collect()
        torch_dist.barrier()
        torch_dist.destroy_process_group()


def barrier() -> None:
    if is_distributed():
        torch_dist.barrier()


def _collective(fn, tensor: torch.Tensor, *args) -> None:
    """Run ``fn(tensor, *args)`` in place; NCCL only reduces CUDA tensors, so a CPU tensor goes
    through a CUDA copy there (gloo takes it as is)."""
    if torch_dist.get_backend() == 'nccl' and not tensor.is_cuda:
        on_device = tensor.to(torch.device('cuda', torch.cuda.current_device()))
        fn(on_device, *args)
        tensor.copy_(on_device)
    else:
        fn(tensor, *args)


def all_reduce(tensor: torch.Tensor, op: str = 'sum') -> torch.Tensor:
    """In-place all-reduce; ``op='mean'`` divides by the world size."""
    if op not in ('sum', 'mean'):
        raise ValueError(f"op must be 'sum' or 'mean', got {op!r}")
    if not is_distributed():
        return tensor
    _collective(torch_dist.all_reduce, tensor, torch_dist.ReduceOp.SUM)
    if op == 'mean':
        tensor.div_(get_world_size())
    return tensor


def all_reduce_params(params: Iterable[torch.Tensor], op: str = 'mean') -> None:
    """All-reduce a collection of tensors (e.g. BN buffers) in place; integer tensors
    (``num_batches_tracked``) are summed, as in MMEngine."""
    if not is_distributed():
        return
    for p in params:
        all_reduce(p.data, op=op if p.is_floating_point() else 'sum')


def broadcast(tensor: torch.Tensor, src: int = 0) -> torch.Tensor:
    """In-place broadcast from rank ``src``."""
    if is_distributed():
        _collective(torch_dist.broadcast, tensor, src)
    return tensor


def broadcast_object(obj: Any, src: int = 0) -> Any:
    if not is_distributed():
        return obj
    box = [obj]
    torch_dist.broadcast_object_list(box, src=src)
    return box[0]


def all_gather_object(obj: Any) -> List[Any]:
    if not is_distributed():
        return [obj]
    out: List[Any] = [None] * get_world_size()
    torch_dist.all_gather_object(out, obj)
    return out


def collect_results(results: list, size: int) -> Optional[list]:
    """Gather per-rank result lists on every rank, re-interleave them in sampler order.

    ``DefaultSampler`` gives rank r the indices r, r+W, r+2W...; interleaving restores dataset
    order, and the padding added by ``round_up`` is cut to ``size``.
    """
    if not is_distributed():
        return list(results)[:size]
    parts = all_gather_object(list(results))
    ordered = []
    for items in zip(*parts):
        ordered.extend(items)
    # uneven tails (no round_up): append what is left in rank order
    longest = max(len(p) for p in parts)
    for i in range(min(len(p) for p in parts), longest):
        for p in parts:
            if i < len(p):
                ordered.append(p[i])
    return ordered[:size]


def sync_random_seed() -> int:
    """A random seed drawn on rank 0 and shared with every rank."""
    seed = int(np.random.randint(2 ** 31))
    if not is_distributed():
        return seed
    t = torch.tensor(seed, dtype=torch.int64)
    broadcast(t, 0)
    return int(t.item())
