"""Reading and writing checkpoint files: atomic writes, ``weights_only`` loads, clear errors."""
from __future__ import annotations

import io
import os
import pickle
import re
import tempfile
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from engine.errors import CheckpointError
from engine.model.wrappers import unwrap_model


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix='.tmp',
                               dir=directory)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def save_checkpoint_file(checkpoint: Dict[str, Any], path: str) -> None:
    """Serialise with ``torch.save`` into memory, then write atomically."""
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint_file(path: str, map_location: Any = 'cpu', unsafe: bool = False) -> dict:
    """Load a checkpoint; ``unsafe=True`` allows arbitrary pickled objects (trusted files only)."""
    if not os.path.isfile(path):
        raise CheckpointError('checkpoint file not found', file=path,
                              fix='check the path, or drop load_from/resume')
    try:
        ckpt = torch.load(path, map_location=map_location, weights_only=not unsafe)
    except pickle.UnpicklingError as e:
        raise CheckpointError(
            f'the checkpoint holds objects that are not allowed with weights_only=True ({e})',
            file=path,
            fix='if you trust the file, pass --unsafe-load (or load_unsafe=True in the config)'
        ) from None
    except (RuntimeError, EOFError, OSError, ValueError) as e:
        raise CheckpointError(f'cannot read the checkpoint (truncated or not a torch file: {e})',
                              file=path, fix='use another checkpoint') from None
    if not isinstance(ckpt, dict):
        raise CheckpointError(f'a checkpoint must be a dict, got {type(ckpt).__name__}',
                              file=path)
    return ckpt


def model_state_dict(model: nn.Module) -> 'OrderedDict[str, torch.Tensor]':
    """The unwrapped model's state dict, on CPU."""
    state = unwrap_model(model).state_dict()
    return OrderedDict((k, v.detach().cpu()) for k, v in state.items())


def load_model_state(model: nn.Module, state_dict: Dict[str, torch.Tensor], strict: bool = False,
                     revise_keys: Sequence[Tuple[str, str]] = ((r'^module\.', ''),)
                     ) -> Tuple[List[str], List[str]]:
    """Load weights (keys revised by regex pairs); returns (missing, unexpected) keys."""
    revised = OrderedDict()
    for k, v in state_dict.items():
        for pattern, repl in revise_keys:
            k = re.sub(pattern, repl, k)
        revised[k] = v
    result = unwrap_model(model).load_state_dict(revised, strict=strict)
    return list(result.missing_keys), list(result.unexpected_keys)


def weights_from_checkpoint(ckpt: dict, path: Optional[str] = None) -> dict:
    """The model weights of a checkpoint dict (``state_dict`` key, or the dict itself)."""
    if 'state_dict' in ckpt:
        return ckpt['state_dict']
    if ckpt and all(isinstance(v, torch.Tensor) for v in ckpt.values()):
        return ckpt
    raise CheckpointError('no model weights found (no "state_dict" key)', file=path)
