"""Reading and writing checkpoint files: atomic writes, ``weights_only`` loads, clear errors.

A write goes to a hidden ``.<name>.<random>.partial`` file in the target folder, is fsynced and
then renamed over the target, so a process killed mid-write leaves the previous file intact
(and a ``.partial`` that :func:`remove_stale_partials` cleans up later). Loads never unpickle
arbitrary objects unless the caller says ``unsafe=True`` (``--unsafe-load``).
"""
from __future__ import annotations

import os
import pickle
import re
from collections import OrderedDict
from typing import IO, Any, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from engine.errors import CheckpointError
from engine.fileio import (PARTIAL_SUFFIX, atomic_write,  # noqa: F401 (re-exported)
                           atomic_write_bytes)
from engine.model.wrappers import unwrap_model
from engine.checkpoint.mmengine_checkpoint import (mmengine_safe_globals,
                                               normalize_mmengine_checkpoint)

POINTER_NAME = 'last_checkpoint'
_ZIP_MAGIC = b'PK\x03\x04'
# torch.save(..., _use_new_zipfile_serialization=False) starts with the pickled magic number
_LEGACY_MAGIC = b'\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19'
UNSAFE_FIX = ('if you trust the file, pass --unsafe-load to `migrate train` (or set '
              'load_unsafe = True in the config) to unpickle it without restrictions')


def _write_payload(checkpoint: Dict[str, Any], f: IO[bytes]) -> None:
    # a seam: the kill-while-saving test replaces it with a write that stalls half-way
    torch.save(checkpoint, f)


def save_checkpoint_file(checkpoint: Dict[str, Any], path: str) -> None:
    """``torch.save`` straight into the temporary file (no in-memory copy), then rename."""
    atomic_write(path, lambda f: _write_payload(checkpoint, f))


def write_pointer(work_dir: str, checkpoint_path: str) -> None:
    """Point ``work_dir/last_checkpoint`` at ``checkpoint_path`` (atomically, written after the
    checkpoint itself so it never names a file that is not complete)."""
    atomic_write_bytes(os.path.join(work_dir, POINTER_NAME), checkpoint_path.encode())


def find_latest_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint ``work_dir/last_checkpoint`` names, if that file exists (never a
    ``.partial`` left by an interrupted write: those are not named by the pointer)."""
    pointer = os.path.join(work_dir, POINTER_NAME)
    if not os.path.isfile(pointer):
        return None
    with open(pointer) as f:
        path = f.read().strip()
    if not path or path.endswith(PARTIAL_SUFFIX):
        return None
    if not os.path.isabs(path):
        path = os.path.join(work_dir, path)
    return path if os.path.isfile(path) else None


def remove_stale_partials(directory: str) -> List[str]:
    """Delete ``.*.partial`` files that interrupted writes left in ``directory``."""
    removed = []
    if not os.path.isdir(directory):
        return removed
    for name in os.listdir(directory):
        if name.startswith('.') and name.endswith(PARTIAL_SUFFIX):
            try:
                os.remove(os.path.join(directory, name))
                removed.append(name)
            except OSError:
                pass
    return removed


def _file_kind(path: str) -> str:
    with open(path, 'rb') as f:
        head = f.read(len(_LEGACY_MAGIC))
    if head.startswith(_ZIP_MAGIC):
        return 'zip'
    if head == _LEGACY_MAGIC:
        return 'legacy'
    return 'empty' if not head else 'foreign'


def _refused_global(message: str) -> str:
    found = re.search(r'GLOBAL ([\w.]+)', message) or re.search(r'function (\S+)', message)
    if found:
        return found.group(1)
    # an allow-listed constructor refusing its arguments (an object-dtype numpy array):
    # torch puts that reason after its own boilerplate
    reason = re.search(r'WeightsUnpickler error:\s*(\S[^\n]*)', message)
    return reason.group(1) if reason else message.splitlines()[0][:200]


def load_checkpoint_file(path: str, map_location: Any = 'cpu', unsafe: bool = False,
                         mmap: Optional[bool] = None) -> dict:
    """Load a checkpoint dict with ``weights_only=True`` (``unsafe=True``: any pickle).

    Checkpoints written by MMEngine load too (their message-hub objects are read through
    stand-ins, see :mod:`engine.checkpoint.mmengine_checkpoint`). Every failure is a
    :class:`CheckpointError` naming the file and the fix.

    ``mmap`` (default: for zip files loaded to CPU on POSIX systems) maps the file instead of
    reading it into fresh memory: tensors are copy-on-write views of the page cache, and
    ``load_state_dict`` copies straight from there (100 MB: ~15 ms instead of ~70 ms). Our
    checkpoints are replaced by rename, never rewritten in place, so a mapping stays valid.
    """
    if not os.path.isfile(path):
        raise CheckpointError('checkpoint file not found', file=path,
                              fix='check the path, or drop load_from/resume')
    kind = _file_kind(path)
    if kind in ('empty', 'foreign'):
        raise CheckpointError(
            'not a PyTorch checkpoint (' + ('the file is empty' if kind == 'empty' else
                                            'it is neither a torch.save zip archive nor a '
                                            'legacy torch file') + ')',
            file=path, fix='load_from/resume must name a .pth file written by torch.save')
    if mmap is None:
        mmap = kind == 'zip' and map_location in ('cpu', None) and os.name == 'posix'
    try:
        if unsafe:
            ckpt = torch.load(path, map_location=map_location, weights_only=False, mmap=mmap)
        else:
            with torch.serialization.safe_globals(mmengine_safe_globals()):
                ckpt = torch.load(path, map_location=map_location, weights_only=True,
                                  mmap=mmap)
    except pickle.UnpicklingError as e:
        raise CheckpointError(
            f'the checkpoint holds objects that weights_only=True loading refuses: '
            f'{_refused_global(str(e))}', file=path, fix=UNSAFE_FIX) from None
    except (RuntimeError, EOFError, OSError, ValueError, KeyError, AttributeError,
            ImportError, TypeError) as e:
        first = str(e).splitlines()[0].split('. ')[0] if str(e) else type(e).__name__
        raise CheckpointError(
            f'cannot read the checkpoint: it is truncated or corrupt ({first})', file=path,
            fix='an interrupted copy or write leaves a torn file: copy it again, or use the '
                'previous checkpoint (work_dir/last_checkpoint names the last complete one)'
        ) from None
    if not isinstance(ckpt, dict):
        raise CheckpointError(f'a checkpoint must be a dict, got {type(ckpt).__name__}',
                              file=path, fix='save a dict with a "state_dict" key')
    ckpt, _ = normalize_mmengine_checkpoint(ckpt)
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
    if isinstance(ckpt.get('state_dict'), dict):
        return ckpt['state_dict']
    if ckpt and all(isinstance(v, torch.Tensor) for v in ckpt.values()):
        return ckpt
    raise CheckpointError(f'no model weights found: no "state_dict" key and not a dict of '
                          f'tensors (top-level keys: {sorted(map(str, ckpt))[:8]})', file=path,
                          fix='load_from must name a model checkpoint (a dict with '
                              '"state_dict", or a plain state dict)')
