"""Keep a converted checkpoint loadable with ``weights_only=True``.

A file read with ``--unsafe-load`` may carry arbitrary objects in its ``meta`` (a
``defaultdict``, an ``argparse.Namespace``...). The converted file must not: the engine (and
MMEngine under torch >= 2.6) loads it ``weights_only``, and a resume should not need
``--unsafe-load`` again. Such entries are dropped, by name, with a note.
"""
from __future__ import annotations

from collections import Counter, OrderedDict
from typing import Any, List

import torch

_SCALARS = (type(None), bool, int, float, complex, str, bytes)


def weights_only_safe(value: Any) -> bool:
    """Whether ``torch.load(weights_only=True)`` reads ``value`` back (plain data, tensors)."""
    if isinstance(value, _SCALARS) and type(value) in _SCALARS:
        return True
    if isinstance(value, torch.Tensor):
        return True
    if type(value) in (dict, OrderedDict, Counter):
        return all(weights_only_safe(k) and weights_only_safe(v) for k, v in value.items())
    if type(value) in (list, tuple, set):
        return all(weights_only_safe(v) for v in value)
    return False


def drop_unsafe(mapping: dict, where: str, notes: List[str]) -> dict:
    """``mapping`` without the entries ``weights_only`` would refuse (named in ``notes``)."""
    dropped = [k for k, v in mapping.items() if not weights_only_safe(v)]
    if dropped:
        notes.append(f'{where} {dropped}: objects weights_only=True loading refuses (read '
                     'with --unsafe-load); not carried into the converted file')
    return {k: v for k, v in mapping.items() if k not in dropped}
