"""The run's text logger: console on every rank's main process, a log file on rank 0."""
from __future__ import annotations

import logging
import os
import sys
from typing import Optional

from engine.dist.utils import get_rank

_FORMAT = '%(asctime)s - %(name)s - %(levelname)s - %(message)s'


def get_logger(name: str = 'engine', log_file: Optional[str] = None,
               log_level: str = 'INFO') -> logging.Logger:
    """Return the named logger, (re)configured with a console and an optional file handler.

    Only rank 0 logs INFO; other ranks log errors only, so multi-process output stays readable.
    """
    logger = logging.getLogger(name)
    level = logging.getLevelName(str(log_level).upper())
    if not isinstance(level, int):
        raise ValueError(f'log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL, '
                         f'got {log_level!r}')
    for handler in list(logger.handlers):
        if getattr(handler, '_engine_owned', False):
            logger.removeHandler(handler)
            handler.close()
    rank = get_rank()
    logger.setLevel(level if rank == 0 else logging.ERROR)
    # records still reach the root logger (pytest's caplog, an application's own handlers);
    # the console line is ours unless the application already prints the root logger
    logger.propagate = True
    if not _root_prints_to_console():
        console = logging.StreamHandler(sys.stdout)
        console.setFormatter(logging.Formatter(_FORMAT, '%Y/%m/%d %H:%M:%S'))
        console._engine_owned = True
        logger.addHandler(console)
    if log_file and rank == 0:
        os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
        fh = logging.FileHandler(log_file, mode='a', encoding='utf-8')
        fh.setFormatter(logging.Formatter(_FORMAT, '%Y/%m/%d %H:%M:%S'))
        fh._engine_owned = True
        logger.addHandler(fh)
    return logger


def _root_prints_to_console() -> bool:
    return any(isinstance(h, logging.StreamHandler) and getattr(h, 'stream', None) in
               (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)
               for h in logging.getLogger().handlers)
