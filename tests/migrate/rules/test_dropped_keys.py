"""MIG090 ``dropped-keys``:
gpu_ids and device are dropped: the launcher decides the devices.

Golden pairs: ``fixtures/rule_cases/MIG090/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG090'

REPORTS = {
    'device_only': report(
        rules=['MIG090'],
        removed=['device'],
        findings=[
            finding('MIG090', 'note', 'device',
                    'device dropped: MMEngine takes devices from the launcher'),
        ],
    ),
    'gpu_ids': report(
        rules=['MIG090'],
        removed=['gpu_ids', 'device'],
        findings=[
            finding('MIG090', 'note', 'gpu_ids',
                    'gpu_ids dropped: MMEngine takes devices from the launcher'),
            finding('MIG090', 'note', 'device',
                    'device dropped: MMEngine takes devices from the launcher'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_device_keys'),
    pytest.param("launcher = 'pytorch'\n", id='already_launcher'),
    pytest.param("gpu_ids_str = '0,1'\ndevices = ['cuda:0']\n", id='similar_name'),
    pytest.param("model = dict(type='X', device='cuda')\n", id='nested_in_model'),
    pytest.param("# gpu_ids = range(0, 8)\n# device = 'cuda'\n", id='commented_out'),
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
