"""What the goldens do not show: keys MMCV 1.7.2 silently ignored are named in a warning (and
still ignored), a constructor may be given as a class, and a direct constructor call checks its
config as MMCV's does."""
import sys
from pathlib import Path

import pytest

from compat.runner.optimizer import DefaultOptimizerConstructor, build_optimizer
from engine.errors import BuildError

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / 'scripts' / 'oracle'))
import legacy_optimizer_model as toy  # noqa: E402


def groups(optimizer, model):
    return toy.describe(optimizer, toy.param_names(model))


def test_unknown_paramwise_key_warns_and_is_ignored_as_in_mmcv():
    model = toy.make_model({})
    plain = groups(build_optimizer(model, dict(toy.SGD, paramwise_cfg=dict(bias_lr_mult=2.))),
                   model)
    with pytest.warns(UserWarning, match=r'optimizer\.paramwise_cfg\.flat_decay_mult'):
        got = build_optimizer(model, dict(toy.SGD, paramwise_cfg=dict(bias_lr_mult=2.,
                                                                     flat_decay_mult=0.)))
    assert groups(got, model) == plain


def test_custom_key_entry_other_than_the_mults_warns_and_is_not_copied():
    model = toy.make_model({})
    cfg = dict(toy.SGD, paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=2., momentum=0.)}))
    with pytest.warns(UserWarning, match=r'custom_keys\.head\.momentum'):
        optimizer = build_optimizer(model, cfg)
    head = [g for g in optimizer.param_groups if g['params'][0] is model.head.weight][0]
    assert head['momentum'] == 0.9 and head['lr'] == 0.01 * 2.


def test_constructor_given_as_a_class():
    model = toy.make_model({})
    by_class = build_optimizer(model, dict(toy.SGD, constructor=DefaultOptimizerConstructor,
                                           paramwise_cfg=dict(norm_decay_mult=0.)))
    by_name = build_optimizer(model, dict(toy.SGD, paramwise_cfg=dict(norm_decay_mult=0.)))
    assert groups(by_class, model) == groups(by_name, model)


def test_direct_constructor_refuses_a_non_dict_optimizer_cfg():
    with pytest.raises(BuildError) as info:
        DefaultOptimizerConstructor(['SGD'])
    assert info.value.key == 'optimizer'
