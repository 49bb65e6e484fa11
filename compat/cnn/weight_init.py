"""MMCV 1.7.2's weight initialisers (``mmcv.cnn.utils.weight_init``), draw for draw.

The functions (``constant_init`` ... ``bias_init_with_prob``) and the ``INITIALIZERS`` classes
call the same ``torch.nn.init`` functions in the same order as MMCV, and visit modules with
``module.apply`` (children before their parent), so with the same seed they consume the RNG
exactly as MMCV does. A ``layer`` matches a module whose class name, or the name of one of its
*direct* base classes, is listed (MMCV's ``_get_bases_name``); ``override`` initialises a named
attribute as a whole. ``Pretrained`` loads local checkpoints only (see
:mod:`compat.checkpoint.checkpoint`).
"""
from __future__ import annotations

import copy
import logging
import math
import warnings
from typing import Callable, Dict, List, Optional, Union

import numpy as np
import torch
import torch.nn as nn
from torch import Tensor

from compat.checkpoint.checkpoint import (_load_checkpoint_with_prefix, load_checkpoint,
                                         load_state_dict)
from compat.utils.logging import print_log
from engine.registry import Registry, build_from_cfg

INITIALIZERS = Registry('initializer')
#: the logger MMCV's initialisers report to (``get_logger('mmcv')``)
LOGGER_NAME = 'mmcv'


def update_init_info(module: nn.Module, init_info: str) -> None:
    """Record ``init_info`` for every parameter of ``module`` whose mean changed since the last
    record (``module._params_init_info``, shared by the whole tree during ``init_weights``)."""
    if not hasattr(module, '_params_init_info'):
        raise AttributeError(f'Can not find `_params_init_info` in {module}')
    for name, param in module.named_parameters():
        if param not in module._params_init_info:
            raise RuntimeError(
                f'Find a new :obj:`Parameter` named `{name}` during executing the '
                f'`init_weights` of `{module.__class__.__name__}`. Please do not add or '
                'replace parameters during executing the `init_weights`. ')
        mean_value = param.data.mean()
        if module._params_init_info[param]['tmp_mean_value'] != mean_value:
            module._params_init_info[param]['init_info'] = init_info
            module._params_init_info[param]['tmp_mean_value'] = mean_value


def _init_bias(module: nn.Module, bias: float) -> None:
    if hasattr(module, 'bias') and module.bias is not None:
        nn.init.constant_(module.bias, bias)


def _has_weight(module: nn.Module) -> bool:
    return hasattr(module, 'weight') and module.weight is not None


def constant_init(module: nn.Module, val: float, bias: float = 0) -> None:
    if _has_weight(module):
        nn.init.constant_(module.weight, val)
    _init_bias(module, bias)


def xavier_init(module: nn.Module, gain: float = 1, bias: float = 0,
                distribution: str = 'normal') -> None:
    assert distribution in ['uniform', 'normal']
    if _has_weight(module):
        if distribution == 'uniform':
            nn.init.xavier_uniform_(module.weight, gain=gain)
        else:
            nn.init.xavier_normal_(module.weight, gain=gain)
    _init_bias(module, bias)


def normal_init(module: nn.Module, mean: float = 0, std: float = 1, bias: float = 0) -> None:
    if _has_weight(module):
        nn.init.normal_(module.weight, mean, std)
    _init_bias(module, bias)


def trunc_normal_init(module: nn.Module, mean: float = 0, std: float = 1, a: float = -2,
                      b: float = 2, bias: float = 0) -> None:
    if _has_weight(module):
        trunc_normal_(module.weight, mean, std, a, b)
    _init_bias(module, bias)


def uniform_init(module: nn.Module, a: float = 0, b: float = 1, bias: float = 0) -> None:
    if _has_weight(module):
        nn.init.uniform_(module.weight, a, b)
    _init_bias(module, bias)


def kaiming_init(module: nn.Module, a: float = 0, mode: str = 'fan_out',
                 nonlinearity: str = 'relu', bias: float = 0,
                 distribution: str = 'normal') -> None:
    assert distribution in ['uniform', 'normal']
    if _has_weight(module):
        if distribution == 'uniform':
            nn.init.kaiming_uniform_(module.weight, a=a, mode=mode, nonlinearity=nonlinearity)
        else:
            nn.init.kaiming_normal_(module.weight, a=a, mode=mode, nonlinearity=nonlinearity)
    _init_bias(module, bias)


def caffe2_xavier_init(module: nn.Module, bias: float = 0) -> None:
    # Caffe2's XavierFill is kaiming_uniform_ with these arguments
    kaiming_init(module, a=1, mode='fan_in', nonlinearity='leaky_relu', bias=bias,
                 distribution='uniform')


def bias_init_with_prob(prior_prob: float) -> float:
    """The bias whose sigmoid is ``prior_prob`` (focal-loss style classifier heads)."""
    return float(-np.log((1 - prior_prob) / prior_prob))


