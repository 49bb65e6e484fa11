"""MMCV 1.7.2's ``get_logger`` and ``print_log`` (``mmcv/utils/logging.py``).

A logger is set up once per name (``logger_initialized``), and a name that starts with an
initialised one is returned untouched: MMCV's test is a plain ``str.startswith``, so after
``'mmdet'`` also ``'mmdet2'`` is skipped, and legacy code relies on that. Set-up adds a
console handler (stderr) and, on rank 0 only, a file handler opened with ``file_mode``; both
and the logger get ``log_level`` on rank 0, the logger gets ERROR on other ranks. A plain
``StreamHandler`` already on the root logger is turned down to ERROR (torch DDP installs one,
which would otherwise echo every rank's records).
"""
from __future__ import annotations

import logging
from typing import Dict, Optional, Union

from engine.dist.utils import get_rank

__all__ = ['get_logger', 'print_log', 'logger_initialized']

#: names of the loggers :func:`get_logger` has set up (MMCV's module-level dict)
logger_initialized: Dict[str, bool] = {}
LOG_FORMAT = '%(asctime)s - %(name)s - %(levelname)s - %(message)s'


def get_logger(name: str, log_file: Optional[str] = None, log_level: int = logging.INFO,
               file_mode: str = 'w') -> logging.Logger:
    """The logger ``name``, given MMCV's handlers the first time it is asked for."""
    logger = logging.getLogger(name)
    if name in logger_initialized:
        return logger
    if any(name.startswith(known) for known in logger_initialized):
        return logger
    for handler in logger.root.handlers:
        if type(handler) is logging.StreamHandler:  # exact type, as MMCV: not FileHandler
            handler.setLevel(logging.ERROR)
    rank = get_rank()
    handlers = [logging.StreamHandler()]
    if rank == 0 and log_file is not None:
        handlers.append(logging.FileHandler(log_file, file_mode))
    formatter = logging.Formatter(LOG_FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.setLevel(log_level)
        logger.addHandler(handler)
    logger.setLevel(log_level if rank == 0 else logging.ERROR)
    logger_initialized[name] = True
    return logger


def print_log(msg: str, logger: Union[logging.Logger, str, None] = None,
              level: int = logging.INFO) -> None:
    """``print`` for None, nothing for ``'silent'``, ``log(level)`` on a Logger or on
    ``get_logger(name)`` for any other string; any other ``logger`` is a TypeError."""
    if logger is None:
        print(msg)
    elif isinstance(logger, logging.Logger):
        logger.log(level, msg)
    elif logger == 'silent':
        pass
    elif isinstance(logger, str):
        get_logger(logger).log(level, msg)
    else:
        raise TypeError('logger should be either a logging.Logger object, str, '
                        f'"silent" or None, but got {type(logger)}')
