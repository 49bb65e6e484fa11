"""Capture and restore every random number generator a training run draws from.

The states are plain data (ints, lists, tensors) so a checkpoint holding them still loads with
``torch.load(weights_only=True)``: python's ``random`` state is a tuple of ints, numpy's
MT19937 key becomes a list of ints, torch's CPU and CUDA states are uint8 tensors.
"""
from __future__ import annotations

import contextlib
import random
from typing import Any, Dict, Iterator

import numpy as np
import torch


def get_rng_state() -> Dict[str, Any]:
    """``{'python', 'numpy', 'torch', 'cuda'}`` states of this process (``cuda``: one per
    visible device, empty without CUDA).

    >>> s = get_rng_state(); a = torch.rand(1); set_rng_state(s); bool(torch.rand(1) == a)
    True
    """
    version, internal, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state()
    state = {
        'python': [int(version), list(internal), gauss],
        'numpy': [str(name), keys.tolist(), int(pos), int(has_gauss), float(cached)],
        'torch': torch.get_rng_state(),
        'cuda': [],
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = [s.cpu() for s in torch.cuda.get_rng_state_all()]
    return state


def set_rng_state(state: Dict[str, Any]) -> None:
    """Restore what :func:`get_rng_state` returned (CUDA states only where devices match)."""
    version, internal, gauss = state['python']
    random.setstate((int(version), tuple(int(x) for x in internal), gauss))
    name, keys, pos, has_gauss, cached = state['numpy']
    np.random.set_state((name, np.asarray(keys, dtype=np.uint32), int(pos), int(has_gauss),
                         float(cached)))
    torch.set_rng_state(torch.as_tensor(state['torch'], dtype=torch.uint8).cpu())
    cuda = state.get('cuda') or []
    if cuda and torch.cuda.is_available() and len(cuda) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all([torch.as_tensor(s, dtype=torch.uint8).cpu() for s in cuda])


@contextlib.contextmanager
def isolated_rng() -> Iterator[Dict[str, Any]]:
    """Run the body with the generators' current state and put that state back afterwards, so
    what the body draws (a validation dataloader's base seed, a metric's sampling) does not
    shift what training draws next. Yields the saved state (a checkpoint written inside the
    body stores it: it is the state training continues from).
    """
    saved = get_rng_state()
    try:
        yield saved
    finally:
        set_rng_state(saved)
