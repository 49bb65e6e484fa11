"""MIG082 ``data-to-dataloaders``:
data.samples_per_gpu/workers_per_gpu/train/val/test become *_dataloader with batch_size,
num_workers and a DefaultSampler (shuffle on train only).

Golden pairs: ``fixtures/rule_cases/MIG082/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG082'

REPORTS = {
    'data': report(
        rules=['MIG020', 'MIG082'],
        written=[
            'val_evaluator',
            'val_cfg',
            'test_cfg',
            'test_evaluator',
            'train_dataloader',
            'val_dataloader',
            'test_dataloader',
        ],
        removed=['evaluation', 'data'],
        untouched=['dataset_type'],
        findings=[
            finding('MIG020', 'note', 'evaluation.interval',
                    'no runner in this file or its bases: val_interval is written by the configs '
                    'that inherit it'),
            finding('MIG020', 'note', 'evaluation.metric',
                    'Accuracy chosen from the val dataset type ImageNet'),
        ],
    ),
    'iter_runner_infinite': report(
        rules=['MIG010', 'MIG082'],
        written=['train_cfg', 'train_dataloader'],
        removed=['runner', 'data'],
    ),
    'mmaction_videos_per_gpu': report(
        rules=['MIG002', 'MIG082'],
        written=['optim_wrapper', 'train_dataloader', 'val_dataloader', 'test_dataloader'],
        removed=['optimizer_config', 'data'],
        untouched=['dataset_type'],
        findings=[
            finding('MIG002', 'note', 'optimizer_config.update_interval',
                    'update_interval became accumulative_counts (exact for mmselfsup 0.x; '
                    'OpenSelfSup never stepped a trailing partial window)'),
            finding('MIG082', 'note', 'data.videos_per_gpu',
                    'train batch_size = videos_per_gpu // update_interval = 32 // 4 (MMAction2 '
                    '0.x train_model)'),
        ],
    ),
    'mmdet_loader_overrides': report(
        rules=['MIG082'],
        written=['train_dataloader', 'test_dataloader'],
        removed=['data'],
        findings=[
            finding('MIG082', 'dropped', 'data.test_dataloader.dist',
                    'data.test_dataloader.dist dropped: MMEngine takes it from the launcher'),
            finding('MIG082', 'manual', 'data.samples_per_gpu',
                    'data.samples_per_gpu and data.train_dataloader both set the train loader: '
                    'MMDet 2.24+ compat_loader_args asserted, earlier 2.x never read the '
                    'override; train_dataloader takes the override: check it'),
        ],
    ),
    # batch 1 / data.test.samples_per_gpu, persistent_workers on train only: expected.py
    'mmdet_val_test_batch_one': report(
        rules=['MIG082'],
        written=['train_dataloader', 'val_dataloader', 'test_dataloader'],
        removed=['data'],
        untouched=['model'],
    ),
    'mmseg_val_batch_one': report(
        rules=['MIG082'],
        written=['train_dataloader', 'val_dataloader', 'test_dataloader'],
        removed=['data'],
        untouched=['model'],
    ),
    'mmselfsup_persistent_workers': report(
        rules=['MIG082'],
        written=['train_dataloader', 'val_dataloader'],
        removed=['data'],
        untouched=['persistent_workers', 'model'],
    ),
    'unknown_codebase_mmdet_way': report(
        rules=['MIG082'],
        written=['train_dataloader', 'val_dataloader'],
        removed=['data'],
        untouched=['model'],
        findings=[
            finding('MIG082', 'dropped', 'data.shuffle',
                    'data.shuffle dropped: MMDet 2.x train_detector never read it (set it on '
                    'data.<split>_dataloader); it is not written to any loader'),
            finding('MIG082', 'note', 'data',
                    "codebase unknown (model type 'MyDetector', train dataset type 'MyDataset'): "
                    'loaders read the MMDet 2.x way (val/test batch 1, persistent_workers on '
                    'train only); check them against your train script'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_data'),
    pytest.param(
        "train_dataloader = dict(\n"
        "    batch_size=2, num_workers=2,\n"
        "    sampler=dict(type='DefaultSampler', shuffle=True),\n"
        "    dataset=dict(type='CocoDataset', data_root='data/coco/'))\n",
        id='already_dataloaders'),
    pytest.param("data_root = 'data/coco/'\ndataset_type = 'CocoDataset'\n",
                 id='similar_name'),
    pytest.param("model = dict(type='X', data=dict(samples_per_gpu=2))\n",
                 id='nested_in_model'),
    pytest.param("# data = dict(samples_per_gpu=2, workers_per_gpu=2)\n",
                 id='commented_out'),
    pytest.param({'base.py': "runner = dict(type='EpochBasedRunner', max_epochs=12)\n"
                             "evaluation = dict(interval=1)\n"
                             "data = dict(samples_per_gpu=2, workers_per_gpu=2,\n"
                             "            train=dict(type='A'), val=dict(type='A'))\n",
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
