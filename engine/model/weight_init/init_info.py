"""The per-parameter record of which initialiser last changed each parameter.

During ``init_weights`` every module of the tree shares one ``_params_init_info`` dict keyed by
parameter: ``init_info`` (text for the log) and ``tmp_mean_value`` (the mean when last seen). A
step that changes a parameter's mean takes the credit, as in MMEngine 0.10.7 (a change that
keeps the mean is not noticed there either).
"""
from __future__ import annotations

import torch.nn as nn

from engine.errors import EngineError


def update_init_info(module: nn.Module, init_info: str) -> None:
    """Credit ``init_info`` to every parameter of ``module`` whose mean changed."""
    table = getattr(module, '_params_init_info', None)
    if table is None:
        raise EngineError(f'{type(module).__name__} has no _params_init_info: '
                          'update_init_info only works inside BaseModule.init_weights',
                          fix='call init_weights() on the top-level BaseModule')
    for name, param in module.named_parameters():
        if param not in table:
            raise EngineError(
                f'a new parameter {name!r} appeared while {type(module).__name__}.init_weights '
                'ran', key='init_weights',
                fix='create parameters in __init__, not in init_weights (MMEngine refuses this '
                    'too); init_weights may only change their values')
        mean = param.data.mean().cpu()
        if table[param]['tmp_mean_value'] != mean:
            table[param]['init_info'] = init_info
            table[param]['tmp_mean_value'] = mean
