"""Per-module fill functions behind the initialisers (MMEngine 0.10.7's ``*_init`` helpers).

Each fills ``module.weight`` (when the module has one that is not None) with one call into
``torch.nn.init`` and then ``module.bias`` with a constant, in that order, so with the same seed
the RNG is consumed exactly as MMEngine consumes it.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import torch
import torch.nn as nn
from torch import Tensor

DISTRIBUTIONS = ('uniform', 'normal')


def _weight(module: nn.Module):
    return getattr(module, 'weight', None)


def _fill_bias(module: nn.Module, bias: float) -> None:
    if getattr(module, 'bias', None) is not None:
        nn.init.constant_(module.bias, bias)


def _check_distribution(distribution: str) -> None:
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be 'uniform' or 'normal', got {distribution!r}")


def constant_init(module: nn.Module, val: float, bias: float = 0) -> None:
    if _weight(module) is not None:
        nn.init.constant_(module.weight, val)
    _fill_bias(module, bias)


def xavier_init(module: nn.Module, gain: float = 1, bias: float = 0,
                distribution: str = 'normal') -> None:
    _check_distribution(distribution)
    if _weight(module) is not None:
        fill = nn.init.xavier_uniform_ if distribution == 'uniform' else nn.init.xavier_normal_
        fill(module.weight, gain=gain)
    _fill_bias(module, bias)


def normal_init(module: nn.Module, mean: float = 0, std: float = 1, bias: float = 0) -> None:
    if _weight(module) is not None:
        nn.init.normal_(module.weight, mean, std)
    _fill_bias(module, bias)


def trunc_normal_init(module: nn.Module, mean: float = 0, std: float = 1, a: float = -2,
                      b: float = 2, bias: float = 0) -> None:
    if _weight(module) is not None:
        trunc_normal_(module.weight, mean, std, a, b)
    _fill_bias(module, bias)


def uniform_init(module: nn.Module, a: float = 0, b: float = 1, bias: float = 0) -> None:
    if _weight(module) is not None:
        nn.init.uniform_(module.weight, a, b)
    _fill_bias(module, bias)


def kaiming_init(module: nn.Module, a: float = 0, mode: str = 'fan_out',
                 nonlinearity: str = 'relu', bias: float = 0,
                 distribution: str = 'normal') -> None:
    _check_distribution(distribution)
    if _weight(module) is not None:
        fill = nn.init.kaiming_uniform_ if distribution == 'uniform' else nn.init.kaiming_normal_
        fill(module.weight, a=a, mode=mode, nonlinearity=nonlinearity)
    _fill_bias(module, bias)


def caffe2_xavier_init(module: nn.Module, bias: float = 0) -> None:
    # Caffe2's XavierFill is torch's kaiming_uniform_ with these arguments
    kaiming_init(module, a=1, mode='fan_in', nonlinearity='leaky_relu', bias=bias,
                 distribution='uniform')


def bias_init_with_prob(prior_prob: float) -> float:
    """The bias whose sigmoid is ``prior_prob`` (classifier heads trained with focal loss).

    >>> round(bias_init_with_prob(0.01), 4)
    -4.5951
    """
    return float(-np.log((1 - prior_prob) / prior_prob))


def trunc_normal_(tensor: Tensor, mean: float = 0., std: float = 1., a: float = -2.,
                  b: float = 2.) -> Tensor:
    """Fill ``tensor`` from N(mean, std^2) cut to [a, b], by MMEngine's inverse-CDF method.

    One ``uniform_`` draw between the CDF values of the bounds, then ``erfinv_``: this draws
    differently from ``torch.nn.init.trunc_normal_`` of recent torch versions, so configs
    recorded on MMEngine keep their numbers.
    """
    def norm_cdf(x: float) -> float:
        return (1. + math.erf(x / math.sqrt(2.))) / 2.

    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. '
                      'The distribution of values may be incorrect.', stacklevel=2)
    lower = norm_cdf((a - mean) / std)
    upper = norm_cdf((b - mean) / std)
    with torch.no_grad():
        tensor.uniform_(2 * lower - 1, 2 * upper - 1)
        tensor.erfinv_()
        tensor.mul_(std * math.sqrt(2.))
        tensor.add_(mean)
        tensor.clamp_(min=a, max=b)
    return tensor

