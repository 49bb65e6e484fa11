"""Writing the table of how each parameter was initialised, as MMEngine 0.10.7 writes it.

To each file handler of the ``engine`` logger it writes the raw table (no log-line prefix):
a ``Name of parameter - Initialization information`` header, then per parameter its name, shape
and the initialiser that last changed it. A logger without file handlers gets one INFO record
per parameter instead. Only rank 0 writes.
"""
from __future__ import annotations

import logging
from typing import Dict

import torch.nn as nn

from engine.dist.utils import get_rank

LOGGER_NAME = 'engine'


def dump_init_info(module: nn.Module, table: Dict) -> None:
    """Write ``table`` (parameter -> ``{'init_info': ...}``) for ``module``'s parameters."""
    if get_rank() != 0:
        return
    logger = logging.getLogger(LOGGER_NAME)
    files = [h for h in logger.handlers if isinstance(h, logging.FileHandler)]
    for handler in files:
        stream = handler.stream if handler.stream is not None else handler._open()
        handler.stream = stream
        stream.write('Name of parameter - Initialization information\n')
        for name, param in module.named_parameters():
            stream.write(f'\n{name} - {param.shape}: \n{table[param]["init_info"]} \n')
        stream.flush()
    if not files:
        for name, param in module.named_parameters():
            logger.info(f'\n{name} - {param.shape}: \n{table[param]["init_info"]} \n ')
