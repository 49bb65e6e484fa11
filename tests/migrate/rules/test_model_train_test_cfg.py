"""MIG011 ``model-train-test-cfg``:
a top-level model train_cfg/test_cfg moves into model (MMDet/MMSeg/MMAction2/MMDet3D read it
there), is removed where the codebase never read it (MMCls/MMSelfSup), or is kept aside and
reported when the codebase is unknown.

Golden pairs: ``fixtures/rule_cases/MIG011/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         convert_file, finding, golden_cases, report, report_cases)

RULE = 'MIG011'

REPORTS = {
    'mmcls_train_cfg_never_read': report(
        rules=['MIG011', 'MIG010'],
        written=['train_cfg'],
        removed=['train_cfg', 'test_cfg', 'runner'],
        untouched=['model'],
        findings=[
            finding('MIG011', 'dropped', 'train_cfg',
                    'train_cfg removed: mmcls (model type ImageClassifier) never read a '
                    'top-level train_cfg (its train script builds the model from cfg.model '
                    'alone); a model setting belongs in model.train_cfg'),
        ],
    ),
    'mmdet20_model_cfg': report(
        rules=['MIG011', 'MIG010'],
        written=['model', 'train_cfg'],
        removed=['train_cfg', 'test_cfg', 'runner'],
        findings=[
            finding('MIG011', 'note', 'train_cfg',
                    'moved into model.train_cfg: mmdet (model type RetinaNet) handed the '
                    'top-level one to the model builder'),
            finding('MIG011', 'note', 'test_cfg',
                    'moved into model.test_cfg: mmdet (model type RetinaNet) handed the '
                    'top-level one to the model builder'),
        ],
    ),
    'negative_loop_cfg': report(
        untouched=['model', 'train_cfg', 'test_cfg'],
    ),
    'unknown_codebase_kept_aside': report(
        rules=['MIG011', 'MIG010'],
        written=['legacy_test_cfg', 'train_cfg'],
        removed=['test_cfg', 'runner'],
        untouched=['model'],
        findings=[
            finding('MIG011', 'manual', 'test_cfg',
                    'top-level test_cfg kept aside as legacy_test_cfg (no effect in MMEngine): '
                    "the codebase is not recognised (model type 'MyTracker'); "
                    'MMDet/MMSeg/MMAction2 0.x gave it to the model builder (move it into '
                    'model.test_cfg), MMCls/MMSelfSup 0.x never read it (delete it)'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='FasterRCNN', train_cfg=dict(rpn=None))\n",
                 id='inside_model_already'),
    pytest.param("train_cfg = dict(by_epoch=True, max_epochs=12)\nval_cfg = dict()\n",
                 id='loop_by_epoch'),
    pytest.param("test_cfg = dict(fp16=True)\n", id='test_loop_fp16_only'),
    pytest.param("model = dict(type='ImageClassifier')\ntest_cfg = dict()\n",
                 id='empty_test_loop_new_style'),
    pytest.param({'base.py': "model = dict(type='FasterRCNN')\n"
                             "train_cfg = dict(rcnn=dict(pos_weight=-1))\n",
                  'config.py': "_base_ = ['./base.py']\nlog_level = 'INFO'\n"},
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


def test_leaf_override_goes_into_the_model_delta(tmp_path):
    """MMDet 2.0 leaves override the base's top-level test_cfg: the leaf writes a model delta,
    and its runner still becomes a loop (a base's model train_cfg no longer swallows it)."""
    (tmp_path / 'base.py').write_text(
        "model = dict(type='FasterRCNN')\n"
        "train_cfg = dict(rcnn=dict(pos_weight=-1))\n"
        "test_cfg = dict(rcnn=dict(score_thr=0.05))\n", encoding='utf-8')
    leaf = tmp_path / 'leaf.py'
    leaf.write_text("_base_ = './base.py'\ntest_cfg = dict(rcnn=dict(score_thr=0.001))\n"
                    "runner = dict(type='EpochBasedRunner', max_epochs=24)\n", encoding='utf-8')
    out = convert_file(str(leaf))
    assert out['report']['errors'] == []
    assert out['text_out'] == (
        "_base_ = './base.py'\n"
        "model = dict(test_cfg=dict(rcnn=dict(score_thr=0.001)))\n"
        "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=24)\n")


def test_set_in_model_and_at_top_level_is_an_error(tmp_path):
    path = tmp_path / 'config.py'
    path.write_text("model = dict(type='FasterRCNN', test_cfg=dict(rcnn=None))\n"
                    "test_cfg = dict(rcnn=dict(score_thr=0.05))\n", encoding='utf-8')
    errors = convert_file(str(path))['report']['errors']
    assert len(errors) == 1
    assert "key 'test_cfg'" in errors[0] and 'model field' in errors[0]
    assert 'keep only model.test_cfg' in errors[0]


def test_explicit_none_in_model_keeps_the_top_level_one_out(tmp_path):
    path = tmp_path / 'config.py'
    path.write_text("model = dict(type='FasterRCNN', train_cfg=None)\n"
                    "train_cfg = dict(rcnn=dict(pos_weight=-1))\n", encoding='utf-8')
    out = convert_file(str(path))
    assert out['text_out'] == "model = dict(type='FasterRCNN', train_cfg=None)\n"
    assert [f['severity'] for f in out['report']['findings']] == ['note']


def test_dataset_type_decides_when_the_model_type_is_unknown(tmp_path):
    path = tmp_path / 'config.py'
    path.write_text("model = dict(type='MyRecognizer')\n"
                    "test_cfg = dict(average_clips='prob')\n"
                    "data = dict(videos_per_gpu=2, train=dict(type='RawframeDataset'))\n",
                    encoding='utf-8')
    out = convert_file(str(path))
    assert "test_cfg=dict(average_clips='prob')" in out['text_out']
    assert 'train dataset type RawframeDataset' in out['report']['findings'][0]['message']
