"""Constructors beyond the default one: layer-wise lr decay for transformers, and one wrapper per
submodule for models with several optimizers."""
from __future__ import annotations

import re
from typing import Callable, List, Optional, Tuple

import torch.nn as nn

from engine.errors import BuildError
from engine.optim.default_constructor import (NORM_TYPES, DefaultOptimWrapperConstructor,
                                              prefixed)
from engine.optim.optim_wrapper_dict import OptimWrapperDict
from engine.registry import OPTIM_WRAPPER_CONSTRUCTORS

_EMBED_RE = re.compile(r'(^|\.)(cls_token|pos_embed|mask_token|dist_token)$|(^|\.)patch_embed\.')
_BLOCK_RE = re.compile(r'(?:^|\.)(?:blocks|layers|encoder\.layer)\.(\d+)\.')
_DECAY_TYPES = ('layer_wise',)


def layer_id_from_name(name: str, num_layers: int) -> int:
    """Depth of parameter ``name``: 0 for embeddings, ``N+1`` inside block ``N``, and
    ``num_layers + 1`` for everything after the blocks (final norm, head)."""
    if _EMBED_RE.search(name):
        return 0
    match = _BLOCK_RE.search(name)
    if match:
        return int(match.group(1)) + 1
    return num_layers + 1


