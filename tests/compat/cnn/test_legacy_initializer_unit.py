"""compat.cnn's initialisers outside the golden tree: MMCV 1.7.2's errors for a malformed
``override``/``init_cfg`` (same exception types and wording as mmcv/cnn/utils/weight_init.py),
the module-level functions and ``ModuleDict``'s ``init_cfg``."""
import math

import pytest
import torch
import torch.nn as nn

from compat.cnn import (bias_init_with_prob, caffe2_xavier_init, constant_init, initialize,
                        trunc_normal_init)
from compat.runner.base_module import ModuleDict
from engine.errors import BuildError


class TwoLayers(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 3)
        self.b = nn.Linear(3, 1)


def test_override_without_name_is_a_value_error():
    with pytest.raises(ValueError, match='must contain the key "name"'):
        initialize(TwoLayers(), dict(type='Constant', val=1, override=dict(type='Constant',
                                                                          val=2)))


def test_override_with_arguments_but_no_type_is_a_value_error():
    with pytest.raises(ValueError, match='need "type" key'):
        initialize(TwoLayers(), dict(type='Constant', val=1, override=dict(name='a', val=2)))


def test_override_of_a_missing_attribute_names_it():
    with pytest.raises(RuntimeError, match='module did not have attribute c'):
        initialize(TwoLayers(), dict(type='Constant', val=1, override=dict(name='c')))


def test_init_cfg_must_be_a_dict_or_list():
    with pytest.raises(TypeError, match='init_cfg must be a dict or a list of dict'):
        initialize(TwoLayers(), 'Constant')


def test_unknown_initializer_and_bad_bias_name_the_problem():
    with pytest.raises(BuildError, match="'Constnt' is not a registered initializer"):
        initialize(TwoLayers(), dict(type='Constnt', val=1))
    with pytest.raises(BuildError, match='bias must be a number'):
        initialize(TwoLayers(), dict(type='Constant', val=1, bias='0'))


def test_layer_selects_only_matching_modules_and_override_uses_outer_args():
    model = TwoLayers()
    before = model.b.weight.detach().clone()
    initialize(model, dict(type='Constant', val=1, bias=2, layer='Conv2d',
                           override=dict(name='a')))
    assert torch.equal(model.a.weight, torch.ones(3, 2))
    assert torch.equal(model.a.bias, torch.full((3,), 2.))
    assert torch.equal(model.b.weight, before)


def test_module_functions():
    assert bias_init_with_prob(0.01) == pytest.approx(-math.log(99))
    linear = nn.Linear(4, 4)
    constant_init(linear, 3, bias=1)
    assert torch.equal(linear.weight, torch.full((4, 4), 3.))
    trunc_normal_init(linear, std=1, a=-0.1, b=0.2, bias=0.5)
    assert linear.weight.min() >= -0.1 and linear.weight.max() <= 0.2
    assert torch.equal(linear.bias, torch.full((4,), 0.5))
    torch.manual_seed(0)
    caffe2_xavier_init(linear)
    torch.manual_seed(0)
    expected = torch.empty(4, 4)
    nn.init.kaiming_uniform_(expected, a=1, mode='fan_in', nonlinearity='leaky_relu')
    assert torch.equal(linear.weight, expected)


def test_module_dict_initialises_its_children_by_init_cfg():
    modules = ModuleDict(dict(x=nn.Linear(2, 2), y=nn.Conv2d(1, 1, 1)),
                         init_cfg=dict(type='Constant', layer='Linear', val=4))
    conv_before = modules['y'].weight.detach().clone()
    modules.init_weights()
    assert modules.is_init
    assert torch.equal(modules['x'].weight, torch.full((2, 2), 4.))
    assert torch.equal(modules['y'].weight, conv_before)
    assert 'init_cfg=' in repr(modules)
