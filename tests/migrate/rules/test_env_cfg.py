"""MIG080 ``env-cfg``:
dist_params -> env_cfg.dist_cfg; mp_start_method and opencv_num_threads -> env_cfg.mp_cfg;
cudnn_benchmark -> env_cfg.cudnn_benchmark.

Golden pairs: ``fixtures/rule_cases/MIG080/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG080'

REPORTS = {
    'dist_params_only': report(
        rules=['MIG080'],
        written=['env_cfg'],
        removed=['dist_params'],
    ),
    'env': report(
        rules=['MIG080'],
        written=['env_cfg'],
        removed=['dist_params', 'mp_start_method', 'opencv_num_threads', 'cudnn_benchmark'],
        findings=[
            finding('MIG080', 'note', 'mp_start_method',
                    'MMEngine sets OMP/MKL_NUM_THREADS=1 only when distributed (MMDet 2.x: when '
                    'workers_per_gpu > 1)'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_env_keys'),
    pytest.param(
        "env_cfg = dict(\n"
        "    cudnn_benchmark=False,\n"
        "    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),\n"
        "    dist_cfg=dict(backend='nccl'))\n",
        id='already_env_cfg'),
    pytest.param("dist_params_backend = 'nccl'\n", id='similar_name'),
    pytest.param("model = dict(type='X', dist_params=dict(backend='nccl'))\n",
                 id='nested_in_model'),
    pytest.param("# cudnn_benchmark = True\n# dist_params = dict(backend='nccl')\n",
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
