"""``initialize(module, init_cfg)``: build each initialiser of ``init_cfg`` and apply it, then
its ``override`` entries (each on the named attribute, as a whole), in MMEngine's order."""
from __future__ import annotations

import copy
from typing import Dict, List, Union

import torch.nn as nn

from engine.errors import EngineError
from engine.model.weight_init.errors import (INIT_CFG_FIX, InitCfgAttributeError,
                                             InitCfgTypeError, InitCfgValueError)
from engine.registry import WEIGHT_INITIALIZERS


def _registry():
    # 'Pretrained' reads checkpoints, so it lives with them (engine.checkpoint, which imports
    # this package); register_all_modules imports it, as every engine builder does
    if 'Pretrained' not in WEIGHT_INITIALIZERS:
        from engine import register_all_modules
        register_all_modules()
    return WEIGHT_INITIALIZERS


def is_pretrained_cfg(cfg: dict) -> bool:
    """True for ``dict(type='Pretrained', ...)`` or a cfg whose type is the Pretrained class."""
    kind = cfg.get('type')
    return kind == 'Pretrained' or (not isinstance(kind, str) and
                                    kind is _registry().module_dict.get('Pretrained'))


def _apply(module: nn.Module, cfg: Dict, wholemodule: bool = False) -> None:
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise InitCfgValueError(f'each init_cfg entry needs a type, got {cfg!r}',
                                key='init_cfg', fix=INIT_CFG_FIX)
    args = dict(cfg)
    kind = args.pop('type')
    cls = _registry().get(kind) if isinstance(kind, str) else kind
    try:
        initializer = cls(**args)
    except EngineError:
        raise
    except TypeError as e:  # an argument the initialiser does not take, or one missing
        name = getattr(cls, '__name__', repr(cls))
        raise InitCfgTypeError(f'{name}: {e}', key='init_cfg',
                               fix=f'check the arguments given to {kind!r}') from e
    # an override has no `layer`: it fills every module under the named attribute
    initializer.wholemodule = wholemodule
    initializer(module)


def _apply_override(module: nn.Module, override: Union[Dict, List], outer: Dict) -> None:
    if not isinstance(override, (dict, list)):
        raise InitCfgTypeError(f'override must be a dict or a list of dicts, got '
                               f'{type(override).__name__}', key='init_cfg.override',
                               fix="write override=dict(name='<attribute>', type=...)")
    for entry in [override] if isinstance(override, dict) else override:
        entry = copy.deepcopy(entry)
        name = entry.pop('name', None)
        if name is None:
            raise InitCfgValueError(f'an override needs the key "name", got {entry}',
                                    key='init_cfg.override',
                                    fix='name the attribute it initialises: name=<attribute>')
        if not entry:
            # only a name: the outer entry's initialiser and arguments, on that attribute
            entry.update(outer)
        elif 'type' not in entry:
            raise InitCfgValueError(f'override {name!r} has arguments but no "type": {entry}',
                                    key='init_cfg.override',
                                    fix='add type=... or give only name= to reuse the outer '
                                        'initialiser')
        if not hasattr(module, name):
            raise InitCfgAttributeError(
                f'{type(module).__name__} has no attribute {name!r} for override {entry}',
                key='init_cfg.override.name',
                fix=f'name one of its children: {[n for n, _ in module.named_children()]}')
        _apply(getattr(module, name), entry, wholemodule=True)


def initialize(module: nn.Module, init_cfg: Union[Dict, List[Dict]]) -> None:
    """Initialise ``module`` by ``init_cfg``: one dict or a list of dicts, applied in order.

    Example: ``initialize(net, dict(type='Constant', layer='Conv2d', val=1,
    override=dict(type='Normal', name='head', std=0.01)))`` fills every Conv2d with 1, then
    all of ``net.head`` from N(0, 0.01^2).
    """
    if not isinstance(init_cfg, (dict, list)):
        raise InitCfgTypeError(f'init_cfg must be a dict or a list of dicts, got '
                               f'{type(init_cfg).__name__}', key='init_cfg', fix=INIT_CFG_FIX)
    for cfg in [init_cfg] if isinstance(init_cfg, dict) else init_cfg:
        # a copy: one init_cfg object may be shared by many modules (e.g. repeated blocks)
        cfg = copy.deepcopy(cfg)
        override = cfg.pop('override', None) if isinstance(cfg, dict) else None
        _apply(module, cfg)
        if override is not None:
            cfg.pop('layer', None)
            _apply_override(module, override, cfg)
