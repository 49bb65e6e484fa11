"""Weight initialisation from ``init_cfg`` with MMEngine 0.10.7's initialisers and semantics.

``Pretrained`` reads checkpoint files, so it is defined in :mod:`engine.checkpoint.pretrained_init`
(registered under the same registry, ``WEIGHT_INITIALIZERS``).
"""
from engine.model.weight_init.functions import (bias_init_with_prob, caffe2_xavier_init,
                                                constant_init, kaiming_init, normal_init,
                                                trunc_normal_, trunc_normal_init, uniform_init,
                                                xavier_init)
from engine.model.weight_init.init_info import update_init_info
from engine.model.weight_init.initialize import initialize, is_pretrained_cfg
from engine.model.weight_init.initializers import (BaseInit, Caffe2XavierInit, ConstantInit,
                                                   KaimingInit, NormalInit, TruncNormalInit,
                                                   UniformInit, XavierInit)

__all__ = ['BaseInit', 'Caffe2XavierInit', 'ConstantInit', 'KaimingInit', 'NormalInit',
           'TruncNormalInit', 'UniformInit', 'XavierInit', 'bias_init_with_prob',
           'caffe2_xavier_init', 'constant_init', 'initialize', 'is_pretrained_cfg',
           'kaiming_init', 'normal_init', 'trunc_normal_', 'trunc_normal_init',
           'uniform_init', 'update_init_info', 'xavier_init']
