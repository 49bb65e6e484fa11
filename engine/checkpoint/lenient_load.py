"""Loading weights into a module the way MMEngine 0.10.7's ``load_state_dict`` does.

Unlike ``nn.Module.load_state_dict(strict=False)``, a tensor whose shape differs is skipped and
reported rather than raised, model wrappers at any depth are looked through, and a missing BN
``num_batches_tracked`` is not reported. Every mismatch goes into one WARNING on rank 0.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Dict, List, Tuple

import torch
import torch.nn as nn
from torch.nn.modules.module import _IncompatibleKeys

from engine.dist.utils import get_rank
from engine.model.wrappers import is_model_wrapper


def load_state_dict_leniently(module: nn.Module, state_dict: Dict[str, torch.Tensor],
                              logger: logging.Logger) -> Tuple[List[str], List[str]]:
    """Copy matching tensors of ``state_dict`` into ``module``; returns (missing, unexpected)."""
    metadata = getattr(state_dict, '_metadata', None)
    missing: List[str] = []
    unexpected: List[str] = []
    errors: List[str] = []

    def visit(m: nn.Module, local: dict, prefix: str) -> None:
        if is_model_wrapper(m):
            m = m.module
        local_meta = {} if metadata is None else metadata.get(prefix[:-1], {})
        # strict=True here only makes torch list unexpected keys; nothing raises
        m._load_from_state_dict(local, prefix, local_meta, True, missing, unexpected, errors)
        for name, child in m._modules.items():
            if child is not None:
                child_prefix = f'{prefix}{name}.'
                visit(child, {k: v for k, v in local.items() if k.startswith(child_prefix)},
                      child_prefix)
        incompatible = _IncompatibleKeys(missing, unexpected)
        for hook in getattr(m, '_load_state_dict_post_hooks', {}).values():
            hook(m, incompatible)

    visit(module, OrderedDict(state_dict), '')
    missing = [k for k in missing if 'num_batches_tracked' not in k]
    if unexpected:
        errors.append(f'unexpected key in source state_dict: {", ".join(unexpected)}\n')
    if missing:
        errors.append(f'missing keys in source state_dict: {", ".join(missing)}\n')
    if errors and get_rank() == 0:
        logger.warning('\n'.join(['The model and loaded state dict do not match exactly\n']
                                 + errors))
    return missing, unexpected
