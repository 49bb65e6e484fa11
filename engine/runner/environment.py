"""Process set-up before anything is built: seeds, determinism, cuDNN, multiprocessing, dist."""
from __future__ import annotations

import os
import platform
import random
from typing import Optional

import numpy as np
import torch

from engine.dist.utils import get_rank, init_dist, is_distributed, sync_random_seed


def set_random_seed(seed: Optional[int] = None, deterministic: bool = False,
                    diff_rank_seed: bool = False) -> int:
    """Seed python, numpy and torch (all devices); returns the seed used.

    ``seed=None`` draws one on rank 0 and shares it; ``diff_rank_seed`` adds the rank.
    """
    if seed is None:
        seed = sync_random_seed()
    if diff_rank_seed:
        seed = seed + get_rank()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        torch.use_deterministic_algorithms(True, warn_only=True)
    return seed


def setup_env(env_cfg: dict, launcher: str) -> None:
    """Apply ``env_cfg`` (cudnn_benchmark, mp_cfg, dist_cfg) and start the process group."""
    env_cfg = dict(env_cfg or {})
    unknown = set(env_cfg) - {'cudnn_benchmark', 'mp_cfg', 'dist_cfg', 'resource_limit'}
    if unknown:
        raise ValueError(f'unknown env_cfg keys {sorted(unknown)}; expected cudnn_benchmark, '
                         'mp_cfg, dist_cfg, resource_limit')
    if env_cfg.get('cudnn_benchmark'):
        torch.backends.cudnn.benchmark = True
    mp_cfg = dict(env_cfg.get('mp_cfg') or {})
    if platform.system() != 'Windows':
        method = mp_cfg.get('mp_start_method')
        if method is not None:
            import multiprocessing as mp
            current = mp.get_start_method(allow_none=True)
            if current != method:
                try:
                    mp.set_start_method(method, force=True)
                except RuntimeError:
                    pass
    threads = mp_cfg.get('opencv_num_threads')
    if threads is not None:
        try:  # opencv is optional here
            import cv2
            cv2.setNumThreads(int(threads))
        except ImportError:
            pass
    if launcher != 'none' and not is_distributed():
        dist_cfg = dict(env_cfg.get('dist_cfg') or {})
        init_dist(launcher, **dist_cfg)
    if is_distributed():  # one thread per process unless the user said otherwise
        os.environ.setdefault('OMP_NUM_THREADS', '1')
        os.environ.setdefault('MKL_NUM_THREADS', '1')
