"""MIG050 ``workflow``:
workflow=[('train', 1)] is dropped; ('val', n) phases are reported (no equivalent).

Golden pairs: ``fixtures/rule_cases/MIG050/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG050'

REPORTS = {
    'workflow_train_only': report(
        rules=['MIG050'],
        removed=['workflow'],
    ),
    'workflow_val': report(
        rules=['MIG050'],
        removed=['workflow'],
        findings=[
            finding('MIG050', 'dropped', 'workflow',
                    "('val', n) computed a validation loss through model.val_step; MMEngine "
                    'validates with metrics only (a loss needs the model to append it, mmengine '
                    'PR #1503)'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_workflow'),
    pytest.param("workflows = [('train', 1), ('val', 1)]\n", id='similar_name'),
    pytest.param("model = dict(type='X', workflow=[('train', 1)])\n", id='nested_in_model'),
    pytest.param("# workflow = [('train', 1), ('val', 1)]\n", id='commented_out'),
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
