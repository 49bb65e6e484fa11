"""Constructors and build_optim_wrapper: DCN rules, layer decay, several optimizers, errors."""
import pytest
import torch
import torch.nn as nn

from engine.errors import BuildError
from engine.optim import (AmpOptimWrapper, DefaultOptimWrapperConstructor,
                          LayerDecayOptimWrapperConstructor, OptimWrapper, OptimWrapperDict,
                          build_optim_wrapper, layer_id_from_name)
from engine.registry import OPTIM_WRAPPER_CONSTRUCTORS
from engine.testing import optim_toy as toy

SGD = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)


class DeformConv2dPack(nn.Conv2d):
    """Stands in for mmcv's class: only the name matters for detection."""

    def __init__(self):
        super().__init__(4, 4, 3, padding=1)
        self.conv_offset = nn.Conv2d(4, 18, 3, padding=1)


class _DCNNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.dcn = DeformConv2dPack()
        self.fc = nn.Linear(4, 2)


def _groups_by_name(model, wrapper):
    names = toy.param_names(model)
    return {names[id(g['params'][0])]: g for g in wrapper.optimizer.param_groups}


def test_dcn_offset_lr_mult_and_bias_rules():
    model = _DCNNet()
    wrapper = DefaultOptimWrapperConstructor(
        dict(optimizer=SGD),
        dict(dcn_offset_lr_mult=0.1, bias_lr_mult=2.0, bias_decay_mult=0.0,
             flat_decay_mult=0.5))(model)
    g = _groups_by_name(model, wrapper)
    assert g['dcn.conv_offset.weight']['lr'] == pytest.approx(0.01)
    # the offset bias: dcn_offset_lr_mult overrides bias_lr_mult; no bias/flat decay under DCN
    assert g['dcn.conv_offset.bias']['lr'] == pytest.approx(0.01)
    assert g['dcn.conv_offset.bias']['weight_decay'] == pytest.approx(1e-4)
    # the DCN module's own bias is not "inside" a DCN module (its parent is not one)
    assert g['dcn.bias']['lr'] == pytest.approx(0.2) and g['dcn.bias']['weight_decay'] == 0.0
    assert g['fc.bias']['lr'] == pytest.approx(0.2)


def test_custom_keys_with_ddp_style_wrapper_and_extra_keys():
    class Wrapped(nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module
    inner = toy.OptimToyNet(share=False)
    wrapper = DefaultOptimWrapperConstructor(
        dict(optimizer=SGD), dict(custom_keys={'.scale': dict(lr_mult=0.0, my_flag=3)}))(
            Wrapped(inner))
    g = _groups_by_name(inner, wrapper)
    assert g['scale']['lr'] == 0.0 and g['scale']['my_flag'] == 3 and g['scale']['lr_mult'] == 0.0


def test_errors_name_the_paramwise_key():
    with pytest.raises(BuildError) as info:
        DefaultOptimWrapperConstructor(dict(optimizer=dict(type='SGD', lr=0.1)),
                                       dict(bias_decay_mult=0.0))
    assert info.value.key == 'optim_wrapper.paramwise_cfg.bias_decay_mult'
    with pytest.raises(BuildError) as info:
        DefaultOptimWrapperConstructor(dict(optimizer=SGD), dict(custom_keys=['bn']))
    assert info.value.key == 'optim_wrapper.paramwise_cfg.custom_keys'
    with pytest.raises(BuildError, match='optimizer'):
        DefaultOptimWrapperConstructor(dict(type='OptimWrapper'))


# -- layer-wise lr decay ---------------------------------------------------------------------
class _TinyViT(nn.Module):
    def __init__(self, depth=3):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, 4))
        self.pos_embed = nn.Parameter(torch.zeros(1, 2, 4))
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(3, 4, 2)
        self.blocks = nn.ModuleList(nn.Sequential(nn.LayerNorm(4), nn.Linear(4, 4))
                                    for _ in range(depth))
        self.norm = nn.LayerNorm(4)
        self.head = nn.Linear(4, 2)


def test_layer_id_from_name():
    assert layer_id_from_name('backbone.cls_token', 12) == 0
    assert layer_id_from_name('pos_embed', 12) == 0
    assert layer_id_from_name('backbone.patch_embed.projection.weight', 12) == 0
    assert layer_id_from_name('mask_token', 12) == 0
    assert layer_id_from_name('backbone.blocks.3.attn.qkv.weight', 12) == 4
    assert layer_id_from_name('backbone.layers.0.ffn.weight', 12) == 1
    assert layer_id_from_name('bert.encoder.layer.11.output.dense.bias', 12) == 12
    assert layer_id_from_name('head.fc.weight', 12) == 13
    assert layer_id_from_name('backbone.ln1.weight', 12) == 13


