"""``DefaultOptimWrapperConstructor``: model + config -> OptimWrapper, with MMEngine's
``paramwise_cfg`` rules (see reference/mmcv1-to-mmengine-keys.md B.2 for how they differ from
MMCV 1.x).

Per parameter, in this order (as MMEngine 0.10.7):
1. with ``bypass_duplicate``, a parameter already in an earlier group is skipped;
2. ``requires_grad=False`` parameters are skipped (MMCV added them);
3. the longest ``custom_keys`` key contained in ``'<module prefix>.<name>'`` (ties: alphabetical)
   sets ``lr = base_lr * lr_mult``, ``weight_decay = base_wd * decay_mult`` and copies every key
   of its dict into the group; no other rule applies then;
4. otherwise ``bias_lr_mult`` (bias outside norm and DCN modules), ``dcn_offset_lr_mult``
   (``conv_offset`` convs under a DCN module), and the first weight-decay rule that matches of
   norm -> bias -> depth-wise conv -> 1-D (``flat``).
Without a ``paramwise_cfg`` the optimizer simply gets ``model.parameters()``.
"""
from __future__ import annotations

import inspect
import logging
from typing import List, Optional

import torch.nn as nn

from engine.errors import BuildError
from engine.optim.optim_wrapper import OptimWrapper
from engine.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS, OPTIMIZERS

logger = logging.getLogger(__name__)

NORM_TYPES = (nn.modules.batchnorm._BatchNorm, nn.modules.instancenorm._InstanceNorm,
              nn.GroupNorm, nn.LayerNorm)
# mmcv's deformable convs, recognised by name so mmcv need not be installed
DCN_CLASS_NAMES = frozenset({'DeformConv2d', 'ModulatedDeformConv2d', 'DeformConv2dPack',
                             'ModulatedDeformConv2dPack'})
PARAMWISE_KEYS = frozenset({'custom_keys', 'bias_lr_mult', 'bias_decay_mult', 'norm_decay_mult',
                            'dwconv_decay_mult', 'flat_decay_mult', 'bypass_duplicate',
                            'dcn_offset_lr_mult'})
_WD_MULTS = ('bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult')


def is_dcn(module: nn.Module) -> bool:
    """True for mmcv's DeformConv2d family (any subclass of a class with one of those names)."""
    return any(cls.__name__ in DCN_CLASS_NAMES for cls in type(module).__mro__)


def _err(key: str, message: str, fix: str) -> BuildError:
    return BuildError(message, key=f'optim_wrapper.paramwise_cfg.{key}', fix=fix)


