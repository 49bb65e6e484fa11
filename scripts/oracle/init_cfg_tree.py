"""The module tree and init_cfg cases of the legacy weight-init goldens.

Imports neither MMCV nor our packages: ``build_tree`` takes the ``BaseModule``/``Sequential``/
``ModuleList`` classes to build on, so the oracle script (MMCV's) and the tests (compat's)
build the same tree. Loaded by path.
"""
import torch.nn as nn


class MyConv(nn.Conv2d):
    """Direct subclass of Conv2d: ``layer='Conv2d'`` matches it (MMCV checks direct bases)."""


class DeepConv(MyConv):
    """Grandchild of Conv2d: ``layer='Conv2d'`` does not match it in MMCV 1.7.2."""


def build_tree(BaseModule, Sequential, ModuleList, cfgs):
    """Net(backbone: conv1, bn, conv2 (MyConv), conv3 (DeepConv); neck: Sequential(Linear);
    head: fc, layers=ModuleList([Linear, Linear]))."""

    class Backbone(BaseModule):
        def __init__(self, init_cfg=None):
            super().__init__(init_cfg)
            self.conv1 = nn.Conv2d(3, 4, 3)
            self.bn = nn.BatchNorm2d(4)
            self.conv2 = MyConv(4, 4, 1)
            self.conv3 = DeepConv(4, 4, 1)

    class Head(BaseModule):
        def __init__(self, init_cfg=None, layers_cfg=None):
            super().__init__(init_cfg)
            self.fc = nn.Linear(4, 6)
            self.layers = ModuleList([nn.Linear(6, 5), nn.Linear(5, 3)], init_cfg=layers_cfg)

    class Net(BaseModule):
        def __init__(self, init_cfg=None):
            super().__init__(init_cfg)
            self.backbone = Backbone(cfgs.get('backbone'))
            self.neck = Sequential(nn.Linear(4, 4), init_cfg=cfgs.get('neck'))
            self.head = Head(cfgs.get('head'), cfgs.get('layers'))

    return Net(cfgs.get('net'))


CKPT = '<CKPT>'  # replaced by the pretrained checkpoint's path

CASES = {
    'constant_layer_list': dict(net=dict(type='Constant', layer=['Conv2d', 'Linear'], val=1,
                                         bias=2)),
    'xavier_uniform_conv': dict(net=dict(type='Xavier', layer='Conv2d', gain=2,
                                         distribution='uniform')),
    'normal_bias_prob': dict(net=dict(type='Normal', layer='Linear', std=0.01,
                                      bias_prob=0.01)),
    'trunc_normal_linear': dict(net=dict(type='TruncNormal', layer='Linear', std=0.5, a=-0.3,
                                         b=0.4, bias=0.5)),
    'uniform_conv': dict(net=dict(type='Uniform', layer='Conv2d', a=-1, b=1)),
    'kaiming_and_bn_list': dict(net=[dict(type='Kaiming', layer='Conv2d', mode='fan_in'),
                                     dict(type='Constant', layer='_BatchNorm', val=1)]),
    'kaiming_uniform_deepconv': dict(net=dict(type='Kaiming', layer=['MyConv', 'DeepConv'],
                                              distribution='uniform', bias=0.1)),
    'caffe2_xavier': dict(net=dict(type='Caffe2Xavier', layer='Conv2d')),
    'override_by_name': dict(net=dict(type='Normal', layer='Conv2d', std=0.2,
                                      override=dict(type='Constant', name='head', val=3,
                                                    bias=4))),
    'override_name_only': dict(net=dict(type='Normal', layer='Linear', std=0.3,
                                        override=[dict(name='neck'), dict(
                                            type='Uniform', name='backbone', a=2, b=3)])),
    'nested_children_win': dict(net=dict(type='Constant', layer=['Conv2d', 'Linear'], val=5),
                                backbone=dict(type='Xavier', layer='Conv2d'),
                                layers=dict(type='Normal', layer='Linear', std=0.05),
                                neck=dict(type='TruncNormal', layer='Linear', std=0.1)),
    'pretrained_whole': dict(net=dict(type='Pretrained', checkpoint=CKPT)),
    'pretrained_prefix_backbone': dict(
        net=dict(type='Normal', layer='Linear', std=0.02),
        backbone=dict(type='Pretrained', checkpoint=CKPT, prefix='backbone.')),
    'no_init_cfg': dict(),
}


def with_checkpoint(cfgs, path):
    """``cfgs`` with every ``<CKPT>`` replaced by ``path``."""
    if isinstance(cfgs, dict):
        return {k: with_checkpoint(v, path) for k, v in cfgs.items()}
    if isinstance(cfgs, list):
        return [with_checkpoint(v, path) for v in cfgs]
    return path if cfgs == CKPT else cfgs
