"""MIG070 ``resume``:
resume_from=p becomes load_from=p, resume=True; auto_resume becomes resume.

Golden pairs: ``fixtures/rule_cases/MIG070/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG070'

REPORTS = {
    'auto_resume': report(
        rules=['MIG070'],
        written=['resume'],
        removed=['auto_resume'],
        findings=[
            finding('MIG070', 'approximation', 'auto_resume',
                    'resume=True looks for work_dir/last_checkpoint (MMCV: latest.pth)',
                    kind='auto-resume'),
        ],
    ),
    'resume_from': report(
        rules=['MIG070'],
        written=['load_from', 'resume'],
        removed=['resume_from'],
        findings=[
            finding('MIG070', 'approximation', 'resume_from',
                    'MMEngine cannot resume MMCV 1.x checkpoints (no message_hub); resume works '
                    'for checkpoints written after the migration', kind='legacy-checkpoint'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_resume_keys'),
    pytest.param("load_from = 'work_dirs/epoch_12.pth'\nresume = True\n",
                 id='already_load_from_resume'),
    pytest.param("resume_from_epoch = 3\n", id='similar_name'),
    pytest.param(
        "model = dict(type='X', init_cfg=dict(type='Pretrained', resume_from='a.pth'))\n",
        id='nested_in_model'),
    pytest.param("# resume_from = 'work_dirs/latest.pth'\n# auto_resume = True\n",
                 id='commented_out'),
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
