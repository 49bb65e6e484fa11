"""The toy model, paramwise_cfg cases and error cases shared by the legacy optimizer-builder
golden recorder (run with the real MMCV 1.7.2) and our tests (torch only: imports neither MMCV
nor our code).

The model holds every kind of parameter MMCV's ``DefaultOptimizerConstructor.add_params`` tells
apart: a conv with ``in_channels == groups == 1`` (MMCV counts it as depth-wise), a depth-wise
conv, BatchNorm, GroupNorm, LayerNorm, biases, an embedding, a top-level parameter (its name is
matched as ``'.cls_token'``: MMCV joins an empty prefix with a dot), a frozen conv, and a
deformable conv with its ``conv_offset`` (and a ``conv_offset`` outside one) (mmcv.ops' ``DeformConv2dPack``/
``ModulatedDeformConv2dPack`` layout, stood in for by same-named torch modules because the oracle
has no compiled ops; the recorder hands them to MMCV as ``mmcv.ops``).
"""
from __future__ import annotations

import torch
import torch.nn as nn


class DeformConv2d(nn.Module):
    """Stands for mmcv.ops.DeformConv2d: a weight and no bias (mmcv asserts ``bias=False``)."""

    def __init__(self, channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels, channels, 3, 3))


class DeformConv2dPack(DeformConv2d):
    """mmcv.ops.DeformConv2dPack: the offsets come from a plain ``conv_offset`` conv."""

    def __init__(self, channels: int):
        super().__init__(channels)
        self.conv_offset = nn.Conv2d(channels, 18, 3, padding=1)


class ModulatedDeformConv2d(nn.Module):
    """Stands for mmcv.ops.ModulatedDeformConv2d: a weight and a bias."""

    def __init__(self, channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels, channels, 3, 3))
        self.bias = nn.Parameter(torch.zeros(channels))


class ModulatedDeformConv2dPack(ModulatedDeformConv2d):
    """mmcv.ops.ModulatedDeformConv2dPack: offsets and masks from ``conv_offset``."""

    def __init__(self, channels: int):
        super().__init__(channels)
        self.conv_offset = nn.Conv2d(channels, 27, 3, padding=1)


class ToyNet(nn.Module):
    def __init__(self, shared: bool = False):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 4))
        self.backbone = nn.Sequential()
        self.backbone.add_module('conv', nn.Conv2d(1, 4, 3))          # in_channels == groups
        self.backbone.add_module('bn', nn.BatchNorm2d(4))
        self.backbone.add_module('dw', nn.Conv2d(4, 4, 3, groups=4))
        self.backbone.add_module('gn', nn.GroupNorm(2, 4))
        self.backbone.add_module('dcn', DeformConv2dPack(4))
        self.backbone.add_module('mdcn', ModulatedDeformConv2dPack(4))
        self.neck = nn.Sequential()
        self.neck.add_module('conv1x1', nn.Conv2d(4, 4, 1))
        self.neck.add_module('ln', nn.LayerNorm(4))
        # named like a DCN offset conv but under no deformable conv: no dcn_offset_lr_mult
        self.neck.add_module('conv_offset', nn.Conv2d(4, 4, 1))
        self.embed = nn.Embedding(10, 4)
        self.head = nn.Linear(4, 2)
        self.frozen = nn.Conv2d(4, 4, 1)
        for p in self.frozen.parameters():
            p.requires_grad = False
        if shared:
            # a tied weight (as language heads tie embeddings) and a module reached twice
            self.tied = nn.Linear(4, 10, bias=False)
            self.tied.weight = self.embed.weight
            self.aux_head = self.head


class Wrapped(nn.Module):
    """A model wrapper (MMDataParallel-like): the constructor names parameters as the inner model."""

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module


def make_model(spec: dict) -> nn.Module:
    torch.manual_seed(0)
    model = ToyNet(shared=spec.get('shared', False))
    return Wrapped(model) if spec.get('wrapped') else model


def param_names(model: nn.Module) -> dict:
    """id(param) -> its first name in the unwrapped model (shared params keep the first)."""
    inner = model.module if hasattr(model, 'module') else model
    return {id(p): n for n, p in inner.named_parameters()}


SGD = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)

