"""MMCV 1.7.2's ``DefaultOptimizerConstructor``: a legacy ``optimizer`` config + ``paramwise_cfg``
-> a ``torch.optim`` optimizer (mmcv/runner/optimizer/default_constructor.py).

Per parameter, in MMCV's order (``add_params``), walking modules depth-first:
1. ``requires_grad=False``: its own group, no lr/decay (the optimizer's defaults apply);
2. with ``bypass_duplicate``, a parameter already in a group is skipped, with MMCV's warning;
3. the first of ``custom_keys`` (sorted alphabetically, then longest first) contained in
   ``'<module prefix>.<name>'`` sets ``lr = lr * lr_mult`` and, when the optimizer has a
   ``weight_decay``, ``weight_decay = weight_decay * decay_mult``; nothing else applies then;
4. otherwise: a ``bias`` outside norm layers and DCN children gets ``bias_lr_mult``; a conv
   named ``*conv_offset*`` under a deformable conv gets ``dcn_offset_lr_mult`` (it overrides the
   bias rule); the decay is the first of norm (BatchNorm/InstanceNorm/GroupNorm/LayerNorm) ->
   depth-wise ``Conv2d`` (``in_channels == groups``, so a 1-channel conv counts) -> ``bias``
   outside DCN children.
Unlike MMEngine (engine/optim/default_constructor.py), frozen parameters are kept, a custom
key's other entries are not copied into the group, and the decay order is norm, dwconv, bias.
Deformable convs are recognised by class name, as an mmcv-full install would see them.
"""
from __future__ import annotations

import numbers
import warnings
from typing import Any, Dict, List, Optional

import torch
import torch.nn as nn

from compat.runner.optimizer.builder import OPTIMIZER_BUILDERS, OPTIMIZERS, build_in
from engine.errors import BuildError
from engine.optim.default_constructor import NORM_TYPES, is_dcn

#: the paramwise_cfg keys this constructor reads (MMCV ignores any other, and so do we, loudly)
PARAMWISE_KEYS = ('custom_keys', 'bias_lr_mult', 'bias_decay_mult', 'norm_decay_mult',
                  'dwconv_decay_mult', 'dcn_offset_lr_mult', 'bypass_duplicate')
MULT_KEYS = ('bias_lr_mult', 'bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult',
             'dcn_offset_lr_mult')
CUSTOM_KEY_MULTS = ('lr_mult', 'decay_mult')
DECAY_MULT_KEYS = ('bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult')


def paramwise_error(key: str, message: str, fix: str) -> BuildError:
    return BuildError(message, key=f'optimizer.paramwise_cfg.{key}' if key else
                      'optimizer.paramwise_cfg', fix=fix)


