"""MIG081 ``randomness``:
seed/deterministic/diff_seed become randomness=dict(seed, deterministic, diff_rank_seed).

Golden pairs: ``fixtures/rule_cases/MIG081/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         convert_file, golden_cases, report, report_cases)

RULE = 'MIG081'

REPORTS = {
    'diff_seed': report(
        rules=['MIG081'],
        written=['randomness'],
        removed=['seed', 'diff_seed'],
    ),
    'randomness': report(
        rules=['MIG081'],
        written=['randomness'],
        removed=['seed', 'deterministic'],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_seed'),
    pytest.param("randomness = dict(seed=0, deterministic=False, diff_rank_seed=True)\n",
                 id='already_randomness'),
    pytest.param("seeds = [0, 1, 2]\nrandom_seed = 0\n", id='similar_name'),
    pytest.param("train_pipeline = [dict(type='RandomCrop', seed=0, deterministic=True)]\n",
                 id='nested_in_pipeline'),
    pytest.param("# seed = 0\n# deterministic = True\n", id='commented_out'),
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


def test_keys_bound_by_tuple_unpacking_give_valid_python(tmp_path):
    path = tmp_path / 'config.py'
    path.write_text('seed, deterministic = 0, True\n')
    out = convert_file(str(path))
    compile(out['text_out'], 'config.py', 'exec')
