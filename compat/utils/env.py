"""``collect_env``: the environment facts MMCV 1.7.2 reports, answered truly for compat.

The compat runtime ships no compiled ops, so the compiler entries are ``'n/a'`` and ``'MMCV'``
names the compat runtime rather than pretending to be an MMCV release.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from typing import Any, Dict

import torch

import engine

__all__ = ['collect_env', 'COMPAT_MMCV_VERSION']

#: what legacy code finds under ``collect_env()['MMCV']``
COMPAT_MMCV_VERSION = (f'compat runtime {engine.__version__} '
                       '(MMCV 1.7.2 behaviour, runtime only, no compiled ops)')


def collect_env() -> Dict[str, Any]:
    """``sys.platform``, ``Python``, ``CUDA available`` (and ``GPU <ids>`` per device name),
    ``PyTorch``, ``TorchVision`` where installed, ``MMCV`` and the two MMCV compilers."""
    env_info: Dict[str, Any] = {
        'sys.platform': sys.platform,
        'Python': sys.version.replace('\n', ''),
        'CUDA available': torch.cuda.is_available(),
    }
    if env_info['CUDA available']:
        devices = defaultdict(list)
        for k in range(torch.cuda.device_count()):
            devices[torch.cuda.get_device_name(k)].append(str(k))
        for name, device_ids in devices.items():
            env_info['GPU ' + ','.join(device_ids)] = name
    env_info['PyTorch'] = torch.__version__
    try:
        import torchvision
    except ImportError:
        pass
    else:
        env_info['TorchVision'] = torchvision.__version__
    env_info['MMCV'] = COMPAT_MMCV_VERSION
    env_info['MMCV Compiler'] = 'n/a'
    env_info['MMCV CUDA Compiler'] = 'n/a'
    return env_info
