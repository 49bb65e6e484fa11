"""compat's ``build_optimizer`` makes the same optimizer as MMCV 1.7.2 for every paramwise_cfg
variant (groups, lr and weight decay to the bit, parameters by name, warnings), registers the
same optimizers, and refuses MMCV's error inputs with a BuildError naming the key (goldens:
fixtures/goldens/legacy_optimizer.json, written by
scripts/oracle/record_legacy_optimizer_goldens.py)."""
import json
import sys
import warnings
from pathlib import Path

import pytest

from compat.runner.optimizer import (OPTIMIZER_BUILDERS, OPTIMIZERS, DefaultOptimizerConstructor,
                                     build_optimizer)
from engine.errors import BuildError

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / 'scripts' / 'oracle'))
import legacy_optimizer_model as toy  # noqa: E402

GOLDEN = json.loads((ROOT / 'fixtures' / 'goldens' / 'legacy_optimizer.json').read_text())

if 'HeadOnlyConstructor' not in OPTIMIZER_BUILDERS:
    OPTIMIZER_BUILDERS.register_module(
        module=toy.make_head_only_constructor(DefaultOptimizerConstructor))

# the key each error names, and what MMCV raised for it
ERROR_KEYS = {
    'cfg_not_dict': 'optimizer',
    'unknown_type': 'optimizer.type',
    'missing_type': 'optimizer.type',
    'unknown_constructor': 'optimizer.constructor',
    'paramwise_not_dict': 'optimizer.paramwise_cfg',
    'custom_keys_not_dict': 'optimizer.paramwise_cfg.custom_keys',
    'custom_key_value_not_dict': 'optimizer.paramwise_cfg.custom_keys.head',
    'custom_decay_without_wd': 'optimizer.paramwise_cfg.custom_keys.head.decay_mult',
    'norm_decay_without_wd': 'optimizer.paramwise_cfg.norm_decay_mult',
    'bias_decay_without_wd': 'optimizer.paramwise_cfg.bias_decay_mult',
    'dwconv_decay_without_wd': 'optimizer.paramwise_cfg.dwconv_decay_mult',
    'paramwise_without_lr': 'optimizer.lr',
    'shared_without_bypass': 'optimizer.paramwise_cfg.bypass_duplicate',
    'bad_optimizer_argument': 'optimizer.betas',
    'negative_lr': 'optimizer',
    'string_multiplier': 'optimizer.paramwise_cfg.bias_lr_mult',
}


def test_registry_holds_every_torch_optimizer_as_mmcv():
    assert sorted(OPTIMIZERS) == GOLDEN['optimizers']


@pytest.mark.parametrize('name', sorted(toy.CASES))
def test_param_groups_equal_mmcv(name):
    spec, cfg = toy.CASES[name]
    model = toy.make_model(spec)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        optimizer = build_optimizer(model, cfg)
    got = toy.describe(optimizer, toy.param_names(model))
    got['warnings'] = [str(w.message) for w in caught]
    assert got == GOLDEN['cases'][name]


def test_build_optimizer_leaves_the_config_alone():
    cfg = toy.CASES['custom_constructor_by_name'][1]
    before = json.dumps(cfg, sort_keys=True, default=repr)
    build_optimizer(toy.make_model({}), cfg)
    assert json.dumps(cfg, sort_keys=True, default=repr) == before


def test_every_error_case_is_covered():
    assert sorted(ERROR_KEYS) == sorted(GOLDEN['errors']) == sorted(toy.ERROR_CASES)


@pytest.mark.parametrize('name', sorted(toy.ERROR_CASES))
def test_mmcv_error_inputs_name_the_key(name):
    assert GOLDEN['errors'][name]['exception']  # MMCV refused it too
    spec, cfg = toy.ERROR_CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(BuildError) as info:
            build_optimizer(toy.make_model(spec), cfg)
    assert info.value.key == ERROR_KEYS[name], str(info.value)
    assert info.value.fix or 'registered' in str(info.value), str(info.value)
