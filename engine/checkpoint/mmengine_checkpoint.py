"""Read checkpoints written by MMEngine under ``weights_only=True``, without MMEngine installed.

An MMEngine checkpoint pickles its message hub's ``HistoryBuffer`` objects (numpy arrays, and
bound methods through ``getattr``) and numpy scalars. ``torch.load(weights_only=True)`` refuses
those globals. Instead of allowing them, each is mapped to a narrow stand-in:

* ``mmengine.logging.history_buffer.HistoryBuffer`` -> :class:`MMEngineHistoryBuffer`, a plain
  attribute holder (no code of the file runs);
* ``builtins.getattr`` -> a function that only answers for that stand-in class and returns the
  attribute *name* (MMEngine pickles ``statistics_methods = {'min': HistoryBuffer.min, ...}``);
* numpy ``_reconstruct`` / ``dtype`` / ``scalar`` -> the real numpy functions behind a check
  that refuses object dtypes (an object array would unpickle arbitrary objects).

:func:`normalize_mmengine_checkpoint` then turns the stand-ins into our plain message hub state.
"""
from __future__ import annotations

import pickle
from collections import defaultdict
from typing import Any, Dict, List, Tuple

import numpy as np

try:  # numpy >= 2
    from numpy._core import multiarray as _multiarray
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core import multiarray as _multiarray


class MMEngineHistoryBuffer:
    """What an MMEngine ``HistoryBuffer`` unpickles to: ``_log_history``, ``_count_history``
    and ``max_length`` attributes, nothing else."""

    def to_state(self) -> Dict[str, Any]:
        """Our ``HistoryBuffer.state_dict()`` layout."""
        values = np.asarray(getattr(self, '_log_history', []), dtype=np.float64).tolist()
        counts = np.asarray(getattr(self, '_count_history', []), dtype=np.int64).tolist()
        return {'max_length': int(getattr(self, 'max_length', 1_000_000)),
                'values': [float(v) for v in values], 'counts': [int(c) for c in counts]}


def _attribute_name(obj, name: str) -> str:
    if obj is not MMEngineHistoryBuffer or not isinstance(name, str):
        raise pickle.UnpicklingError(f'getattr({obj!r}, {name!r}) is not allowed in a checkpoint')
    return name


def _check_dtype(dtype) -> None:
    if np.dtype(dtype).hasobject:
        raise pickle.UnpicklingError('numpy arrays of Python objects are not allowed in a '
                                     'checkpoint loaded with weights_only=True')


def _numpy_reconstruct(subtype, shape, dtype):
    if subtype is not np.ndarray:
        raise pickle.UnpicklingError(f'numpy array subtype {subtype!r} is not allowed')
    return _multiarray._reconstruct(np.ndarray, shape, dtype)


def _numpy_dtype(obj, align=False, copy=False):
    dtype = np.dtype(obj, align, copy)
    _check_dtype(dtype)
    return dtype


def _numpy_scalar(dtype, data=None):
    _check_dtype(dtype)
    return _multiarray.scalar(dtype, data) if data is not None else _multiarray.scalar(dtype)


def _dtype_classes() -> List[type]:
    kinds = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
             np.uint64, np.float16, np.float32, np.float64, np.complex64, np.complex128]
    return [type(np.dtype(k)) for k in kinds]


def mmengine_safe_globals() -> List[Any]:
    """Entries for ``torch.serialization.safe_globals`` that let MMEngine checkpoints load."""
    entries: List[Any] = [(MMEngineHistoryBuffer, 'mmengine.logging.history_buffer.HistoryBuffer'),
                          (_attribute_name, 'builtins.getattr'), np.ndarray]
    for module in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        entries += [(_numpy_reconstruct, f'{module}._reconstruct'),
                    (_numpy_scalar, f'{module}.scalar')]
    entries.append((_numpy_dtype, 'numpy.dtype'))
    entries += _dtype_classes()
    return entries


def _plain(value):
    """numpy scalars and arrays -> Python numbers and lists (recursively)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        items = [(k, _plain(v)) for k, v in value.items()]
        if isinstance(value, defaultdict):  # (an unsafe load) its factory comes first
            return type(value)(value.default_factory, items)
        return type(value)(items)
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def is_mmengine_checkpoint(ckpt: dict) -> bool:
    meta = ckpt.get('meta')
    return isinstance(meta, dict) and 'mmengine_version' in meta and 'format' not in meta


def normalize_mmengine_checkpoint(ckpt: dict) -> Tuple[dict, bool]:
    """Replace MMEngine stand-ins in ``ckpt`` by plain data; returns ``(ckpt, changed)``."""
    hub = ckpt.get('message_hub')
    changed = False
    if isinstance(hub, dict):
        scalars = hub.get('log_scalars', {})
        for key, buf in list(scalars.items()):
            if isinstance(buf, MMEngineHistoryBuffer):
                scalars[key] = buf.to_state()
                changed = True
        if 'runtime_info' in hub:
            hub['runtime_info'] = _plain(hub['runtime_info'])
    if isinstance(ckpt.get('meta'), dict):
        ckpt['meta'] = _plain(ckpt['meta'])
    return ckpt, changed
