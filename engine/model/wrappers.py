"""Model wrappers (DDP) and how to see through them."""
from __future__ import annotations

import torch.nn as nn
from torch.nn.parallel import DataParallel, DistributedDataParallel

from engine.registry import MODEL_WRAPPERS

MODEL_WRAPPERS.register_module(module=DistributedDataParallel)
MODEL_WRAPPERS.register_module(name='MMDistributedDataParallel', module=DistributedDataParallel)


def is_model_wrapper(model: nn.Module) -> bool:
    return isinstance(model, (DistributedDataParallel, DataParallel))


def unwrap_model(model: nn.Module) -> nn.Module:
    """Return the user's model inside DDP/DP wrappers."""
    while is_model_wrapper(model):
        model = model.module
    return model
