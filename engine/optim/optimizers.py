"""Register every ``torch.optim`` optimizer class in :data:`OPTIMIZERS` under its class name.

Names match MMEngine's: ``torch.optim.Adafactor`` is registered as ``TorchAdafactor`` because
MMEngine keeps ``Adafactor`` for the transformers implementation.
"""
from __future__ import annotations

import inspect
from typing import List

import torch

from engine.registry import OPTIMIZERS

_RENAMED = {'Adafactor': 'TorchAdafactor'}


def register_torch_optimizers() -> List[str]:
    """Register each ``torch.optim.Optimizer`` subclass found in ``torch.optim``; idempotent.

    Returns:
        The registered names.
    """
    names = []
    for attr in dir(torch.optim):
        if attr.startswith('__'):
            continue
        obj = getattr(torch.optim, attr)
        if inspect.isclass(obj) and issubclass(obj, torch.optim.Optimizer):
            name = _RENAMED.get(attr, attr)
            OPTIMIZERS.register_module(name=name, module=obj)
            names.append(name)
    return names


TORCH_OPTIMIZERS = register_torch_optimizers()