#: name -> (model spec, optimizer cfg); every variant MMCV's paramwise_cfg knows
CASES = {
    'no_paramwise': ({}, dict(SGD)),
    'empty_paramwise': ({}, dict(SGD, paramwise_cfg={})),
    'bias_mults': ({}, dict(SGD, paramwise_cfg=dict(bias_lr_mult=2., bias_decay_mult=0.))),
    'norm_decay': ({}, dict(SGD, paramwise_cfg=dict(norm_decay_mult=0.))),
    'dwconv_decay': ({}, dict(SGD, paramwise_cfg=dict(dwconv_decay_mult=0.5))),
    'dcn_offset': ({}, dict(SGD, paramwise_cfg=dict(dcn_offset_lr_mult=0.1, bias_lr_mult=2.))),
    'all_mults': ({}, dict(SGD, paramwise_cfg=dict(
        bias_lr_mult=2., bias_decay_mult=0.5, norm_decay_mult=0., dwconv_decay_mult=0.25,
        dcn_offset_lr_mult=0.1))),
    # overlapping keys: the longest contained key wins; 'conv' beats 'neck' (same length) by
    # alphabetical order; 'backbone.dw' beats 'backbone'; '.cls_token' needs the leading dot
    'custom_keys_overlap': ({}, dict(SGD, paramwise_cfg=dict(custom_keys={
        'backbone': dict(lr_mult=0.1),
        'backbone.dw': dict(lr_mult=0.5, decay_mult=0.3),
        'neck': dict(lr_mult=7.),
        'conv': dict(lr_mult=3.),
        'bn': dict(decay_mult=0.),
        '.cls_token': dict(decay_mult=0.),
        'offset': dict(lr_mult=0.01)}))),
    # a matching custom key switches off every other rule for that parameter
    'custom_keys_with_mults': ({}, dict(SGD, paramwise_cfg=dict(
        custom_keys={'head': dict(lr_mult=10., decay_mult=2.), 'gn': dict(lr_mult=0.2)},
        bias_lr_mult=2., norm_decay_mult=0., dwconv_decay_mult=0.))),
    'no_weight_decay': ({}, dict(type='SGD', lr=0.02, momentum=0.9, paramwise_cfg=dict(
        bias_lr_mult=3., dcn_offset_lr_mult=0.5, custom_keys={'embed': dict(lr_mult=0.)}))),
    'bypass_duplicate': ({'shared': True}, dict(SGD, paramwise_cfg=dict(
        bypass_duplicate=True, bias_lr_mult=2.))),
    'adamw_wrapped': ({'wrapped': True}, dict(
        type='AdamW', lr=1e-3, betas=(0.9, 0.95), weight_decay=0.05,
        paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.,
                           custom_keys={'cls_token': dict(decay_mult=0.)}))),
    'default_constructor_by_name': ({}, dict(
        type='RMSprop', lr=0.005, alpha=0.9, weight_decay=1e-5,
        constructor='DefaultOptimizerConstructor', paramwise_cfg=dict(norm_decay_mult=0.))),
    'custom_constructor_by_name': ({}, dict(
        SGD, constructor='HeadOnlyConstructor', paramwise_cfg=dict(bias_lr_mult=4.))),
}

#: name -> (model spec, optimizer cfg): inputs MMCV 1.7.2 refuses (or breaks on)
ERROR_CASES = {
    'cfg_not_dict': ({}, ['SGD', 0.01]),
    'unknown_type': ({}, dict(type='SGDD', lr=0.01)),
    'missing_type': ({}, dict(lr=0.01)),
    'unknown_constructor': ({}, dict(SGD, constructor='NoSuchConstructor')),
    'paramwise_not_dict': ({}, dict(SGD, paramwise_cfg=[('bias_lr_mult', 2.)])),
    'custom_keys_not_dict': ({}, dict(SGD, paramwise_cfg=dict(custom_keys=['backbone']))),
    'custom_key_value_not_dict': ({}, dict(SGD, paramwise_cfg=dict(custom_keys={'head': 0.1}))),
    'custom_decay_without_wd': ({}, dict(type='SGD', lr=0.01, paramwise_cfg=dict(
        custom_keys={'head': dict(decay_mult=0.)}))),
    'norm_decay_without_wd': ({}, dict(type='SGD', lr=0.01, paramwise_cfg=dict(
        norm_decay_mult=0.))),
    'bias_decay_without_wd': ({}, dict(type='SGD', lr=0.01, paramwise_cfg=dict(
        bias_decay_mult=0.))),
    'dwconv_decay_without_wd': ({}, dict(type='SGD', lr=0.01, paramwise_cfg=dict(
        dwconv_decay_mult=0.))),
    'paramwise_without_lr': ({}, dict(type='SGD', momentum=0.9, weight_decay=1e-4,
                                      paramwise_cfg=dict(bias_lr_mult=2.))),
    'shared_without_bypass': ({'shared': True}, dict(SGD, paramwise_cfg=dict(bias_lr_mult=2.))),
    'bad_optimizer_argument': ({}, dict(type='SGD', lr=0.01, betas=(0.9, 0.99))),
    'negative_lr': ({}, dict(type='SGD', lr=-0.01)),
    'string_multiplier': ({}, dict(SGD, paramwise_cfg=dict(bias_lr_mult='2'))),
}


def make_head_only_constructor(base: type) -> type:
    """A constructor subclass registered by name: optimises only ``head`` (as linear-probe
    set-ups in MMSelfSup 0.x freeze the backbone), reusing the base's paramwise rules."""

    class HeadOnlyConstructor(base):
        def add_params(self, params, module, prefix='', is_dcn_module=None):
            if prefix == '':
                module, prefix = module.head, 'head'
            super().add_params(params, module, prefix=prefix, is_dcn_module=is_dcn_module)

    return HeadOnlyConstructor


def encode(value):
    """A JSON form that keeps floats bit-exact."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return {'float': value.hex()}
    if isinstance(value, (tuple, list)):
        return {type(value).__name__: [encode(v) for v in value]}
    return {'repr': repr(value)}


def describe(optimizer: torch.optim.Optimizer, names: dict) -> dict:
    """The optimizer's class and its param groups, parameters named, other keys encoded."""
    groups = []
    for group in optimizer.param_groups:
        row = {k: encode(v) for k, v in sorted(group.items()) if k != 'params'}
        row['params'] = [names[id(p)] for p in group['params']]
        groups.append(row)
    return {'type': type(optimizer).__name__, 'param_groups': groups}
