"""The ``Pretrained`` initialiser: weights from a checkpoint file, whole or under a prefix.

MMEngine 0.10.7's semantics: without ``prefix`` the checkpoint's ``state_dict`` (or the whole
dict when it has none; ``module.`` stripped from keys) is loaded into the module; with
``prefix='backbone.'`` only the keys under it, prefix removed. Mismatches are logged, never
fatal (:mod:`engine.checkpoint.lenient_load`). Files load with ``weights_only=True``; a run
with ``load_unsafe`` (``--unsafe-load``) lifts that for the trusted files of that run
(:func:`unsafe_pretrained_loads`). Checkpoint URLs are refused: MMEngine would download them.
"""
from __future__ import annotations

import contextlib
import logging
import re
from collections import OrderedDict
from typing import Iterator, Optional

import torch.nn as nn

from engine.checkpoint.checkpoint_io import load_checkpoint_file
from engine.checkpoint.lenient_load import load_state_dict_leniently
from engine.errors import CheckpointError
from engine.model.weight_init import update_init_info
from engine.registry import WEIGHT_INITIALIZERS

logger = logging.getLogger('engine')
_URL = re.compile(r'^[A-Za-z][\w+.-]*://')
_unsafe_loads = False


@contextlib.contextmanager
def unsafe_pretrained_loads(enabled: bool = True) -> Iterator[None]:
    """Within the block, ``Pretrained`` unpickles checkpoints without ``weights_only``."""
    global _unsafe_loads
    before, _unsafe_loads = _unsafe_loads, bool(enabled) or _unsafe_loads
    try:
        yield
    finally:
        _unsafe_loads = before


class PrefixNotFoundError(CheckpointError, AssertionError):
    """No key of the checkpoint starts with the ``prefix`` (MMEngine: AssertionError)."""


@WEIGHT_INITIALIZERS.register_module(name='Pretrained')
class PretrainedInit:
    """Initialise a module from ``checkpoint``.

    Args:
        checkpoint: a local checkpoint file.
        prefix: load only the weights under this sub-module name (``'backbone.'``; a missing
            trailing dot is added), with the prefix removed.
        map_location: where tensors are loaded (``torch.load``'s argument).
    """

    def __init__(self, checkpoint: str, prefix: Optional[str] = None,
                 map_location: Optional[str] = 'cpu'):
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.map_location = map_location

    def _read(self, announce) -> dict:
        if _URL.match(str(self.checkpoint)):
            raise CheckpointError(
                'Pretrained checkpoints are read from local files; MMEngine would download '
                'this URL, the engine does not', file=str(self.checkpoint),
                key='init_cfg.checkpoint',
                fix='download the file and set checkpoint to its local path')
        announce(f'Loads checkpoint by local backend from path: {self.checkpoint}')
        ckpt = load_checkpoint_file(str(self.checkpoint), self.map_location,
                                    unsafe=_unsafe_loads)
        return ckpt['state_dict'] if 'state_dict' in ckpt else ckpt

    def __call__(self, module: nn.Module) -> None:
        if self.prefix is None:
            logger.info(f'load model from: {self.checkpoint}')
            state = self._read(logger.info)
            metadata = getattr(state, '_metadata', OrderedDict())
            state = OrderedDict((re.sub(r'^module\.', '', k), v) for k, v in state.items())
            state._metadata = metadata
        else:
            logger.info(f'load {self.prefix} in model from: {self.checkpoint}')
            # MMEngine prints this one line of the prefix path to stdout, not to its logger
            state = self._under_prefix(self._read(print))
        load_state_dict_leniently(module, state, logger)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _under_prefix(self, state: dict) -> dict:
        prefix = self.prefix if self.prefix.endswith('.') else self.prefix + '.'
        picked = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
        if not picked:
            tops = sorted({k.split('.', 1)[0] + '.' for k in state})
            raise PrefixNotFoundError(
                f'no weight of the checkpoint starts with {prefix!r}', file=str(self.checkpoint),
                key='init_cfg.prefix',
                fix=f'use one of the checkpoint\'s top-level prefixes: {tops[:12]}')
        return picked

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}: load from {self.checkpoint}'
