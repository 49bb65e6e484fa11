"""MIG001 ``optimizer-to-optim-wrapper``:
optimizer=dict(...) becomes optim_wrapper=dict(type=OptimWrapper, optimizer=...); paramwise_cfg
and constructor move to the wrapper.

Golden pairs: ``fixtures/rule_cases/MIG001/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
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
