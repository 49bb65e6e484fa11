"""MIG001 ``optimizer-to-optim-wrapper``:
optimizer=dict(...) becomes optim_wrapper=dict(type=OptimWrapper, optimizer=...); paramwise_cfg
and constructor move to the wrapper.

Golden pairs: ``fixtures/rule_cases/MIG001/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import re

import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG001'

REPORTS = {
    'paramwise_constructor': report(
        rules=['MIG001'],
        written=['optim_wrapper'],
        removed=['optimizer'],
        untouched=['lr'],
        findings=[
            finding('MIG001', 'manual', 'optimizer.constructor',
                    'LearningRateDecayOptimizerConstructor must be ported to an '
                    'OPTIM_WRAPPER_CONSTRUCTORS class that returns an OptimWrapper'),
        ],
    ),
    'paramwise_options_regex_kept_aside': report(
        rules=['MIG001'],
        written=['legacy_paramwise_options', 'optim_wrapper'],
        removed=['optimizer'],
        findings=[
            finding('MIG001', 'manual', 'optimizer.paramwise_options',
                    'optimizer.paramwise_options kept aside as legacy_paramwise_options (no '
                    'effect: training runs without these per-parameter settings): '
                    "'(bn|gn)(\\\\d+)?.(weight|bias)' uses a repeat, which no finite set of "
                    'substrings matches exactly; write '
                    "optim_wrapper.paramwise_cfg=dict(custom_keys={'<substring>': "
                    'dict(lr_mult=..., decay_mult=...)}) for your parameter names'),
        ],
    ),
    'sgd': report(
        rules=['MIG001'],
        written=['optim_wrapper'],
        removed=['optimizer'],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_optimizer'),
    pytest.param(
        "optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01))\n",
        id='already_optim_wrapper'),
    pytest.param("optimizer_cfg = dict(type='SGD', lr=0.01)\n", id='similar_name'),
    pytest.param("model = dict(type='GAN', optimizer=dict(type='Adam', lr=0.0002))\n",
                 id='nested_in_model'),
    pytest.param("# optimizer = dict(type='SGD', lr=0.02)\nmodel = dict(type='ResNet')\n",
                 id='commented_out'),
    pytest.param({'base.py': "optimizer = dict(type='SGD', lr=0.02, momentum=0.9)\n",
                  'config.py': "_base_ = ['./base.py']\nmodel = dict(type='ResNet')\n"},
                 id='leaf_of_legacy_base'),
]


@pytest.mark.parametrize('case', golden_cases(RULE))
def test_golden_pair(case):
    assert_golden_pair(RULE, case)


@pytest.mark.parametrize('case', golden_cases(RULE))
def test_idempotent(case):
    assert_idempotent(RULE, case)


@pytest.mark.parametrize('case', report_cases(RULE, REPORTS))
def test_report(case):
    assert_report(RULE, case, REPORTS)


@pytest.mark.parametrize('source', NOOPS)
def test_noop(source, tmp_path):
    assert_noop(source, tmp_path)


def test_paramwise_options_regexes_that_are_substrings_become_custom_keys():
    from migrate.rules._paramwise_options import to_custom_keys
    optimizer = dict(type='AdamW', lr=1e-3, weight_decay=0.05)
    # MMSelfSup 0.x MAE: every regex a finite set of substrings, all with the same options
    assert to_custom_keys({'norm': dict(weight_decay=0.), '(mask|cls)_token':
                           dict(weight_decay=0.)}, optimizer) == {
        'norm': dict(weight_decay=0.), 'mask_token': dict(weight_decay=0.),
        'cls_token': dict(weight_decay=0.)}
    # multipliers: weight_decay_mult is MMEngine's decay_mult, momentum_mult an absolute value
    assert to_custom_keys({'head': dict(lr_mult=10, weight_decay_mult=0.5)}, optimizer) == {
        'head': dict(lr_mult=10, decay_mult=0.5)}


@pytest.mark.parametrize('options, why', [
    ({'(bn|gn)(\\d+)?.(weight|bias)': dict(weight_decay=0.)}, 'a repeat'),
    ({'bn.weight': dict(weight_decay=0.)}, "'.' (any character)"),
    ({'\\Ahead': dict(lr_mult=10)}, 'an anchor'),
    ({'head': dict(lr_mult=10), 'bias': dict(weight_decay=0.)}, 'only the longest key'),
    ({'\\.weight': dict(weight_decay=0.)}, 'leading dot'),
])
def test_paramwise_options_that_substrings_cannot_carry_are_refused(options, why):
    from migrate.rules._paramwise_options import NotExact, to_custom_keys
    with pytest.raises(NotExact, match=re.escape(why)):
        to_custom_keys(options, dict(type='SGD', lr=0.1, weight_decay=1e-4))


def test_a_paramwise_cfg_that_is_no_dict_is_an_error_naming_the_key(tmp_path):
    """MMCV's DefaultOptimizerConstructor raised TypeError: a reported error, not a crash."""
    from migrate.convert.driver import ConvertOptions, run_convert
    cfg = tmp_path / 'cfg.py'
    cfg.write_text("optimizer = dict(type='SGD', lr=0.1, paramwise_cfg=5)\n"
                   "runner = dict(type='EpochBasedRunner', max_epochs=2)\n")
    run = run_convert(str(cfg), ConvertOptions(check=True, progress=False), echo=lambda s: None)
    (result,) = run.results
    assert "key 'optimizer.paramwise_cfg'" in result.error
    assert 'must be a dict' in result.error and 'internal error' not in result.error