def trunc_normal_(tensor: Tensor, mean: float = 0., std: float = 1., a: float = -2.,
                  b: float = 2.) -> Tensor:
    """Fill ``tensor`` from N(mean, std^2) truncated to [a, b] by MMCV's inverse-CDF method
    (one ``uniform_`` draw, then ``erfinv_``), which draws differently from torch's own."""
    def norm_cdf(x: float) -> float:
        return (1. + math.erf(x / math.sqrt(2.))) / 2.

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. '
                      'The distribution of values may be incorrect.', stacklevel=2)
    with torch.no_grad():
        lower = norm_cdf((a - mean) / std)
        upper = norm_cdf((b - mean) / std)
        tensor.uniform_(2 * lower - 1, 2 * upper - 1)
        tensor.erfinv_()
        tensor.mul_(std * math.sqrt(2.))
        tensor.add_(mean)
        tensor.clamp_(min=a, max=b)
        return tensor


def _get_bases_name(m: nn.Module) -> List[str]:
    # direct bases only, as MMCV: a subclass of a subclass of Conv2d does not match 'Conv2d'
    return [b.__name__ for b in m.__class__.__bases__]


class BaseInit:
    """``bias``/``bias_prob``/``layer`` handling and the per-module walk shared by the
    initialisers; a subclass sets :meth:`_init_module` (its ``*_init`` function)."""

    def __init__(self, *, bias: float = 0, bias_prob: Optional[float] = None,
                 layer: Union[str, List, None] = None):
        self.wholemodule = False
        if not isinstance(bias, (int, float)):
            raise TypeError(f'bias must be a number, but got a {type(bias)}')
        if bias_prob is not None and not isinstance(bias_prob, float):
            raise TypeError(f'bias_prob type must be float, but got {type(bias_prob)}')
        if layer is not None and not isinstance(layer, (str, list)):
            raise TypeError(f'layer must be a str or a list of str, but got a {type(layer)}')
        layer = [] if layer is None else layer
        self.bias = bias_init_with_prob(bias_prob) if bias_prob is not None else bias
        self.layer = [layer] if isinstance(layer, str) else layer

    def _init_module(self, m: nn.Module) -> None:
        raise NotImplementedError(f'{type(self).__name__} must define _init_module')

    def _matches(self, m: nn.Module) -> bool:
        return bool(set(self.layer) & set([m.__class__.__name__] + _get_bases_name(m)))

    def __call__(self, module: nn.Module) -> None:
        def init(m: nn.Module) -> None:
            if self.wholemodule or self._matches(m):
                self._init_module(m)

        module.apply(init)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f'{self.__class__.__name__}, bias={self.bias}'


@INITIALIZERS.register_module(name='Constant')
class ConstantInit(BaseInit):
    """Fill weights with ``val`` and biases with ``bias``."""

    def __init__(self, val: Union[int, float], **kwargs):
        super().__init__(**kwargs)
        self.val = val

    def _init_module(self, m: nn.Module) -> None:
        constant_init(m, self.val, self.bias)

    def _get_init_info(self) -> str:
        return f'{self.__class__.__name__}: val={self.val}, bias={self.bias}'


@INITIALIZERS.register_module(name='Xavier')
class XavierInit(BaseInit):
    """Glorot initialisation (``distribution`` ``'normal'`` or ``'uniform'``)."""

    def __init__(self, gain: float = 1, distribution: str = 'normal', **kwargs):
        super().__init__(**kwargs)
        self.gain = gain
        self.distribution = distribution

    def _init_module(self, m: nn.Module) -> None:
        xavier_init(m, self.gain, self.bias, self.distribution)

    def _get_init_info(self) -> str:
        return (f'{self.__class__.__name__}: gain={self.gain}, '
                f'distribution={self.distribution}, bias={self.bias}')


@INITIALIZERS.register_module(name='Normal')
class NormalInit(BaseInit):
    """Weights from N(mean, std^2)."""

    def __init__(self, mean: float = 0, std: float = 1, **kwargs):
        super().__init__(**kwargs)
        self.mean = mean
        self.std = std

    def _init_module(self, m: nn.Module) -> None:
        normal_init(m, self.mean, self.std, self.bias)

    def _get_init_info(self) -> str:
        return f'{self.__class__.__name__}: mean={self.mean}, std={self.std}, bias={self.bias}'


