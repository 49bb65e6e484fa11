"""MMCV 1.7.2's optimizer registries and ``build_optimizer`` (mmcv/runner/optimizer/builder.py).

``OPTIMIZERS`` holds every ``torch.optim.Optimizer`` subclass ``torch.optim`` exports, under its
own name, as MMCV registers them at import; ``OPTIMIZER_BUILDERS`` holds the constructors
(``DefaultOptimizerConstructor`` and whatever downstream code registers). Errors are
:class:`~engine.errors.BuildError` naming the ``optimizer.*`` key; MMCV raised bare
``KeyError``/``TypeError``/``ValueError`` there.
"""
from __future__ import annotations

import copy
import inspect
from typing import Any, Dict, List

import torch

from engine.errors import BuildError
from engine.registry import Registry, build_from_cfg

OPTIMIZERS = Registry('optimizer')
OPTIMIZER_BUILDERS = Registry('optimizer builder')


def register_torch_optimizers() -> List[str]:
    """Register every optimizer class in ``torch.optim`` (``Optimizer`` itself too, as MMCV)."""
    names = []
    for name in dir(torch.optim):
        if name.startswith('__'):
            continue
        obj = getattr(torch.optim, name)
        if inspect.isclass(obj) and issubclass(obj, torch.optim.Optimizer):
            OPTIMIZERS.register_module(module=obj)
            names.append(name)
    return names


TORCH_OPTIMIZERS = register_torch_optimizers()


def build_in(registry: Registry, cfg: Dict, key: str) -> Any:
    """``build_from_cfg(cfg, registry)`` with errors rooted at the config key ``key``: an unknown
    ``type`` is named as ``key`` itself, an error already naming an ``optimizer`` key is kept."""
    obj_type = cfg.get('type')
    if isinstance(obj_type, str) and obj_type not in registry:
        try:
            registry.get(obj_type)
        except BuildError as e:
            raise e.with_context(key=key) from None
    try:
        return build_from_cfg(cfg, registry)
    except BuildError as e:
        if e.key and (e.key == 'optimizer' or e.key.startswith('optimizer.')):
            raise
        raise e.with_context(key=key) from None


def build_optimizer_constructor(cfg: Dict) -> Any:
    """Build an optimizer constructor from ``dict(type=..., optimizer_cfg=..., paramwise_cfg=...)``."""
    return build_in(OPTIMIZER_BUILDERS, cfg, 'optimizer.constructor')


def build_optimizer(model: torch.nn.Module, cfg: Dict) -> torch.optim.Optimizer:
    """Build the optimizer of a legacy ``optimizer=dict(...)`` config for ``model``.

    ``constructor`` (default ``'DefaultOptimizerConstructor'``) and ``paramwise_cfg`` are taken
    out of a copy of ``cfg``; the rest is the optimizer's own config.
    """
    if not isinstance(cfg, dict):
        raise BuildError(f'the optimizer config must be a dict, got {type(cfg).__name__}',
                         key='optimizer', fix="write optimizer=dict(type='SGD', lr=..., ...)")
    optimizer_cfg = copy.deepcopy(cfg)
    constructor_type = optimizer_cfg.pop('constructor', 'DefaultOptimizerConstructor')
    paramwise_cfg = optimizer_cfg.pop('paramwise_cfg', None)
    constructor = build_optimizer_constructor(dict(
        type=constructor_type, optimizer_cfg=optimizer_cfg, paramwise_cfg=paramwise_cfg))
    return constructor(model)
