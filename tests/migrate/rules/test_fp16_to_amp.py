"""MIG003 ``fp16-to-amp-optim-wrapper``:
fp16=dict(loss_scale=X) becomes optim_wrapper.type='AmpOptimWrapper' with the same loss_scale
written explicitly (the default changed from 512. to dynamic).

Golden pairs: ``fixtures/rule_cases/MIG003/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG003'

REPORTS = {
    'fp16_default_loss_scale': report(
        rules=['MIG001', 'MIG003'],
        written=['optim_wrapper'],
        removed=['optimizer', 'fp16'],
        findings=[
            finding('MIG003', 'approximation', 'fp16',
                    'AMP: autocast now covers the whole forward (MMCV: @auto_fp16 methods); the '
                    'scaler state moves from meta.fp16 to optimizer.loss_scaler',
                    kind='amp-scope'),
        ],
    ),
    'fp16_static': report(
        rules=['MIG001', 'MIG002', 'MIG003'],
        written=['optim_wrapper'],
        removed=['optimizer', 'optimizer_config', 'fp16'],
        findings=[
            finding('MIG003', 'approximation', 'fp16',
                    'AMP: autocast now covers the whole forward (MMCV: @auto_fp16 methods); the '
                    'scaler state moves from meta.fp16 to optimizer.loss_scaler',
                    kind='amp-scope'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_fp16'),
    pytest.param(
        "optim_wrapper = dict(\n"
        "    type='AmpOptimWrapper', loss_scale='dynamic',\n"
        "    optimizer=dict(type='SGD', lr=0.01))\n",
        id='already_amp_optim_wrapper'),
    pytest.param("fp16_enabled = True\n", id='similar_name'),
    pytest.param("model = dict(type='X', head=dict(type='Y', fp16=dict(loss_scale=512.)))\n",
                 id='nested_in_model'),
    pytest.param("# fp16 = dict(loss_scale=512.)\n", id='commented_out'),
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
