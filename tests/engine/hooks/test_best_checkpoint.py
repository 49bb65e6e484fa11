"""save_best / rule logic of the checkpoint hook (engine/hooks/best_checkpoint.py), with
MMEngine 0.10.7's rule inference (CheckpointHook._init_rule: exact greater key, exact less key,
then substring of a greater key, then of a less key). The files kept on disk: test_checkpoint_hook.
"""
import math

import pytest

from engine.hooks.best_checkpoint import (DEFAULT_GREATER_KEYS, DEFAULT_LESS_KEYS, BestTracker,
                                          infer_rule)


def test_default_keys_are_mmengines():
    assert list(DEFAULT_GREATER_KEYS) == ['acc', 'top', 'AR@', 'auc', 'precision', 'mAP',
                                          'mDice', 'mIoU', 'mAcc', 'aAcc']
    assert list(DEFAULT_LESS_KEYS) == ['loss']


@pytest.mark.parametrize('key,rule', [
    ('acc', 'greater'), ('accuracy/top1', 'greater'), ('coco/bbox_mAP', 'greater'),
    ('mIoU', 'greater'), ('loss', 'less'), ('val_loss', 'less'), ('AR@100', 'greater'),
    ('ACC', 'greater'),
    ('top_loss', 'greater'),   # substring of a greater key wins over a less key
])
def test_infer_rule(key, rule):
    assert infer_rule(key) == rule


def test_infer_rule_with_custom_keys_and_unknown_key():
    assert infer_rule('err', greater_keys=['score'], less_keys=['err']) == 'less'
    with pytest.raises(ValueError, match="rule='greater'"):
        infer_rule('psnr_db')


def test_tracker_rules_per_key_and_info_keys():
    tracker = BestTracker(['acc', 'loss'], None, None, None)
    assert tracker.rules == ['greater', 'less']
    assert tracker.info_keys('acc') == ('best_score_acc', 'best_ckpt_acc')
    single = BestTracker('psnr', 'greater', None, None)
    assert single.rules == ['greater'] and single.info_keys('psnr') == ('best_score', 'best_ckpt')
    shared = BestTracker(['a', 'b'], 'less', None, None)
    assert shared.rules == ['less', 'less']


def test_auto_becomes_the_first_metric():
    tracker = BestTracker('auto', None, None, None)
    tracker.resolve_auto({'coco/bbox_mAP': 0.3, 'loss': 1.0})
    assert tracker.keys == ['coco/bbox_mAP'] and tracker.rules == ['greater']


@pytest.mark.parametrize('args,match', [
    ((['auto', 'acc'], None), 'auto'),
    ((['acc', 'loss'], ['greater']), 'rule has 1 entries'),
    (('acc', 'bigger'), "rule must be"),
])
def test_tracker_argument_errors(args, match):
    with pytest.raises(ValueError, match=match):
        BestTracker(*args, None, None)


def test_is_better_starts_from_infinity():
    assert BestTracker.is_better('greater', -1e300, None)
    assert BestTracker.is_better('less', 1e300, None)
    assert not BestTracker.is_better('greater', 1.0, 1.0)
    assert BestTracker.is_better('less', 0.5, 1.0)
    assert not BestTracker.is_better('greater', -math.inf, None)
