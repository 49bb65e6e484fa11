"""MIG030 ``checkpoint-config-to-hook``:
checkpoint_config becomes default_hooks.checkpoint (create_symlink dropped: MMEngine raises on
it; sync_buffer becomes a SyncBuffersHook).

Golden pairs: ``fixtures/rule_cases/MIG030/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG030'

REPORTS = {
    'checkpoint': report(
        rules=['MIG030'],
        written=['default_hooks'],
        removed=['checkpoint_config'],
        findings=[
            finding('MIG030', 'dropped', 'checkpoint_config.create_symlink',
                    'MMEngine writes work_dir/last_checkpoint instead of latest.pth (passing '
                    'create_symlink raises TypeError)'),
        ],
    ),
    'checkpoint_none': report(
        rules=['MIG030'],
        written=['default_hooks'],
        removed=['checkpoint_config'],
    ),
    'checkpoint_with_save_best': report(
        rules=['MIG010', 'MIG020', 'MIG030'],
        written=['train_cfg', 'default_hooks', 'val_evaluator', 'val_cfg'],
        removed=['runner', 'evaluation', 'checkpoint_config'],
        findings=[
            finding('MIG020', 'approximation', 'evaluation.save_best',
                    "MMEngine metrics may name 'bbox_mAP' differently (CocoMetric reports "
                    "coco/bbox_mAP, Accuracy accuracy/top1): check it against the evaluator's "
                    'metric names', kind='metric-prefix'),
            finding('MIG020', 'note', 'evaluation.save_best',
                    'best checkpoints are saved without optimizer state in MMEngine'),
            finding('MIG020', 'manual', 'evaluation.metric',
                    'set val_evaluator.type to the task metric (MMCV called '
                    'dataset.evaluate(**kwargs); MMEngine builds a Metric)'),
        ],
    ),
    'save_best_without_checkpoint_config': report(
        rules=['MIG010', 'MIG020', 'MIG030'],
        written=['train_cfg', 'default_hooks', 'val_evaluator', 'val_cfg'],
        removed=['runner', 'evaluation', 'checkpoint_config'],
        findings=[
            finding('MIG020', 'note', 'evaluation.save_best',
                    'best checkpoints are saved without optimizer state in MMEngine'),
            finding('MIG020', 'manual', 'evaluation.metric',
                    'set val_evaluator.type to the task metric (MMCV called '
                    'dataset.evaluate(**kwargs); MMEngine builds a Metric)'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_checkpoint_config'),
    pytest.param("default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1))\n",
                 id='already_default_hooks'),
    pytest.param("checkpoint = 'https://example.com/resnet50.pth'\n", id='similar_name'),
    pytest.param(
        "model = dict(type='X', init_cfg=dict(type='Pretrained', checkpoint_config=dict()))\n",
        id='nested_in_model'),
    pytest.param("# checkpoint_config = dict(interval=1)\n", id='commented_out'),
    pytest.param({'base.py': "runner = dict(type='EpochBasedRunner', max_epochs=12)\n"
                             "checkpoint_config = dict(interval=1)\n",
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