def test_layer_decay_constructor():
    model = _TinyViT(depth=3)
    wrapper = build_optim_wrapper(model, dict(
        constructor='LearningRateDecayOptimWrapperConstructor',
        optimizer=dict(type='AdamW', lr=1.0, weight_decay=0.05),
        paramwise_cfg=dict(layer_decay_rate=0.5, num_layers=3, decay_type='layer_wise',
                           no_decay_names=['pos_embed', 'cls_token'],
                           custom_keys={'head': dict(lr_mult=2.0, marker=1)})))
    groups = {g['param_name']: g for g in wrapper.optimizer.param_groups}
    assert groups['cls_token']['lr'] == pytest.approx(0.5 ** 4)
    assert groups['patch_embed.proj.weight']['lr'] == pytest.approx(0.5 ** 4)
    assert groups['blocks.0.1.weight']['lr'] == pytest.approx(0.5 ** 3)
    assert groups['blocks.2.1.weight']['layer_id'] == 3
    assert groups['norm.weight']['lr'] == pytest.approx(1.0)
    assert groups['head.weight']['lr'] == pytest.approx(2.0)
    assert groups['head.weight']['marker'] == 1
    # weight decay only for >1-D weights outside norms and the no_decay names
    assert groups['blocks.0.1.weight']['weight_decay'] == 0.05
    assert groups['patch_embed.proj.weight']['weight_decay'] == 0.05
    for name in ('cls_token', 'pos_embed', 'blocks.0.1.bias', 'blocks.0.0.weight', 'norm.bias'):
        assert groups[name]['weight_decay'] == 0.0, name


def test_layer_decay_uses_model_get_layer_depth_and_needs_num_layers():
    model = _TinyViT(depth=1)
    model.get_layer_depth = lambda name: (0, 3) if 'head' not in name else (2, 3)
    wrapper = LayerDecayOptimWrapperConstructor(
        dict(optimizer=dict(type='SGD', lr=1.0)), dict(layer_decay_rate=0.1))(model)
    lrs = {g['param_name']: g['lr'] for g in wrapper.optimizer.param_groups}
    assert lrs['head.weight'] == 1.0 and lrs['norm.weight'] == pytest.approx(0.01)
    with pytest.raises(BuildError) as info:
        LayerDecayOptimWrapperConstructor(dict(optimizer=dict(type='SGD', lr=1.0)),
                                          dict(layer_decay_rate=0.1))(_TinyViT())
    assert info.value.key == 'optim_wrapper.paramwise_cfg.num_layers'
    assert OPTIM_WRAPPER_CONSTRUCTORS.get('LayerDecayOptimWrapperConstructor') is \
        LayerDecayOptimWrapperConstructor


# -- several optimizers ----------------------------------------------------------------------
class _GAN(nn.Module):
    def __init__(self):
        super().__init__()
        self.generator = nn.Linear(2, 2)
        self.discriminator = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))


def test_multi_optim_wrapper_constructor():
    model = _GAN()
    wrappers = build_optim_wrapper(model, dict(
        constructor='MultiOptimWrapperConstructor',
        generator=dict(optimizer=dict(type='Adam', lr=1e-3), accumulative_counts=2),
        discriminator=dict(type='OptimWrapper',
                           optimizer=dict(type='SGD', lr=0.1, weight_decay=1e-4),
                           paramwise_cfg=dict(norm_decay_mult=0.0))))
    assert isinstance(wrappers, OptimWrapperDict)
    assert wrappers['generator'].accumulative_counts == 2
    assert wrappers['generator'].optimizer.param_groups[0]['params'][0] is model.generator.weight
    d_groups = wrappers['discriminator'].optimizer.param_groups
    assert [g['weight_decay'] for g in d_groups] == [1e-4, 1e-4, 0.0, 0.0]


