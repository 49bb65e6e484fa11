"""MIG062 ``profiler-hook``:
MMCV's ProfilerHook becomes MMEngine's: profile_iters -> profile_times, activities ->
activity_with_cpu/activity_with_cuda, priority NORMAL kept.

Golden pairs: ``fixtures/rule_cases/MIG062/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG062'

REPORTS = {
    'defaults': report(
        rules=['MIG060', 'MIG062'],
        written=['custom_hooks'],
        removed=['custom_hooks'],
        findings=[
            finding('MIG062', 'note', 'custom_hooks[0]',
                    "priority='NORMAL' written: MMCV registered custom hooks at NORMAL, "
                    "MMEngine's ProfilerHook defaults to VERY_LOW"),
        ],
    ),
    'epochs_with_epoch_len': report(
        rules=['MIG010', 'MIG060', 'MIG062'],
        written=['custom_hooks', 'train_cfg'],
        removed=['runner', 'custom_hooks'],
        findings=[
            finding('MIG062', 'note', 'custom_hooks[0]',
                    "priority='NORMAL' written: MMCV registered custom hooks at NORMAL, "
                    "MMEngine's ProfilerHook defaults to VERY_LOW"),
            finding('MIG062', 'approximation', 'custom_hooks[0].profile_iters',
                    "MMEngine's ProfilerHook profiles one epoch at most: the first 2 epochs are "
                    'the first 100 iterations (--epoch-len 50); the profiler now stops after '
                    'that iteration, before the epoch-end hooks MMCV still profiled',
                    kind='profiler-span'),
        ],
    ),
    'iter_runner_by_epoch': report(
        rules=['MIG010', 'MIG060', 'MIG062'],
        written=['custom_hooks', 'train_cfg'],
        removed=['runner', 'custom_hooks'],
        findings=[
            finding('MIG062', 'note', 'custom_hooks[0]',
                    "priority='NORMAL' written: MMCV registered custom hooks at NORMAL, "
                    "MMEngine's ProfilerHook defaults to VERY_LOW"),
            finding('MIG062', 'manual', 'custom_hooks[0].by_epoch',
                    "under IterBasedRunner MMCV's ProfilerHook(by_epoch=True) failed in "
                    'before_run (TypeError: runner.max_epochs is None); MMEngine would profile '
                    'the whole run: set by_epoch=False and profile_times=<iterations>',
                    kind='profiler-span'),
        ],
    ),
    'iterations_schedule_trace': report(
        rules=['MIG060', 'MIG062'],
        written=['custom_hooks'],
        removed=['custom_hooks'],
        findings=[
            finding('MIG060', 'note', 'custom_hooks',
                    'priorities are kept; note the default hooks moved: checkpoint '
                    'NORMAL->VERY_LOW, logger VERY_LOW->BELOW_NORMAL, timer LOW->NORMAL, '
                    'schedulers VERY_HIGH->LOW'),
            finding('MIG062', 'approximation', 'custom_hooks[0].schedule',
                    'MMCV kept stepping the profiler after it stopped, so a schedule whose '
                    'cycles outlast the profiled iterations (repeat=0: forever) traced again; '
                    'MMEngine stops stepping it', kind='profiler-schedule'),
            finding('MIG062', 'note', 'custom_hooks[0].on_trace_ready',
                    'TensorBoard traces go to <work_dir>/<timestamp>/prof (MMCV: '
                    '<work_dir>/prof): MMEngine joins dir_name to the log dir',
                    kind='profiler-trace-dir'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_custom_hooks'),
    pytest.param("custom_hooks = [dict(type='ProfilerHook', activity_with_cuda=True)]\n",
                 id='new_form_by_activity'),
    pytest.param("custom_hooks = [dict(type='NPUProfilerHook', result_path='prof')]\n",
                 id='other_profiler'),
    pytest.param("profiler = dict(type='ProfilerHook', profile_iters=3)\n",
                 id='not_in_custom_hooks'),
    pytest.param({'base.py': "custom_hooks = [dict(type='ProfilerHook', profile_iters=1)]\n",
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
