"""MIG060 ``custom-hooks``:
custom_hooks keep their priorities; EMAHook and ProfilerHook arguments are renamed, hooks with
no equivalent are reported.

Golden pairs: ``fixtures/rule_cases/MIG060/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG060'

REPORTS = {
    'ema': report(
        rules=['MIG060'],
        written=['custom_hooks'],
        removed=['custom_hooks'],
        findings=[
            finding('MIG060', 'dropped', 'custom_hooks[1].warm_up',
                    'EMAHook.warm_up has no equivalent'),
            finding('MIG060', 'approximation', 'custom_hooks[1]',
                    'MMCV EMA used momentum**interval and a warm-up min(m, (1+t)/(warm_up+t)); '
                    'MMEngine uses momentum=0.0001 every 1 iterations; EMA weights move to '
                    'ema_state_dict', kind='ema-formula'),
            finding('MIG060', 'note', 'custom_hooks',
                    'priorities are kept; note the default hooks moved: checkpoint '
                    'NORMAL->VERY_LOW, logger VERY_LOW->BELOW_NORMAL, timer LOW->NORMAL, '
                    'schedulers VERY_HIGH->LOW'),
        ],
    ),
    'negative_new_ema': report(
        untouched=['custom_hooks'],
    ),
    'profiler_and_closure': report(
        rules=['MIG060'],
        written=['custom_hooks'],
        removed=['custom_hooks'],
        findings=[
            finding('MIG060', 'dropped', 'custom_hooks[0].activities',
                    'ProfilerHook.activities has no equivalent'),
            finding('MIG060', 'dropped', 'custom_hooks[1]',
                    'ClosureHook has no MMEngine equivalent: write a Hook subclass'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_custom_hooks'),
    pytest.param("custom_hooks = [dict(type='NumClassCheckHook', priority=48)]\n",
                 id='hooks_without_renames'),
    pytest.param("custom_hooks = [dict(type='ProfilerHook', profile_times=5)]\n",
                 id='already_new_profiler'),
    pytest.param("custom_hooks = []\n", id='empty_list'),
    pytest.param("my_custom_hooks = [dict(type='EMAHook', momentum=0.0001)]\n",
                 id='similar_name'),
    pytest.param("model = dict(type='X', custom_hooks=[dict(type='EMAHook')])\n",
                 id='nested_in_model'),
    pytest.param("# custom_hooks = [dict(type='EMAHook', momentum=0.0001)]\n",
                 id='commented_out'),
    pytest.param({'base.py': "custom_hooks = [\n"
                             "    dict(type='EMAHook', momentum=0.0001, priority=49)]\n",
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