def test_multi_constructor_errors():
    with pytest.raises(BuildError) as info:
        build_optim_wrapper(_GAN(), dict(constructor='MultiOptimWrapperConstructor',
                                         critic=dict(optimizer=dict(type='SGD', lr=0.1))))
    assert info.value.key == 'optim_wrapper.critic'
    with pytest.raises(BuildError) as info:
        build_optim_wrapper(_GAN(), dict(
            constructor='MultiOptimWrapperConstructor',
            generator=dict(optimizer=dict(type='SGD', lr=0.1),
                           paramwise_cfg=dict(norm_decay_mult=0.0))))
    assert info.value.key == 'optim_wrapper.generator.paramwise_cfg.norm_decay_mult'
    with pytest.raises(BuildError, match='MultiOptimWrapperConstructor'):
        build_optim_wrapper(_GAN(), dict(generator=dict(optimizer=dict(type='SGD', lr=0.1))))


# -- build_optim_wrapper ---------------------------------------------------------------------
def test_build_defaults_and_passthrough():
    model = nn.Linear(2, 2)
    wrapper = build_optim_wrapper(model, dict(optimizer=dict(type='SGD', lr=0.1)))
    assert type(wrapper) is OptimWrapper
    assert build_optim_wrapper(model, wrapper) is wrapper
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    direct = build_optim_wrapper(model, dict(optimizer=opt, accumulative_counts=2))
    assert direct.optimizer is opt and direct.accumulative_counts == 2
    amp = build_optim_wrapper(model, dict(type='AmpOptimWrapper', dtype='bfloat16',
                                          optimizer=dict(type='SGD', lr=0.1)))
    assert isinstance(amp, AmpOptimWrapper)
    built = build_optim_wrapper(model, dict(a=wrapper))
    assert isinstance(built, OptimWrapperDict) and built['a'] is wrapper


def test_build_does_not_mutate_cfg():
    cfg = dict(optimizer=dict(type='SGD', lr=0.1, weight_decay=1e-4),
               paramwise_cfg=dict(norm_decay_mult=0.0), clip_grad=dict(type='norm', max_norm=1))
    snapshot = repr(cfg)
    build_optim_wrapper(toy.OptimToyNet(share=False), cfg)
    assert repr(cfg) == snapshot


def test_legacy_paramwise_cfg_inside_optimizer():
    with pytest.raises(BuildError) as info:
        build_optim_wrapper(nn.Linear(2, 2), dict(optimizer=dict(
            type='SGD', lr=0.1, paramwise_cfg=dict(norm_decay_mult=0.0))))
    assert info.value.key == 'optim_wrapper.optimizer.paramwise_cfg'
    assert 'optim_wrapper.paramwise_cfg' in info.value.fix


@pytest.mark.parametrize('cfg, key', [
    (dict(optimizer=dict(type='SDG', lr=0.1)), 'optim_wrapper.optimizer.type'),
    (dict(optimizer=dict(type='SGD', lr=0.1, momentun=0.9)), 'optim_wrapper.optimizer.momentun'),
    (dict(optimizer=dict(type='SGD', lr=0.1), clip_grad=dict(type='max')),
     'optim_wrapper.clip_grad.type'),
    (dict(optimizer=dict(type='SGD', lr=0.1), accumulative_count=2),
     'optim_wrapper.accumulative_count'),
    (dict(type='NoSuchWrapper', optimizer=dict(type='SGD', lr=0.1)), 'optim_wrapper'),
    (dict(constructor='NoSuchConstructor', optimizer=dict(type='SGD', lr=0.1)),
     'optim_wrapper.constructor'),
    (dict(optimizer=dict(type='SGD', lr=0.1), paramwise_cfg=dict(bypass_duplicate=False,
                                                                 norm_decay_mult=1.0),
          ), None),
])
def test_build_errors_name_the_key(cfg, key):
    model = toy.OptimToyNet(share=True)
    if key is None:  # the shared weight without bypass_duplicate
        cfg['optimizer']['weight_decay'] = 1e-4
        key = 'optim_wrapper.paramwise_cfg.bypass_duplicate'
    with pytest.raises(BuildError) as info:
        build_optim_wrapper(model, cfg)
    assert info.value.key == key


def test_build_from_config_dict():
    from engine.config.config_dict import ConfigDict
    cfg = ConfigDict(dict(optimizer=dict(type='SGD', lr=0.1, weight_decay=1e-4),
                          paramwise_cfg=dict(custom_keys={'bn': dict(decay_mult=0.)}),
                          clip_grad=dict(max_norm=1.)))
    wrapper = build_optim_wrapper(toy.OptimToyNet(share=False), cfg)
    assert wrapper.clip_grad_kwargs == {'max_norm': 1.}
    assert sum(g['weight_decay'] == 0 for g in wrapper.optimizer.param_groups) == 2
