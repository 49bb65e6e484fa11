"""MMCV 1.7.2's ``mmcv.runner.utils``: seeding, time/host strings and ``obj_from_dict``."""
from __future__ import annotations

import os
import random
import time
import warnings
from getpass import getuser
from socket import gethostname
from types import ModuleType
from typing import Optional

import numpy as np
import torch

from engine.dist import get_dist_info
from engine.errors import BuildError

__all__ = ['get_host_info', 'get_time_str', 'obj_from_dict', 'set_random_seed']


def get_host_info() -> str:
    """``user@host``, or ``''`` (with a warning) where the user is unknown, e.g. in a container."""
    try:
        return f'{getuser()}@{gethostname()}'
    except Exception as e:  # getuser raises KeyError/OSError without a passwd entry
        warnings.warn(f'Host or user not found: {str(e)}')
        return ''


def get_time_str() -> str:
    """The local time as MMCV names work-dir logs: ``YYYYmmdd_HHMMSS``."""
    return time.strftime('%Y%m%d_%H%M%S', time.localtime())


def obj_from_dict(info: dict, parent: Optional[ModuleType] = None,
                  default_args: Optional[dict] = None):
    """Build ``info['type'](**rest)``; a string type is looked up as an attribute of ``parent``.

    ``default_args`` fill only the arguments ``info`` does not set.
    """
    assert isinstance(info, dict) and 'type' in info
    assert isinstance(default_args, dict) or default_args is None
    args = info.copy()
    obj_type = args.pop('type')
    if isinstance(obj_type, str):
        obj_type = _resolve_type_name(obj_type, parent)
    elif not isinstance(obj_type, type):
        raise TypeError(f'type must be a str or valid type, but got {type(obj_type)}')
    for name, value in (default_args or {}).items():
        args.setdefault(name, value)
    return obj_type(**args)


def _resolve_type_name(name: str, parent: Optional[ModuleType]):
    if parent is not None:
        return getattr(parent, name)  # AttributeError as in MMCV
    # MMCV looked the name up in sys.modules and then called the module, which always failed
    # (KeyError or "'module' object is not callable"): say why instead
    raise BuildError(f'obj_from_dict cannot build type {name!r} without a parent module',
                     key='type', fix='pass parent=<the module that defines it> (e.g. '
                                     'parent=torch.optim), or give the class itself as type')


def set_random_seed(seed: int, deterministic: bool = False,
                    use_rank_shift: bool = False) -> None:
    """Seed ``random``, numpy and torch (CUDA too) with ``seed`` (+ rank with
    ``use_rank_shift``), export ``PYTHONHASHSEED``, and with ``deterministic`` make cuDNN
    deterministic and turn its benchmark off. ``deterministic=False`` leaves both flags alone."""
    if use_rank_shift:
        rank, _ = get_dist_info()
        seed += rank
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # torch.manual_seed seeds CUDA already; MMCV called both, which are no-ops without CUDA
    torch.cuda.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    os.environ['PYTHONHASHSEED'] = str(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
