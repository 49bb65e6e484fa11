"""MIG020 ``evaluation-to-val-cfg``:
evaluation=dict(interval, start, save_best, metric, ...) becomes
train_cfg.val_interval/val_begin, val_cfg, val_evaluator and default_hooks.checkpoint.save_best.

Golden pairs: ``fixtures/rule_cases/MIG020/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG020'

REPORTS = {
    'coco_metric': report(
        rules=['MIG020', 'MIG082'],
        written=['val_evaluator', 'val_cfg', 'val_dataloader'],
        removed=['evaluation', 'data'],
        untouched=['data_root'],
        findings=[
            finding('MIG020', 'note', 'evaluation.interval',
                    'no runner in this file or its bases: val_interval is written by the configs '
                    'that inherit it'),
            finding('MIG020', 'note', 'evaluation.metric',
                    'CocoMetric chosen from the val dataset type CocoDataset'),
            finding('MIG082', 'note', 'data',
                    'codebase unknown (no model type): loaders read the MMDet 2.x way (val/test '
                    'batch 1, persistent_workers on train only); check them against your train '
                    'script'),
        ],
    ),
    'eval_interval_save_best': report(
        rules=['MIG010', 'MIG020'],
        written=['train_cfg', 'default_hooks', 'val_evaluator', 'val_cfg'],
        removed=['runner', 'evaluation'],
        findings=[
            finding('MIG020', 'approximation', 'evaluation.interval',
                    'MMEngine also validates after the last epoch (12); MMCV stopped at the last '
                    'multiple of 5', kind='last-val'),
            finding('MIG020', 'note', 'evaluation.save_best',
                    'best checkpoints are saved without optimizer state in MMEngine'),
            finding('MIG020', 'manual', 'evaluation.metric',
                    'set val_evaluator.type to the task metric (MMCV called '
                    'dataset.evaluate(**kwargs); MMEngine builds a Metric)'),
        ],
    ),
    'eval_start_dynamic': report(
        rules=['MIG010', 'MIG020'],
        written=['train_cfg', 'val_evaluator', 'val_cfg'],
        removed=['runner', 'evaluation'],
        findings=[
            finding('MIG020', 'approximation', 'evaluation.start',
                    'MMCV validated at 3, 3+2, ...; MMEngine validates at multiples of 2 from 3',
                    kind='val-begin'),
            finding('MIG020', 'note', 'evaluation.start',
                    'MMCV also evaluated before training when resuming past start; MMEngine does '
                    'not'),
            finding('MIG020', 'note', 'evaluation.dynamic_intervals',
                    'milestones shifted by +1: MMEngine decides the interval one epoch earlier '
                    'than MMDet 2.x did'),
            finding('MIG020', 'manual', 'evaluation.metric',
                    'set val_evaluator.type to the task metric (MMCV called '
                    'dataset.evaluate(**kwargs); MMEngine builds a Metric)'),
        ],
    ),
    'custom_eval_hook_type': report(
        rules=['MIG010', 'MIG020'],
        written=['train_cfg', 'default_hooks', 'val_evaluator', 'val_cfg', 'custom_hooks'],
        removed=['runner', 'evaluation'],
        untouched=['custom_imports'],
        findings=[
            finding('MIG020', 'note', 'evaluation.start',
                    'MMCV also evaluated before training when resuming past start; MMEngine does '
                    'not'),
            finding('MIG020', 'approximation', 'evaluation.save_best',
                    "MMEngine metrics may name 'accuracy' differently (CocoMetric reports "
                    'coco/bbox_mAP, Accuracy accuracy/top1): check it against the evaluator\'s '
                    'metric names', kind='metric-prefix'),
            finding('MIG020', 'note', 'evaluation.save_best',
                    'best checkpoints are saved without optimizer state in MMEngine'),
            finding('MIG020', 'manual', 'evaluation.metric',
                    'set val_evaluator.type to the task metric (MMCV called '
                    'dataset.evaluate(**kwargs); MMEngine builds a Metric)'),
            # the hook's type never reaches val_evaluator: the hook goes to custom_hooks
            finding('MIG020', 'note', 'evaluation.type',
                    "'RecordBestEvalHook' is a custom eval hook: migrate convert ports a hooks "
                    "module's EvalHook subclass (HK009) to a plain hook of the same name taking "
                    'these evaluation keywords, now in custom_hooks (drop the entry where HK009 '
                    'removed the class: it did nothing of its own); the config imports its '
                    'modules (custom_imports): convert the one defining it with migrate '
                    'convert, which keeps the name'),
        ],
    ),
    'custom_eval_hook_type_appended': report(
        rules=['MIG010', 'MIG020'],
        written=['custom_hooks', 'train_cfg', 'val_evaluator', 'val_cfg'],
        removed=['runner', 'evaluation', 'custom_hooks'],
        findings=[
            finding('MIG020', 'manual', 'evaluation.metric',
                    'set val_evaluator.type to the task metric (MMCV called '
                    'dataset.evaluate(**kwargs); MMEngine builds a Metric)'),
            # nothing imports the hook's module: the user must
            finding('MIG020', 'manual', 'evaluation.type',
                    "'RecordBestEvalHook' is a custom eval hook: migrate convert ports a hooks "
                    "module's EvalHook subclass (HK009) to a plain hook of the same name taking "
                    'these evaluation keywords, now in custom_hooks (drop the entry where HK009 '
                    'removed the class: it did nothing of its own); add the converted hooks '
                    'module to custom_imports'),
        ],
    ),
    'stock_eval_hook_type': report(
        rules=['MIG010', 'MIG020'],
        written=['train_cfg', 'val_evaluator', 'val_cfg'],
        removed=['runner', 'evaluation'],
        findings=[
            finding('MIG020', 'manual', 'evaluation.metric',
                    'set val_evaluator.type to the task metric (MMCV called '
                    'dataset.evaluate(**kwargs); MMEngine builds a Metric)'),
            finding('MIG020', 'note', 'evaluation.type',
                    'DistEvalHook is the val loop, val_evaluator and default_hooks.checkpoint '
                    'now'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_evaluation'),
    pytest.param(
        "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12, val_interval=1)\n"
        "val_cfg = dict(type='ValLoop')\n"
        "val_evaluator = dict(type='CocoMetric', metric='bbox')\n",
        id='already_val_cfg'),
    pytest.param("evaluation_interval = 2\n", id='similar_name'),
    pytest.param("model = dict(type='X', test_cfg=dict(evaluation=dict(metric='bbox')))\n",
                 id='nested_in_model'),
    pytest.param("# evaluation = dict(interval=1, metric='bbox')\n", id='commented_out'),
    pytest.param({'base.py': "runner = dict(type='EpochBasedRunner', max_epochs=12)\n"
                             "evaluation = dict(interval=1, metric='bbox')\n",
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