@OPTIMIZER_BUILDERS.register_module()
class DefaultOptimizerConstructor:
    """Build an optimizer with MMCV 1.7.2's per-parameter rules (module docstring).

    Args:
        optimizer_cfg: the optimizer's config, ``dict(type='SGD', lr=..., ...)``.
        paramwise_cfg: per-parameter options; ``None`` or ``{}`` gives the optimizer
            ``model.parameters()`` unchanged.
    """

    def __init__(self, optimizer_cfg: Dict, paramwise_cfg: Optional[Dict] = None):
        if not isinstance(optimizer_cfg, dict):
            raise BuildError(f'the optimizer config must be a dict, got '
                             f'{type(optimizer_cfg).__name__}', key='optimizer',
                             fix="write optimizer=dict(type='SGD', lr=..., ...)")
        self.optimizer_cfg = optimizer_cfg
        self.paramwise_cfg = {} if paramwise_cfg is None else paramwise_cfg
        self.base_lr = optimizer_cfg.get('lr', None)
        self.base_wd = optimizer_cfg.get('weight_decay', None)
        self._validate_cfg()

    # -- checks (MMCV's, plus what MMCV only found by crashing later) ---------------------------
    def _validate_cfg(self) -> None:
        cfg = self.paramwise_cfg
        if not isinstance(cfg, dict):
            raise paramwise_error('', f'paramwise_cfg must be None or a dict, got '
                                  f'{type(cfg).__name__}',
                                  'write paramwise_cfg=dict(bias_lr_mult=..., ...)')
        for key in cfg:
            if key not in PARAMWISE_KEYS:
                warnings.warn(f"optimizer.paramwise_cfg.{key}: MMCV 1.7.2's "
                              'DefaultOptimizerConstructor ignores this key, and so does compat; '
                              f'it reads only {", ".join(PARAMWISE_KEYS)}', UserWarning)
        for key in MULT_KEYS:
            if key in cfg:
                self._check_number(cfg[key], key)
        if 'custom_keys' in cfg:
            self._validate_custom_keys(cfg['custom_keys'])
        for key in DECAY_MULT_KEYS:
            if key in cfg and self.base_wd is None:
                raise paramwise_error(key, f'{key} scales the weight decay, but the optimizer '
                                      'has no weight_decay (MMCV: base_wd should not be None)',
                                      f'set optimizer.weight_decay or remove {key}')

    def _validate_custom_keys(self, custom_keys: Any) -> None:
        if not isinstance(custom_keys, dict):
            raise paramwise_error('custom_keys', f'custom_keys must be a dict, got '
                                  f'{type(custom_keys).__name__}',
                                  "write custom_keys={'backbone': dict(lr_mult=0.1)}")
        for name, opts in custom_keys.items():
            where = f'custom_keys.{name}'
            if not isinstance(opts, dict):
                raise paramwise_error(where, f'each custom key maps to a dict, got '
                                      f'{type(opts).__name__}',
                                      f"write custom_keys={{'{name}': dict(lr_mult=..., "
                                      'decay_mult=...)}')
            for opt in opts:
                if opt not in CUSTOM_KEY_MULTS:
                    warnings.warn(f'optimizer.paramwise_cfg.{where}.{opt}: MMCV 1.7.2 reads only '
                                  'lr_mult and decay_mult from a custom key and ignores this '
                                  'entry, and so does compat', UserWarning)
                else:
                    self._check_number(opts[opt], f'{where}.{opt}')
            if 'decay_mult' in opts and self.base_wd is None:
                raise paramwise_error(f'{where}.decay_mult', 'decay_mult scales the weight '
                                      'decay, but the optimizer has no weight_decay (MMCV: '
                                      'base_wd should not be None)',
                                      'set optimizer.weight_decay or remove decay_mult')

    @staticmethod
    def _check_number(value: Any, key: str) -> None:
        if not isinstance(value, numbers.Real):
            raise paramwise_error(key, f'a multiplier must be a number, got {value!r}',
                                  f'write {key.rsplit(".", 1)[-1]} as a number, e.g. 0.1')

    def _lr(self, mult: float) -> float:
        # MMCV computes base_lr * mult only where a rule touches the lr; without an lr that is
        # a TypeError in MMCV, at exactly these points
        if self.base_lr is None:
            raise BuildError('paramwise_cfg scales the learning rate, but the optimizer has '
                             'no lr', key='optimizer.lr', fix='set optimizer.lr')
        return self.base_lr * mult

    # -- grouping -----------------------------------------------------------------------------
    def _is_in(self, param_group: Dict, param_group_list: List[Dict]) -> bool:
        """Whether a parameter of ``param_group`` is already in one of ``param_group_list``."""
        seen = {id(p) for group in param_group_list for p in group['params']}
        return any(id(p) in seen for p in param_group['params'])

    def add_params(self, params: List[Dict], module: nn.Module, prefix: str = '',
                   is_dcn_module: Optional[bool] = None) -> None:
        """Append a group per parameter of ``module`` and its children to ``params``.

        ``is_dcn_module`` tells whether ``module``'s parent is a deformable conv.
        """
        cfg = self.paramwise_cfg
        custom_keys = cfg.get('custom_keys', {})
        # alphabetical first, then a stable sort by length: ties keep alphabetical order
        sorted_keys = sorted(sorted(custom_keys.keys()), key=len, reverse=True)
        bypass_duplicate = cfg.get('bypass_duplicate', False)
        is_norm = isinstance(module, NORM_TYPES)
        is_dwconv = isinstance(module, nn.Conv2d) and module.in_channels == module.groups

        for name, param in module.named_parameters(recurse=False):
            group: Dict[str, Any] = {'params': [param]}
            if not param.requires_grad:
                params.append(group)
                continue
            if bypass_duplicate and self._is_in(group, params):
                warnings.warn(f'{prefix} is duplicate. It is skipped since '
                              f'bypass_duplicate={bypass_duplicate}')
                continue
            # MMCV joins even an empty prefix: a top-level parameter is matched as '.<name>'
            key = next((k for k in sorted_keys if k in f'{prefix}.{name}'), None)
            if key is not None:
                self._apply_custom_key(group, custom_keys[key])
            else:
                self._apply_rules(group, name, module, prefix, is_norm, is_dwconv,
                                  bool(is_dcn_module))
            params.append(group)

        child_dcn = is_dcn(module)
        for child_name, child in module.named_children():
            child_prefix = f'{prefix}.{child_name}' if prefix else child_name
            self.add_params(params, child, prefix=child_prefix, is_dcn_module=child_dcn)

    def _apply_custom_key(self, group: Dict, opts: Dict) -> None:
        group['lr'] = self._lr(opts.get('lr_mult', 1.))
        if self.base_wd is not None:
            group['weight_decay'] = self.base_wd * opts.get('decay_mult', 1.)

    def _apply_rules(self, group: Dict, name: str, module: nn.Module, prefix: str,
                     is_norm: bool, is_dwconv: bool, is_dcn_module: bool) -> None:
        cfg = self.paramwise_cfg
        if name == 'bias' and not (is_norm or is_dcn_module):
            group['lr'] = self._lr(cfg.get('bias_lr_mult', 1.))
        if 'conv_offset' in prefix and is_dcn_module and isinstance(module, nn.Conv2d):
            group['lr'] = self._lr(cfg.get('dcn_offset_lr_mult', 1.))
        if self.base_wd is None:
            return
        if is_norm:
            group['weight_decay'] = self.base_wd * cfg.get('norm_decay_mult', 1.)
        elif is_dwconv:
            group['weight_decay'] = self.base_wd * cfg.get('dwconv_decay_mult', 1.)
        elif name == 'bias' and not is_dcn_module:
            group['weight_decay'] = self.base_wd * cfg.get('bias_decay_mult', 1.)

    # -- building -----------------------------------------------------------------------------
    def __call__(self, model: nn.Module) -> torch.optim.Optimizer:
        """Build the optimizer over ``model``'s parameters (a wrapper's ``module`` is used)."""
        if hasattr(model, 'module'):
            model = model.module
        optimizer_cfg = dict(self.optimizer_cfg)
        if not self.paramwise_cfg:
            optimizer_cfg['params'] = model.parameters()
        else:
            params: List[Dict] = []
            self.add_params(params, model)
            self._check_duplicates(params, model)
            optimizer_cfg['params'] = params
        opt_type = optimizer_cfg.get('type')
        if isinstance(opt_type, str) and opt_type not in OPTIMIZERS:
            try:
                OPTIMIZERS.get(opt_type)
            except BuildError as e:
                raise e.with_context(key='optimizer.type') from None
        return build_in(OPTIMIZERS, optimizer_cfg, 'optimizer')

    @staticmethod
    def _check_duplicates(params: List[Dict], model: nn.Module) -> None:
        # torch refuses them too ('some parameters appear in more than one parameter group'),
        # without saying which parameter or what to do
        names = {id(p): n for n, p in model.named_parameters()}
        seen = set()
        for group in params:
            for p in group['params']:
                if id(p) in seen:
                    raise paramwise_error(
                        'bypass_duplicate', f"parameter '{names.get(id(p), '?')}' is shared by "
                        'several modules and would be in two param groups',
                        'set paramwise_cfg.bypass_duplicate=True to keep its first occurrence')
                seen.add(id(p))
