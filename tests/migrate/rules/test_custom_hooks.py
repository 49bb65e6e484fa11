"""MIG060 ``custom-hooks``:
custom_hooks keep their priorities; hooks with no equivalent are reported and removed.

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
        rules=['MIG060', 'MIG061'],
        written=['custom_hooks'],
        removed=['custom_hooks'],
        findings=[
            finding('MIG060', 'note', 'custom_hooks',
                    'priorities are kept; note the default hooks moved: checkpoint '
                    'NORMAL->VERY_LOW, logger VERY_LOW->BELOW_NORMAL, timer LOW->NORMAL, '
                    'schedulers VERY_HIGH->LOW'),
            finding('MIG061', 'approximation', 'custom_hooks[1]',
                    "MMCV's EMA starts from the weights before training, MMEngine's from the "
                    'weights after iteration 0 (warm_up=100 never lowers momentum 0.0001 here): '
                    'averaging-weight deviation 0.9999 after iteration 0, under 1e-6 from '
                    'iteration 138148', kind='ema-formula'),
            finding('MIG061', 'note', 'custom_hooks[1]',
                    'MMCV swapped the EMA into the model after each train epoch (evaluation and '
                    'checkpoints saw it; raw weights as ema_* buffers); MMEngine swaps it in for '
                    'validation and saving (raw weights in ema_state_dict): an MMCV checkpoint '
                    'does not resume the EMA', kind='ema-swap'),
        ],
    ),
    'negative_new_ema': report(
        untouched=['custom_hooks'],
    ),
    'profiler_and_closure': report(
        rules=['MIG060', 'MIG062'],
        written=['custom_hooks'],
        removed=['custom_hooks'],
        findings=[
            finding('MIG060', 'dropped', 'custom_hooks[1]',
                    'ClosureHook has no MMEngine equivalent: write a Hook subclass'),
            finding('MIG062', 'note', 'custom_hooks[0]',
                    "priority='NORMAL' written: MMCV registered custom hooks at NORMAL, "
                    "MMEngine's ProfilerHook defaults to VERY_LOW"),
            finding('MIG062', 'manual', 'custom_hooks[0].profile_iters',
                    'MMCV profiled the first 5 epochs; MMEngine refuses by_epoch=True with '
                    'profile_times > 1 (ValueError when built): convert with --epoch-len N, or '
                    'set by_epoch=False and profile_times=<iterations>', kind='profiler-span'),
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
