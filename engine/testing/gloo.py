"""Run a function in N spawned CPU processes that share a gloo process group (tests only)."""
from __future__ import annotations

import os
import tempfile
from typing import Any, Callable


def run_on_gloo_ranks(worker: Callable[..., Any], world_size: int, *args: Any) -> None:
    """Call ``worker(rank, *args)`` on ``world_size`` ranks; raises if any rank fails.

    ``worker`` must be importable by name (a module-level function): the ranks are spawned, not
    forked, because a forked child can hang in the parent's OpenMP thread team. The ranks meet
    through a file in a fresh directory, so there is no free-port race with other tests.
    """
    import torch.multiprocessing as mp
    with tempfile.TemporaryDirectory(prefix='gloo-') as rendezvous:
        init_file = os.path.join(rendezvous, 'init')
        mp.start_processes(_rank_main, args=(worker, world_size, init_file, args),
                           nprocs=world_size, join=True, start_method='spawn')


def _rank_main(rank: int, worker: Callable[..., Any], world_size: int, init_file: str,
               args: tuple) -> None:
    import torch
    import torch.distributed as dist

    from engine.dist import destroy_dist
    torch.set_num_threads(1)  # the ranks share the machine's cores
    dist.init_process_group('gloo', init_method=f'file://{init_file}', rank=rank,
                            world_size=world_size)
    try:
        worker(rank, *args)
    finally:
        destroy_dist()  # after the worker's frame is gone, so its DDP wrappers can be collected
