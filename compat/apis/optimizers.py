"""The optimizer builders downstream train scripts called on ``cfg.optimizer``.

* MMCV's ``build_optimizer`` (``paramwise_cfg``, ``constructor``): MMDet 2.x, MMCls/MMSeg 0.x;
* the regex ``paramwise_options`` form of MMSelfSup 0.x / OpenSelfSup: for each parameter,
  every pattern that ``re.search``-es its name sets options on its group in order (later
  patterns win), a ``<key>_mult`` multiplying the optimizer's ``<key>``;
* a dict of optimizer dicts (MMEditing 0.x / MMGen ``build_optimizers``): one optimizer per
  submodule named by the key, returned as a dict.

Example: ``paramwise_options={'bias': dict(lr_mult=2.)}`` with ``lr=0.1`` gives every
parameter whose name contains ``bias`` its own group with ``lr=0.2``.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Dict, Union

import torch
from torch import nn

from compat.runner.dist_utils import get_dist_info
from compat.runner.optimizer import OPTIMIZERS, build_optimizer as mmcv_build_optimizer
from compat.utils.logging import print_log
from compat.utils.registry import build_from_cfg

__all__ = ['build_optimizer', 'build_optimizers', 'is_optimizer_dict']


def is_optimizer_dict(cfg: Dict[str, Any]) -> bool:
    """True for ``dict(generator=dict(type=...), discriminator=dict(type=...))``."""
    return bool(cfg) and 'type' not in cfg and all(isinstance(v, dict) for v in cfg.values())


def build_optimizers(model: nn.Module, cfgs: Dict[str, Any]
                     ) -> Union[torch.optim.Optimizer, Dict[str, torch.optim.Optimizer]]:
    """One optimizer per ``model.<key>`` for a dict of optimizer dicts, else one optimizer."""
    module = model.module if hasattr(model, 'module') else model
    if not is_optimizer_dict(cfgs):
        return build_optimizer(model, cfgs)
    optimizers = {}
    for key, cfg in cfgs.items():
        if not hasattr(module, key):
            raise KeyError(f'optimizer.{key}: the model has no submodule `{key}` to optimize '
                           f'(it has {sorted(n for n, _ in module.named_children())}); name '
                           'each optimizer after a submodule')
        optimizers[key] = build_optimizer(getattr(module, key), copy.deepcopy(cfg))
    return optimizers


def build_optimizer(model: nn.Module, cfg: Dict[str, Any]) -> torch.optim.Optimizer:
    """MMCV's builder, or the regex ``paramwise_options`` form when the config uses it."""
    if 'paramwise_options' not in cfg:
        return mmcv_build_optimizer(model, cfg)
    module = model.module if hasattr(model, 'module') else model
    cfg = dict(cfg)
    options = cfg.pop('paramwise_options')
    if options is None:
        return mmcv_build_optimizer(model, cfg)
    if not isinstance(options, dict):
        raise TypeError(f'optimizer.paramwise_options must be a dict of regex -> options, '
                        f'got {type(options).__name__}')
    params = []
    for name, param in module.named_parameters():
        group: Dict[str, Any] = {'params': [param]}
        if param.requires_grad:
            for pattern, settings in options.items():
                if not re.search(pattern, name):
                    continue
                for key, value in settings.items():
                    if key.endswith('_mult'):
                        key = key[:-len('_mult')]
                        if key not in cfg:
                            raise KeyError(f'optimizer.paramwise_options[{pattern!r}]: '
                                           f'{key}_mult multiplies optimizer.{key}, which is '
                                           f'not set; add {key}=... to the optimizer')
                        value = cfg[key] * value
                    group[key] = value
                    if get_dist_info()[0] == 0:
                        print_log(f'paramwise_options -- {name}: {key}={value}')
        params.append(group)
    return build_from_cfg(dict(cfg, params=params), OPTIMIZERS)
