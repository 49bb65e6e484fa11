"""The param groups a schedule-only verify replays, one per distinct paramwise lr multiplier."""
import pytest

from engine.errors import ConfigError
from migrate.verify.param_groups import LrGroup, custom_constructor, lr_groups, lr_mult_paths


def test_one_group_without_multipliers():
    assert lr_groups(None) == [LrGroup('optimizer.lr', 1.0)]
    assert lr_groups(dict(norm_decay_mult=0.0, bias_decay_mult=0.0)) == lr_groups(None)


def test_distinct_multipliers_by_value_labelled_in_mmcv_matching_order():
    cfg = dict(custom_keys={'head': dict(lr_mult=10.0), 'backbone.layer1': dict(lr_mult=0.1),
                            'pos_block': dict(decay_mult=0.0, lr_mult=0.5),
                            'neck': dict(lr_mult=0.1), 'norm': dict(lr_mult=1.0)},
               bias_lr_mult=2, dcn_offset_lr_mult=0.1)
    assert lr_groups(cfg) == [LrGroup('optimizer.lr', 1.0),
                              LrGroup("custom_keys['backbone.layer1'].lr_mult", 0.1),
                              LrGroup("custom_keys['pos_block'].lr_mult", 0.5),
                              LrGroup('bias_lr_mult', 2.0),
                              LrGroup("custom_keys['head'].lr_mult", 10.0)]


def test_the_paths_that_must_be_known():
    cfg = dict(custom_keys={'head': dict(lr_mult=10.0)})
    assert lr_mult_paths(cfg, ('optimizer', 'paramwise_cfg')) == [
        ('optimizer', 'paramwise_cfg', 'custom_keys', 'head', 'lr_mult'),
        ('optimizer', 'paramwise_cfg', 'bias_lr_mult'),
        ('optimizer', 'paramwise_cfg', 'dcn_offset_lr_mult')]
    assert lr_mult_paths(None, ('p',)) == [('p',)]


def test_only_non_default_constructors_are_named():
    assert custom_constructor(dict(type='SGD')) is None
    assert custom_constructor(dict(constructor='DefaultOptimizerConstructor')) is None
    assert custom_constructor(dict(constructor='LearningRateDecayOptimizerConstructor')) == \
        'LearningRateDecayOptimizerConstructor'


def test_a_multiplier_that_is_not_a_number_is_refused_by_key():
    with pytest.raises(ConfigError) as err:
        lr_groups(dict(custom_keys={'head': dict(lr_mult='10')}), key='optimizer.paramwise_cfg',
                  file='cfg.py')
    assert err.value.key == "optimizer.paramwise_cfg.custom_keys['head'].lr_mult"
    assert err.value.file == 'cfg.py'
