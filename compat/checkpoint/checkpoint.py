"""MMCV 1.7.2's checkpoint functions: the same file layout, the same load messages.

A saved file is ``{'meta': ..., 'state_dict': ..., 'optimizer': ...}``:

* ``meta``: the caller's dict (the runner's ``epoch``/``iter``, ``hook_msgs``, ``fp16`` with
  ``loss_scaler`` ... pass through untouched), updated with ``mmcv_version`` (``'1.7.2'``, the
  MMCV whose behaviour and layout this runtime reproduces) and ``time`` (``time.asctime()``),
  and ``CLASSES`` when the unwrapped model has a non-None ``CLASSES``;
* ``state_dict``: the unwrapped model's parameters and buffers on CPU, with torch's
  ``_metadata`` (module versions);
* ``optimizer`` (only when one is given): its ``state_dict()``, or a dict name -> state dict
  for several optimizers.

Differences from MMCV, by the project's rules: files are written atomically (a killed process
leaves the old file), remote destinations are refused, and loading uses
``torch.load(weights_only=True)`` unless the caller passes ``unsafe=True``.
"""
from __future__ import annotations

import logging
import os
import re
import time
from collections import OrderedDict
from typing import Dict, Optional, Union

import torch
import torch.nn as nn
from torch.optim import Optimizer

from compat.checkpoint.checkpoint_loader import CheckpointLoader, MapLocation
from engine.checkpoint.checkpoint_io import save_checkpoint_file
from engine.dist.utils import get_dist_info
from engine.errors import CheckpointError
from engine.model.wrappers import is_model_wrapper

MMCV_VERSION = '1.7.2'
DEFAULT_REVISE_KEYS = [(r'^module\.', '')]


def _unwrap(module: nn.Module) -> nn.Module:
    # MMCV unwraps one level per call (it recurses through children for nested wrappers)
    return module.module if is_model_wrapper(module) else module


def load_state_dict(module: nn.Module, state_dict: Dict[str, torch.Tensor],
                    strict: bool = False, logger: Optional[logging.Logger] = None) -> None:
    """Load ``state_dict`` into ``module`` (wrappers seen through at any depth).

    Mismatches are reported even when ``strict`` is False, with MMCV's text: size mismatches
    (torch's wording), ``unexpected key in source state_dict: ...`` and ``missing keys in
    source state_dict: ...`` (BatchNorm's ``num_batches_tracked`` never counts as missing).
    Rank 0 raises ``RuntimeError`` (strict) or warns on ``logger`` / prints; other ranks stay
    quiet, as in MMCV."""
    unexpected: list = []
    missing: list = []
    errors: list = []
    metadata = getattr(state_dict, '_metadata', None)
    state_dict = state_dict.copy()
    if metadata is not None:
        state_dict._metadata = metadata

    def load(mod: nn.Module, prefix: str = '') -> None:
        mod = _unwrap(mod)
        local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
        # strict=True here only makes torch collect the key lists; whether they are fatal
        # is decided below
        mod._load_from_state_dict(state_dict, prefix, local_metadata, True, missing,
                                  unexpected, errors)
        for name, child in mod._modules.items():
            if child is not None:
                load(child, prefix + name + '.')

    load(module)
    missing = [key for key in missing if 'num_batches_tracked' not in key]
    if unexpected:
        errors.append(f'unexpected key in source state_dict: {", ".join(unexpected)}\n')
    if missing:
        errors.append(f'missing keys in source state_dict: {", ".join(missing)}\n')
    rank, _ = get_dist_info()
    if errors and rank == 0:
        message = '\n'.join(['The model and loaded state dict do not match exactly\n'] + errors)
        if strict:
            raise RuntimeError(message)
        if logger is not None:
            logger.warning(message)
        else:
            print(message)


