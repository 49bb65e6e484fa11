"""``build_optim_wrapper``: the ``optim_wrapper`` config section -> OptimWrapper(Dict)."""
from __future__ import annotations

import copy
from typing import Union

import torch.nn as nn
from torch.optim import Optimizer

from engine.errors import BuildError
from engine.optim.default_constructor import prefixed
from engine.optim.optim_wrapper import OptimWrapper
from engine.optim.optim_wrapper_dict import OptimWrapperDict
from engine.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS


def build_optim_wrapper(model: nn.Module,
                        cfg: Union[dict, OptimWrapper]) -> Union[OptimWrapper, OptimWrapperDict]:
    """Build the optimizer wrapper(s) for ``model`` from the ``optim_wrapper`` config.

    Accepted forms (MMEngine's ``Runner.build_optim_wrapper`` + ``build_optim_wrapper``):

    * a built :class:`OptimWrapper` (or :class:`OptimWrapperDict`): returned as is;
    * ``dict(optimizer=<torch Optimizer instance>, ...)``: wrapped directly;
    * ``dict(type='OptimWrapper', optimizer=dict(...), paramwise_cfg=..., constructor=...)``:
      ``constructor`` (default ``'DefaultOptimWrapperConstructor'``) and ``paramwise_cfg`` are
      popped and handed to the constructor; ``type`` defaults to ``'OptimWrapper'``;
    * a dict of built wrappers by name: an :class:`OptimWrapperDict`.
    """
    if isinstance(cfg, OptimWrapper):
        return cfg
    if not isinstance(cfg, dict):
        raise BuildError(f'optim_wrapper must be a dict or an OptimWrapper, got '
                         f'{type(cfg).__name__}', key='optim_wrapper',
                         fix="write optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01))")
    optimizer = cfg.get('optimizer')
    if isinstance(optimizer, Optimizer):
        wrapper_cfg = {k: v for k, v in cfg.items() if k not in ('constructor', 'paramwise_cfg')}
        wrapper_cfg.setdefault('type', 'OptimWrapper')
        try:
            return OPTIM_WRAPPERS.build(wrapper_cfg)
        except BuildError as e:
            raise prefixed(e, 'optim_wrapper') from None
    if optimizer is None and 'constructor' not in cfg:
        return _wrapper_dict(cfg)

    cfg = copy.deepcopy(cfg)
    if isinstance(optimizer, dict) and 'paramwise_cfg' in optimizer:
        raise BuildError('paramwise_cfg inside optimizer is the MMCV 1.x placement; MMEngine '
                         'ignores it there', key='optim_wrapper.optimizer.paramwise_cfg',
                         fix='move it one level up, to optim_wrapper.paramwise_cfg')
    constructor = cfg.pop('constructor', 'DefaultOptimWrapperConstructor')
    paramwise_cfg = cfg.pop('paramwise_cfg', None)
    if 'optimizer' in cfg:
        cfg.setdefault('type', 'OptimWrapper')
    try:
        ctor = OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(type=constructor, optim_wrapper_cfg=cfg, paramwise_cfg=paramwise_cfg))
    except BuildError as e:
        if e.key is None or not e.key.startswith('optim_wrapper'):
            raise prefixed(e, 'optim_wrapper.constructor') from None
        raise
    return ctor(model)


def _wrapper_dict(cfg: dict) -> OptimWrapperDict:
    wrappers = {}
    for name, value in cfg.items():
        if not isinstance(value, OptimWrapper):
            raise BuildError(
                'optim_wrapper has no "optimizer": it is read as several named optimizers, but '
                f'{name!r} is not a built OptimWrapper', key=f'optim_wrapper.{name}',
                fix="add optimizer=dict(type=..., lr=...), or for several optimizers add "
                    "constructor='MultiOptimWrapperConstructor'")
        wrappers[name] = value
    return OptimWrapperDict(**wrappers)
