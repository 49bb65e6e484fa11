"""Process set-up before anything is built: seeds, determinism, cuDNN, multiprocessing, dist."""
from __future__ import annotations

import platform
import random
from typing import Optional

import numpy as np
import torch

from engine.dist.utils import get_rank, init_dist, is_distributed, sync_random_seed
from engine.errors import ConfigError, EngineError


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


def setup_env(env_cfg: dict, launcher: str = 'none') -> None:
    """Apply ``env_cfg`` (cudnn_benchmark, mp_cfg) and, unless ``launcher='none'``, start the
    process group with ``env_cfg.dist_cfg`` (see :func:`start_distributed`)."""
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
    if launcher != 'none':
        start_distributed(launcher, env_cfg)


def start_distributed(launcher: str, env_cfg: Optional[dict] = None,
                      filename: Optional[str] = None) -> None:
    """Start the default process group for ``launcher`` (``'none'``: nothing to do) with
    ``env_cfg['dist_cfg']``, e.g. ``dict(backend='gloo', timeout=1800)``.

    Raises:
        ConfigError: naming ``launcher`` or ``env_cfg.dist_cfg`` and the fix.
    """
    if launcher == 'none' or is_distributed():
        return
    dist_cfg = dict((env_cfg or {}).get('dist_cfg') or {})
    try:
        init_dist(launcher, **dist_cfg)
    except EngineError as e:
        raise e.with_context(file=filename) from e
    except (TypeError, ValueError, RuntimeError) as e:
        raise ConfigError(f'cannot start the process group: {type(e).__name__}: {e}',
                          file=filename, key='env_cfg.dist_cfg',
                          fix="check env_cfg.dist_cfg, e.g. dict(backend='gloo') on CPU or "
                              "dict(backend='nccl') on GPUs") from e