@INITIALIZERS.register_module(name='TruncNormal')
class TruncNormalInit(BaseInit):
    """Weights from N(mean, std^2) truncated to [a, b] (:func:`trunc_normal_`)."""

    def __init__(self, mean: float = 0, std: float = 1, a: float = -2, b: float = 2,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.mean = mean
        self.std = std
        self.a = a
        self.b = b

    def _init_module(self, m: nn.Module) -> None:
        trunc_normal_init(m, self.mean, self.std, self.a, self.b, self.bias)

    def _get_init_info(self) -> str:
        return (f'{self.__class__.__name__}: a={self.a}, b={self.b}, mean={self.mean}, '
                f'std={self.std}, bias={self.bias}')


@INITIALIZERS.register_module(name='Uniform')
class UniformInit(BaseInit):
    """Weights from U(a, b)."""

    def __init__(self, a: float = 0., b: float = 1., **kwargs):
        super().__init__(**kwargs)
        self.a = a
        self.b = b

    def _init_module(self, m: nn.Module) -> None:
        uniform_init(m, self.a, self.b, self.bias)

    def _get_init_info(self) -> str:
        return f'{self.__class__.__name__}: a={self.a}, b={self.b}, bias={self.bias}'


@INITIALIZERS.register_module(name='Kaiming')
class KaimingInit(BaseInit):
    """He initialisation (``mode`` fan_in/fan_out, ``distribution`` normal/uniform)."""

    def __init__(self, a: float = 0, mode: str = 'fan_out', nonlinearity: str = 'relu',
                 distribution: str = 'normal', **kwargs):
        super().__init__(**kwargs)
        self.a = a
        self.mode = mode
        self.nonlinearity = nonlinearity
        self.distribution = distribution

    def _init_module(self, m: nn.Module) -> None:
        kaiming_init(m, self.a, self.mode, self.nonlinearity, self.bias, self.distribution)

    def _get_init_info(self) -> str:
        # 'distribution =' with its space is MMCV's text
        return (f'{self.__class__.__name__}: a={self.a}, mode={self.mode}, '
                f'nonlinearity={self.nonlinearity}, '
                f'distribution ={self.distribution}, bias={self.bias}')


@INITIALIZERS.register_module(name='Caffe2Xavier')
class Caffe2XavierInit(KaimingInit):
    """Caffe2's XavierFill: :class:`KaimingInit` with a=1, fan_in, leaky_relu, uniform."""

    def __init__(self, **kwargs):
        super().__init__(a=1, mode='fan_in', nonlinearity='leaky_relu',
                         distribution='uniform', **kwargs)


@INITIALIZERS.register_module(name='Pretrained')
class PretrainedInit:
    """Load weights from a local checkpoint; with ``prefix`` (``'backbone.'``) only the
    weights under it, prefix removed. Missing/unexpected keys are logged, never fatal."""

    def __init__(self, checkpoint: str, prefix: Optional[str] = None,
                 map_location: Optional[str] = None):
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.map_location = map_location

    def __call__(self, module: nn.Module) -> None:
        logger = logging.getLogger(LOGGER_NAME)
        if self.prefix is None:
            print_log(f'load model from: {self.checkpoint}', logger)
            load_checkpoint(module, self.checkpoint, map_location=self.map_location,
                            strict=False, logger=logger)
        else:
            print_log(f'load {self.prefix} in model from: {self.checkpoint}', logger)
            state_dict = _load_checkpoint_with_prefix(self.prefix, self.checkpoint,
                                                      map_location=self.map_location)
            load_state_dict(module, state_dict, strict=False, logger=logger)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f'{self.__class__.__name__}: load from {self.checkpoint}'


def _initialize(module: nn.Module, cfg: Dict, wholemodule: bool = False) -> None:
    func: Callable = build_from_cfg(cfg, INITIALIZERS)
    # an override has no `layer`: it initialises the whole named attribute
    func.wholemodule = wholemodule
    func(module)


def _initialize_override(module: nn.Module, override: Union[Dict, List], cfg: Dict) -> None:
    if not isinstance(override, (dict, list)):
        raise TypeError(f'override must be a dict or a list of dict, but got {type(override)}')
    override = [override] if isinstance(override, dict) else override
    for override_ in override:
        cp_override = copy.deepcopy(override_)
        name = cp_override.pop('name', None)
        if name is None:
            raise ValueError(f'`override` must contain the key "name", but got {cp_override}')
        if not cp_override:
            # only a name: the outer init_cfg's arguments apply to that attribute
            cp_override.update(cfg)
        elif 'type' not in cp_override:
            raise ValueError(f'`override` need "type" key, but got {cp_override}')
        if not hasattr(module, name):
            raise RuntimeError(f'module did not have attribute {name}, '
                               f'but init_cfg is {cp_override}.')
        _initialize(getattr(module, name), cp_override, wholemodule=True)


def initialize(module: nn.Module, init_cfg: Union[Dict, List[dict]]) -> None:
    """Initialise ``module`` by ``init_cfg`` (a dict or a list of dicts, applied in order;
    each may carry ``override``, applied after it)."""
    if not isinstance(init_cfg, (dict, list)):
        raise TypeError(f'init_cfg must be a dict or a list of dict, but got {type(init_cfg)}')
    for cfg in [init_cfg] if isinstance(init_cfg, dict) else init_cfg:
        # a copy: one init_cfg may be shared by several modules (e.g. bottleneck blocks)
        cp_cfg = copy.deepcopy(cfg)
        override = cp_cfg.pop('override', None)
        _initialize(module, cp_cfg)
        if override is not None:
            cp_cfg.pop('layer', None)
            _initialize_override(module, override, cp_cfg)
