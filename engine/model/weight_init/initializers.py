"""The initialisers ``init_cfg`` names (MMEngine 0.10.7's ``Constant`` ... ``Caffe2Xavier``).

An initialiser visits the module tree with ``module.apply`` (children before their parent) and
fills each module whose class name, or the name of one of its *direct* base classes, is in
``layer``; with ``wholemodule`` (set for an ``override``) it fills every module it visits.
Afterwards it records, for each parameter whose mean changed, its own description in the
shared ``_params_init_info`` table that :class:`~engine.model.BaseModule` logs.
"""
from __future__ import annotations

from typing import List, Optional, Union

import torch.nn as nn

from engine.model.weight_init.errors import InitCfgAssertionError, InitCfgTypeError
from engine.model.weight_init.functions import (DISTRIBUTIONS, bias_init_with_prob,
                                                constant_init, kaiming_init, normal_init,
                                                trunc_normal_init, uniform_init, xavier_init)
from engine.model.weight_init.init_info import update_init_info
from engine.registry import WEIGHT_INITIALIZERS


def _bases_names(m: nn.Module) -> List[str]:
    # direct bases only: a grandchild class of Conv2d does not match layer='Conv2d' in MMEngine
    return [b.__name__ for b in type(m).__bases__]


def _check_distribution(distribution: str) -> None:
    if distribution not in DISTRIBUTIONS:
        raise InitCfgAssertionError(f"distribution must be 'uniform' or 'normal', got "
                                    f'{distribution!r}', key='init_cfg.distribution',
                                    fix="use distribution='normal' or distribution='uniform'")


class BaseInit:
    """``bias`` / ``bias_prob`` / ``layer`` and the tree walk shared by the initialisers.

    Args:
        bias: the value biases are filled with.
        bias_prob: if given, the bias is ``bias_init_with_prob(bias_prob)`` instead.
        layer: class names (or names of direct base classes) of the modules to fill.
    """

    def __init__(self, *, bias: Union[int, float] = 0, bias_prob: Optional[float] = None,
                 layer: Union[str, List[str], None] = None):
        self.wholemodule = False
        if not isinstance(bias, (int, float)):
            raise InitCfgTypeError(f'bias must be a number, got {type(bias).__name__}',
                                   key='init_cfg.bias', fix='write bias=<int or float>')
        if bias_prob is not None and not isinstance(bias_prob, float):
            raise InitCfgTypeError(f'bias_prob must be a float, got {type(bias_prob).__name__}',
                                   key='init_cfg.bias_prob',
                                   fix='write bias_prob as a float in (0, 1), e.g. 0.01')
        if layer is not None and not isinstance(layer, (str, list)):
            raise InitCfgTypeError(f'layer must be a str or a list of str, got '
                                   f'{type(layer).__name__}', key='init_cfg.layer',
                                   fix="write layer='Conv2d' or layer=['Conv2d', 'Linear']")
        self.bias = bias_init_with_prob(bias_prob) if bias_prob is not None else bias
        self.layer = [] if layer is None else [layer] if isinstance(layer, str) else layer

    def fill(self, m: nn.Module) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _selected(self, m: nn.Module) -> bool:
        return self.wholemodule or bool(set(self.layer) & {type(m).__name__, *_bases_names(m)})

    def __call__(self, module: nn.Module) -> None:
        module.apply(lambda m: self.fill(m) if self._selected(m) else None)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}, bias={self.bias}'


@WEIGHT_INITIALIZERS.register_module(name='Constant')
class ConstantInit(BaseInit):
    """Weights filled with ``val``, biases with ``bias``."""

    def __init__(self, val: Union[int, float], **kwargs):
        super().__init__(**kwargs)
        self.val = val

    def fill(self, m: nn.Module) -> None:
        constant_init(m, self.val, self.bias)

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}: val={self.val}, bias={self.bias}'


@WEIGHT_INITIALIZERS.register_module(name='Xavier')
class XavierInit(BaseInit):
    """Glorot initialisation, ``distribution`` ``'normal'`` (default) or ``'uniform'``."""

    def __init__(self, gain: float = 1, distribution: str = 'normal', **kwargs):
        super().__init__(**kwargs)
        _check_distribution(distribution)
        self.gain = gain
        self.distribution = distribution

    def fill(self, m: nn.Module) -> None:
        xavier_init(m, self.gain, self.bias, self.distribution)

    def _get_init_info(self) -> str:
        return (f'{type(self).__name__}: gain={self.gain}, '
                f'distribution={self.distribution}, bias={self.bias}')


@WEIGHT_INITIALIZERS.register_module(name='Normal')
class NormalInit(BaseInit):
    """Weights drawn from N(mean, std^2)."""

    def __init__(self, mean: float = 0, std: float = 1, **kwargs):
        super().__init__(**kwargs)
        self.mean = mean
        self.std = std

    def fill(self, m: nn.Module) -> None:
        normal_init(m, self.mean, self.std, self.bias)

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}: mean={self.mean}, std={self.std}, bias={self.bias}'


@WEIGHT_INITIALIZERS.register_module(name='TruncNormal')
class TruncNormalInit(BaseInit):
    """Weights drawn from N(mean, std^2) cut to [a, b]."""

    def __init__(self, mean: float = 0, std: float = 1, a: float = -2, b: float = 2, **kwargs):
        super().__init__(**kwargs)
        self.mean = mean
        self.std = std
        self.a = a
        self.b = b

    def fill(self, m: nn.Module) -> None:
        trunc_normal_init(m, self.mean, self.std, self.a, self.b, self.bias)

    def _get_init_info(self) -> str:
        return (f'{type(self).__name__}: a={self.a}, b={self.b}, mean={self.mean}, '
                f'std={self.std}, bias={self.bias}')


@WEIGHT_INITIALIZERS.register_module(name='Uniform')
class UniformInit(BaseInit):
    """Weights drawn from U(a, b)."""

    def __init__(self, a: float = 0, b: float = 1, **kwargs):
        super().__init__(**kwargs)
        self.a = a
        self.b = b

    def fill(self, m: nn.Module) -> None:
        uniform_init(m, self.a, self.b, self.bias)

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}: a={self.a}, b={self.b}, bias={self.bias}'


@WEIGHT_INITIALIZERS.register_module(name='Kaiming')
class KaimingInit(BaseInit):
    """He initialisation (``mode`` ``'fan_out'`` by default, ``distribution`` normal/uniform)."""

    def __init__(self, a: float = 0, mode: str = 'fan_out', nonlinearity: str = 'relu',
                 distribution: str = 'normal', **kwargs):
        super().__init__(**kwargs)
        _check_distribution(distribution)
        self.a = a
        self.mode = mode
        self.nonlinearity = nonlinearity
        self.distribution = distribution

    def fill(self, m: nn.Module) -> None:
        kaiming_init(m, self.a, self.mode, self.nonlinearity, self.bias, self.distribution)

    def _get_init_info(self) -> str:
        # 'distribution =' with its space is the text MMEngine logs
        return (f'{type(self).__name__}: a={self.a}, mode={self.mode}, '
                f'nonlinearity={self.nonlinearity}, '
                f'distribution ={self.distribution}, bias={self.bias}')


@WEIGHT_INITIALIZERS.register_module(name='Caffe2Xavier')
class Caffe2XavierInit(KaimingInit):
    """Caffe2's XavierFill: :class:`KaimingInit` with a=1, fan_in, leaky_relu, uniform."""

    def __init__(self, **kwargs):
        super().__init__(a=1, mode='fan_in', nonlinearity='leaky_relu',
                         distribution='uniform', **kwargs)