def prefixed(err: BuildError, prefix: str) -> BuildError:
    """``err`` with its key under ``prefix`` (``optim_wrapper...`` keys are re-rooted there)."""
    key = err.key or ''
    if key == 'optim_wrapper' or key.startswith('optim_wrapper.'):
        key = key[len('optim_wrapper'):].lstrip('.')
    new = BuildError(err.message, file=err.file, key=f'{prefix}.{key}' if key else prefix,
                     fix=err.fix)
    return new


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class DefaultOptimWrapperConstructor:
    """Build an :class:`OptimWrapper` for a model, with optional per-parameter settings.

    Args:
        optim_wrapper_cfg: ``dict(type='OptimWrapper', optimizer=dict(type='SGD', ...), ...)``;
            every key but ``optimizer`` goes to the wrapper.
        paramwise_cfg: per-parameter options (module docstring); ``None`` or ``{}`` for none.
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None):
        if not isinstance(optim_wrapper_cfg, dict):
            raise BuildError('optim_wrapper must be a dict, got '
                             f'{type(optim_wrapper_cfg).__name__}',
                             key='optim_wrapper')
        if 'optimizer' not in optim_wrapper_cfg:
            raise BuildError('optim_wrapper has no "optimizer"', key='optim_wrapper.optimizer',
                             fix="add optimizer=dict(type='SGD', lr=...)")
        self.optim_wrapper_cfg = dict(optim_wrapper_cfg)
        self.optimizer_cfg = self.optim_wrapper_cfg.pop('optimizer')
        if not isinstance(self.optimizer_cfg, dict):
            raise BuildError('optimizer must be a config dict here', key='optim_wrapper.optimizer')
        self.paramwise_cfg = {} if paramwise_cfg is None else paramwise_cfg
        self.base_lr = self.optimizer_cfg.get('lr', None)
        self.base_wd = self.optimizer_cfg.get('weight_decay', None)
        self._validate_cfg()

    def _validate_cfg(self) -> None:
        cfg = self.paramwise_cfg
        if not isinstance(cfg, dict):
            raise BuildError(f'paramwise_cfg must be a dict, got {type(cfg).__name__}',
                             key='optim_wrapper.paramwise_cfg')
        custom_keys = cfg.get('custom_keys', {})
        if not isinstance(custom_keys, dict):
            raise _err('custom_keys',
                       f'custom_keys must be a dict, got {type(custom_keys).__name__}',
                       "write custom_keys={'backbone': dict(lr_mult=0.1)}")
        for key, opts in custom_keys.items():
            if not isinstance(opts, dict):
                raise _err(f'custom_keys.{key}', f'custom_keys[{key!r}] must be a dict',
                           'write e.g. dict(lr_mult=0.1, decay_mult=0.)')
            if 'decay_mult' in opts and self.base_wd is None:
                raise _err(f'custom_keys.{key}.decay_mult',
                           'decay_mult needs a weight_decay in the optimizer config',
                           'set optim_wrapper.optimizer.weight_decay or drop decay_mult')
            if 'lr_mult' in opts and self.base_lr is None:
                raise _err(f'custom_keys.{key}.lr_mult',
                           'lr_mult needs an lr in the optimizer config',
                           'set optim_wrapper.optimizer.lr')
        for key in _WD_MULTS:
            if key in cfg and self.base_wd is None:
                raise _err(key, f'{key} needs a weight_decay in the optimizer config',
                           f'set optim_wrapper.optimizer.weight_decay or drop {key}')

    # -- param groups ---------------------------------------------------------------------------
    def add_params(self, params: List[dict], module: nn.Module, prefix: str = '',
                   is_dcn_module: bool = False) -> None:
        """Append one group per parameter of ``module`` (recursively) to ``params``.

        ``is_dcn_module`` tells whether ``module``'s parent is a deformable conv.
        """
        cfg = self.paramwise_cfg
        custom_keys = cfg.get('custom_keys', {})
        # longest key first; equal lengths in alphabetical order (sorted() is stable)
        sorted_keys = sorted(sorted(custom_keys), key=len, reverse=True)
        bypass_duplicate = cfg.get('bypass_duplicate', False)
        is_norm = isinstance(module, NORM_TYPES)
        is_dwconv = isinstance(module, nn.Conv2d) and module.in_channels == module.groups

        for name, param in module.named_parameters(recurse=False):
            full_name = f'{prefix}.{name}' if prefix else name
            if bypass_duplicate and any(param is p for g in params for p in g['params']):
                logger.warning('%s is a duplicate and is skipped (bypass_duplicate=True)',
                               full_name)
                continue
            if not param.requires_grad:
                logger.info('%s is skipped: requires_grad=False', full_name)
                continue
            group = {'params': [param]}
            # MMEngine matches against '<prefix>.<name>', so top-level names start with '.'
            key = next((k for k in sorted_keys if k in f'{prefix}.{name}'), None)
            if key is not None:
                self._apply_custom(group, custom_keys[key])
            else:
                self._apply_rules(group, name, param, module, prefix, is_norm, is_dwconv,
                                  is_dcn_module)
            params.append(group)
            for k, v in group.items():
                if k != 'params':
                    logger.debug('paramwise_options -- %s:%s=%s', full_name, k, v)

        child_dcn = is_dcn(module)
        for child_name, child in module.named_children():
            child_prefix = f'{prefix}.{child_name}' if prefix else child_name
            self.add_params(params, child, prefix=child_prefix, is_dcn_module=child_dcn)

    def _apply_custom(self, group: dict, opts: dict) -> None:
        group['lr'] = self.base_lr * opts.get('lr_mult', 1.)
        if self.base_wd is not None:
            group['weight_decay'] = self.base_wd * opts.get('decay_mult', 1.)
        # every key rides along (lars_exclude, an explicit weight_decay, lr_mult itself, ...)
        group.update(opts)

    def _apply_rules(self, group: dict, name: str, param, module: nn.Module, prefix: str,
                     is_norm: bool, is_dwconv: bool, is_dcn_module: bool) -> None:
        cfg = self.paramwise_cfg
        bias_lr_mult = cfg.get('bias_lr_mult')
        dcn_offset_lr_mult = cfg.get('dcn_offset_lr_mult')
        if name == 'bias' and not (is_norm or is_dcn_module) and bias_lr_mult is not None:
            group['lr'] = self.base_lr * bias_lr_mult
        if ('conv_offset' in prefix and is_dcn_module and dcn_offset_lr_mult is not None
                and isinstance(module, nn.Conv2d)):
            group['lr'] = self.base_lr * dcn_offset_lr_mult
        if self.base_wd is None:
            return
        norm_mult, bias_mult = cfg.get('norm_decay_mult'), cfg.get('bias_decay_mult')
        dw_mult, flat_mult = cfg.get('dwconv_decay_mult'), cfg.get('flat_decay_mult')
        if is_norm and norm_mult is not None:
            group['weight_decay'] = self.base_wd * norm_mult
        elif name == 'bias' and not is_dcn_module and bias_mult is not None:
            group['weight_decay'] = self.base_wd * bias_mult
        elif is_dwconv and dw_mult is not None:
            group['weight_decay'] = self.base_wd * dw_mult
        elif param.ndim == 1 and not is_dcn_module and flat_mult is not None:
            group['weight_decay'] = self.base_wd * flat_mult

    # -- building -------------------------------------------------------------------------------
    def _optimizer_class(self):
        opt_type = self.optimizer_cfg.get('type')
        if opt_type is None:
            raise BuildError('optimizer config needs a "type"', key='optim_wrapper.optimizer.type',
                             fix="add type='SGD' (or another registered optimizer)")
        if isinstance(opt_type, str):
            try:
                return OPTIMIZERS.get(opt_type)
            except BuildError as e:
                raise prefixed(e, 'optim_wrapper.optimizer.type') from None
        return opt_type

    def build_param_groups(self, model: nn.Module):
        """The ``params`` argument for the optimizer: groups, or all parameters if no rules."""
        if not self.paramwise_cfg:
            return model.parameters()
        params: List[dict] = []
        self.add_params(params, model)
        return params

    def __call__(self, model: nn.Module) -> OptimWrapper:
        """Build the optimizer over ``model``'s parameters and wrap it."""
        if hasattr(model, 'module'):  # DDP and other wrappers: name params as the inner model
            model = model.module
        optimizer_cls = self._optimizer_class()
        params = self.build_param_groups(model)
        if isinstance(params, list):
            self._check_duplicates(params)
        optimizer_cfg = dict(self.optimizer_cfg)
        # the first constructor argument receives the params, whatever its name
        first_arg = next(iter(inspect.signature(optimizer_cls).parameters))
        optimizer_cfg[first_arg] = params
        try:
            optimizer = OPTIMIZERS.build(optimizer_cfg)
        except BuildError as e:
            raise prefixed(e, 'optim_wrapper.optimizer') from None
        wrapper_cfg = dict(self.optim_wrapper_cfg)
        wrapper_cfg.setdefault('type', 'OptimWrapper')
        try:
            return OPTIM_WRAPPERS.build(wrapper_cfg, default_args=dict(optimizer=optimizer))
        except BuildError as e:
            raise prefixed(e, 'optim_wrapper') from None

    @staticmethod
    def _check_duplicates(params: List[dict]) -> None:
        # torch's own error ('some parameters appear in more than one parameter group') says
        # neither which parameter nor what to do about it
        seen = set()
        for group in params:
            for p in group['params']:
                if id(p) in seen:
                    raise _err('bypass_duplicate',
                               'a parameter is shared by several modules and would appear in '
                               'two param groups',
                               'set optim_wrapper.paramwise_cfg.bypass_duplicate=True')
                seen.add(id(p))