def weights_to_cpu(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """A copy of ``state_dict`` with every tensor on CPU, keeping its ``_metadata``."""
    cpu = OrderedDict((key, value.cpu()) for key, value in state_dict.items())
    cpu._metadata = getattr(state_dict, '_metadata', OrderedDict())
    return cpu


def get_state_dict(module: nn.Module, destination: Optional[OrderedDict] = None,
                   prefix: str = '', keep_vars: bool = False) -> OrderedDict:
    """``module.state_dict()`` that sees through wrappers nested anywhere in the tree.

    As in MMCV, every buffer is saved, non-persistent ones included, and state-dict hooks
    still run."""
    module = _unwrap(module)
    if destination is None:
        destination = OrderedDict()
        destination._metadata = OrderedDict()
    destination._metadata[prefix[:-1]] = local_metadata = dict(version=module._version)
    for name, param in module._parameters.items():
        if param is not None:
            destination[prefix + name] = param if keep_vars else param.detach()
    for name, buf in module._buffers.items():
        if buf is not None:
            destination[prefix + name] = buf if keep_vars else buf.detach()
    for name, child in module._modules.items():
        if child is not None:
            get_state_dict(child, destination, prefix + name + '.', keep_vars=keep_vars)
    for hook in module._state_dict_hooks.values():
        result = hook(module, destination, prefix, local_metadata)
        if result is not None:
            destination = result
    return destination


def save_checkpoint(model: nn.Module, filename: str,
                    optimizer: Union[Optimizer, Dict[str, Optimizer], None] = None,
                    meta: Optional[dict] = None,
                    file_client_args: Optional[dict] = None) -> None:
    """Write MMCV 1.7.2's checkpoint layout to the local file ``filename`` atomically.

    ``meta`` is updated in place, as MMCV does (callers such as the runner rely on it).
    ``file_client_args`` is accepted for MMCV's signature; only local files (or ``file://``)
    are written."""
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise TypeError(f'meta must be a dict or None, but got {type(meta)}')
    meta.update(mmcv_version=MMCV_VERSION, time=time.asctime())
    model = _unwrap(model)
    if getattr(model, 'CLASSES', None) is not None:
        meta.update(CLASSES=model.CLASSES)
    checkpoint = {'meta': meta, 'state_dict': weights_to_cpu(get_state_dict(model))}
    if isinstance(optimizer, Optimizer):
        checkpoint['optimizer'] = optimizer.state_dict()
    elif isinstance(optimizer, dict):
        checkpoint['optimizer'] = {name: optim.state_dict() for name, optim in optimizer.items()}
    save_checkpoint_file(checkpoint, _local_path(filename, file_client_args))


def _local_path(filename: str, file_client_args: Optional[dict]) -> str:
    backend = (file_client_args or {}).get('backend', 'disk')
    if filename.startswith('file://'):
        filename = filename[len('file://'):]
    scheme = re.match(r'([a-zA-Z][\w+.-]*)://', filename)
    if scheme or backend not in ('disk', 'local'):
        what = f'{scheme.group(1)}://' if scheme else f'file_client_args backend {backend!r}'
        raise CheckpointError(f'cannot save a checkpoint to {what}: the compat runtime writes '
                              'local files only', file=filename,
                              fix='save to a local path and copy the file afterwards')
    return os.path.expanduser(filename)


def _load_checkpoint(filename: str, map_location: MapLocation = None,
                     logger: Optional[logging.Logger] = None, *, unsafe: bool = False):
    """The checkpoint object in ``filename`` (via :class:`CheckpointLoader`)."""
    return CheckpointLoader.load_checkpoint(filename, map_location, logger, unsafe=unsafe)


def _load_checkpoint_with_prefix(prefix: str, filename: str,
                                 map_location: MapLocation = None, *, unsafe: bool = False):
    """The weights under ``prefix`` (a sub-module name), with the prefix removed."""
    checkpoint = _load_checkpoint(filename, map_location=map_location, unsafe=unsafe)
    state_dict = checkpoint['state_dict'] if 'state_dict' in checkpoint else checkpoint
    if not prefix.endswith('.'):
        prefix += '.'
    state_dict = {k[len(prefix):]: v for k, v in state_dict.items() if k.startswith(prefix)}
    if not state_dict:
        raise CheckpointError(f'{prefix} is not in the pretrained model', file=filename,
                              fix='check the prefix against the checkpoint\'s weight names')
    return state_dict


def load_checkpoint(model: nn.Module, filename: str, map_location: MapLocation = None,
                    strict: bool = False, logger: Optional[logging.Logger] = None,
                    revise_keys: list = DEFAULT_REVISE_KEYS, *, unsafe: bool = False):
    """Load the weights of ``filename`` into ``model``; returns the whole checkpoint.

    The weights are ``checkpoint['state_dict']`` when that key exists, else the checkpoint
    itself (so a ``{'model': ...}`` file is reported as one unexpected key, as MMCV does).
    Each ``(pattern, replacement)`` of ``revise_keys`` is applied to every key with
    ``re.sub``, in order. ``unsafe=True`` (keyword, compat only) loads without
    ``weights_only``: only for files you trust."""
    checkpoint = _load_checkpoint(filename, map_location, logger, unsafe=unsafe)
    if not isinstance(checkpoint, dict):
        raise RuntimeError(f'No state_dict found in checkpoint file {filename}')
    state_dict = checkpoint['state_dict'] if 'state_dict' in checkpoint else checkpoint
    metadata = getattr(state_dict, '_metadata', OrderedDict())
    for pattern, replacement in revise_keys:
        state_dict = OrderedDict((re.sub(pattern, replacement, k), v)
                                 for k, v in state_dict.items())
    state_dict._metadata = metadata
    load_state_dict(model, state_dict, strict, logger)
    return checkpoint


__all__ = ['CheckpointLoader', 'load_state_dict', 'weights_to_cpu', 'get_state_dict',
           'save_checkpoint', 'load_checkpoint']
