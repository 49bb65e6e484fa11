"""MMDet 2.x's ``setup_multi_processes(cfg)`` (``mmdet/utils/setup_env.py``), which its
``tools/train.py`` ran right after loading the config.

``mp_start_method`` (default ``'fork'``) is forced as the multiprocessing start method, with a
warning when another one was set; ``opencv_num_threads`` (default 0) goes to
``cv2.setNumThreads`` when OpenCV is installed (compat does not need it; without it the key
changes nothing, as there are no OpenCV threads); with more than one data worker per process,
``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` default to 1 (a warning says so).
"""
from __future__ import annotations

import os
import platform
import warnings

import torch.multiprocessing as mp

__all__ = ['setup_multi_processes']


def setup_multi_processes(cfg) -> None:
    if platform.system() != 'Windows':
        method = cfg.get('mp_start_method', 'fork')
        current = mp.get_start_method(allow_none=True)
        if current is not None and current != method:
            warnings.warn(f'Multi-processing start method `{method}` is different from the '
                          f'previous setting `{current}`. It will be force set to `{method}`. '
                          'You can change this behavior by changing `mp_start_method` in your '
                          'config.')
        mp.set_start_method(method, force=True)
    try:
        import cv2
    except ImportError:
        cv2 = None
    if cv2 is not None:
        cv2.setNumThreads(cfg.get('opencv_num_threads', 0))
    data = cfg.get('data') or {}
    workers = data.get('workers_per_gpu', 1)
    train_loader = data.get('train_dataloader') or {}
    workers = max(train_loader.get('workers_per_gpu', 1), workers)
    for name in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        if name not in os.environ and workers > 1:
            warnings.warn(f'Setting {name} environment variable for each process to be 1 in '
                          'default, to avoid your system being overloaded, please further '
                          'tune the variable for optimal performance in your application as '
                          'needed.')
            os.environ[name] = '1'
