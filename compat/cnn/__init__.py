"""``mmcv.cnn``'s weight initialisers, under MMCV's own names (:mod:`compat.cnn.weight_init`)."""
from compat.cnn.weight_init import (INITIALIZERS, Caffe2XavierInit, ConstantInit, KaimingInit,
                                    NormalInit, PretrainedInit, TruncNormalInit, UniformInit,
                                    XavierInit, bias_init_with_prob, caffe2_xavier_init,
                                    constant_init, initialize, kaiming_init, normal_init,
                                    trunc_normal_init, uniform_init, xavier_init)

__all__ = ['INITIALIZERS', 'Caffe2XavierInit', 'ConstantInit', 'KaimingInit', 'NormalInit',
           'PretrainedInit', 'TruncNormalInit', 'UniformInit', 'XavierInit',
           'bias_init_with_prob', 'caffe2_xavier_init', 'constant_init', 'initialize',
           'kaiming_init', 'normal_init', 'trunc_normal_init', 'uniform_init', 'xavier_init']