@OPTIM_WRAPPER_CONSTRUCTORS.register_module(
    name=['LayerDecayOptimWrapperConstructor', 'LearningRateDecayOptimWrapperConstructor'])
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Layer-wise learning-rate decay (BEiT/MAE fine-tuning).

    ``paramwise_cfg``:

    * ``layer_decay_rate`` (float, default 1.0) and ``num_layers`` (int, required unless the
      model has ``get_layer_depth(name) -> (layer_id, max_id)`` as mmpretrain backbones do);
      a parameter at depth ``layer_id`` gets ``lr = base_lr * rate ** (num_layers + 1 - layer_id)``;
    * ``decay_type``: only ``'layer_wise'``;
    * ``no_decay_names`` (list of substrings): with 1-D params, biases and norm-layer params,
      they get ``weight_decay = 0``;
    * ``custom_keys``: as in the default constructor, ``decay_mult`` and extra keys (the lr
      stays layer-decayed; ``lr_mult`` multiplies it).

    Each group also carries ``layer_id`` and ``param_name``.
    """

    def _validate_cfg(self) -> None:
        cfg = self.paramwise_cfg
        if not isinstance(cfg, dict):
            raise BuildError('paramwise_cfg must be a dict', key='optim_wrapper.paramwise_cfg')
        decay_type = cfg.get('decay_type', 'layer_wise')
        if decay_type not in _DECAY_TYPES:
            raise BuildError(f'decay_type {decay_type!r} is not supported here',
                             key='optim_wrapper.paramwise_cfg.decay_type',
                             fix="use decay_type='layer_wise'")
        if self.base_lr is None:
            raise BuildError('layer-wise lr decay needs an lr in the optimizer config',
                             key='optim_wrapper.optimizer.lr', fix='set optimizer.lr')
        super()._validate_cfg()

    def add_params(self, params: List[dict], module: nn.Module, prefix: str = '',
                   is_dcn_module: bool = False,
                   get_layer_depth: Optional[Callable[[str], Tuple[int, int]]] = None) -> None:
        """Append one group per trainable parameter of ``module`` (recursively)."""
        if get_layer_depth is None:
            get_layer_depth = self._depth_function(module)
        cfg = self.paramwise_cfg
        custom_keys = cfg.get('custom_keys', {})
        sorted_keys = sorted(sorted(custom_keys), key=len, reverse=True)
        no_decay_names = tuple(cfg.get('no_decay_names', ()))
        rate = cfg.get('layer_decay_rate', 1.0)
        is_norm = isinstance(module, NORM_TYPES)

        for name, param in module.named_parameters(recurse=False):
            full_name = f'{prefix}.{name}' if prefix else name
            if not param.requires_grad or any(param is p for g in params for p in g['params']):
                continue
            layer_id, max_id = get_layer_depth(full_name)
            group = {'params': [param], 'layer_id': layer_id, 'param_name': full_name,
                     'lr': self.base_lr * rate ** (max_id - layer_id - 1)}
            key = next((k for k in sorted_keys if k in full_name), None)
            if self.base_wd is not None:
                no_decay = (param.ndim == 1 or name == 'bias' or is_norm
                            or any(n in full_name for n in no_decay_names))
                group['weight_decay'] = 0.0 if no_decay else self.base_wd
            if key is not None:
                opts = dict(custom_keys[key])
                group['lr'] *= opts.pop('lr_mult', 1.0)
                if self.base_wd is not None and 'decay_mult' in opts:
                    group['weight_decay'] = self.base_wd * opts.pop('decay_mult')
                group.update(opts)
            params.append(group)

        for child_name, child in module.named_children():
            child_prefix = f'{prefix}.{child_name}' if prefix else child_name
            self.add_params(params, child, prefix=child_prefix, get_layer_depth=get_layer_depth)

    def _depth_function(self, model: nn.Module) -> Callable[[str], Tuple[int, int]]:
        if hasattr(model, 'get_layer_depth'):
            return model.get_layer_depth
        num_layers = self.paramwise_cfg.get('num_layers')
        if not isinstance(num_layers, int) or num_layers < 0:
            raise BuildError('layer-wise lr decay needs num_layers (the number of transformer '
                             f'blocks), got {num_layers!r}',
                             key='optim_wrapper.paramwise_cfg.num_layers',
                             fix='set paramwise_cfg.num_layers=12 (for ViT-B)')
        # max_id = num_layers + 2, so scale = rate ** (num_layers + 1 - layer_id)
        return lambda name: (layer_id_from_name(name, num_layers), num_layers + 2)

    def build_param_groups(self, model: nn.Module):
        # always per-parameter groups, even with no other option set
        params: List[dict] = []
        self.add_params(params, model)
        return params


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiOptimWrapperConstructor:
    """One optimizer wrapper per named submodule, returned as an :class:`OptimWrapperDict`.

    ``optim_wrapper_cfg`` maps attribute names of the model to wrapper configs; each of those
    may carry its own ``constructor`` and ``paramwise_cfg``. A top-level ``paramwise_cfg``
    applies to every entry that has none.

    Example:
        >>> optim_wrapper = dict(constructor='MultiOptimWrapperConstructor',
        ...     generator=dict(optimizer=dict(type='Adam', lr=1e-4)),
        ...     discriminator=dict(optimizer=dict(type='Adam', lr=4e-4)))
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None):
        if not isinstance(optim_wrapper_cfg, dict) or not optim_wrapper_cfg:
            raise BuildError('MultiOptimWrapperConstructor needs a dict of named wrapper configs',
                             key='optim_wrapper',
                             fix='write optim_wrapper=dict(constructor=..., '
                                 'generator=dict(optimizer=...), ...)')
        self.constructors = {}
        for name, cfg in optim_wrapper_cfg.items():
            if not isinstance(cfg, dict) or 'optimizer' not in cfg:
                raise BuildError(f'entry {name!r} must be a wrapper config with an optimizer',
                                 key=f'optim_wrapper.{name}',
                                 fix=f"write {name}=dict(optimizer=dict(type='Adam', lr=...))")
            cfg = dict(cfg)
            ctor_type = cfg.pop('constructor', 'DefaultOptimWrapperConstructor')
            own_paramwise = cfg.pop('paramwise_cfg', None)
            try:
                self.constructors[name] = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
                    type=ctor_type, optim_wrapper_cfg=cfg,
                    paramwise_cfg=own_paramwise if own_paramwise is not None else paramwise_cfg))
            except BuildError as e:
                raise prefixed(e, f'optim_wrapper.{name}') from None

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        """Build each wrapper over ``getattr(model, name)``."""
        if hasattr(model, 'module'):
            model = model.module
        wrappers = {}
        for name, ctor in self.constructors.items():
            submodule = getattr(model, name, None)
            if not isinstance(submodule, nn.Module):
                raise BuildError(f'the model has no submodule {name!r} for optimizer {name!r}',
                                 key=f'optim_wrapper.{name}',
                                 fix='name each optimizer after a submodule attribute of the model')
            try:
                wrappers[name] = ctor(submodule)
            except BuildError as e:
                raise prefixed(e, f'optim_wrapper.{name}') from None
        return OptimWrapperDict(**wrappers)
