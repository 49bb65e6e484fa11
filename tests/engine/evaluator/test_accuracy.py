"""Accuracy on hand-made scores; expectations worked out in the comments."""
import pytest
import torch

from engine.evaluator import Accuracy, Evaluator

# 5 samples, 6 classes. For each row: the ranking of classes by score, and where gt falls.
SCORES = torch.tensor([
    [0.50, 0.20, 0.10, 0.10, 0.05, 0.05],  # gt 0: rank 1             -> top1 hit, top5 hit
    [0.10, 0.60, 0.15, 0.05, 0.05, 0.05],  # gt 2: rank 2 (0.15)      -> top1 miss, top5 hit
    [0.30, 0.25, 0.20, 0.15, 0.06, 0.04],  # gt 5: rank 6 (0.04)      -> top1 miss, top5 miss
    [0.05, 0.05, 0.05, 0.05, 0.05, 0.75],  # gt 5: rank 1             -> top1 hit, top5 hit
    [0.40, 0.30, 0.10, 0.08, 0.07, 0.05],  # gt 4: rank 5 (0.07)      -> top1 miss, top5 hit
])
GT = [0, 2, 5, 5, 4]


def run(metric, samples, size=None):
    ev = Evaluator(metric)
    ev.process(samples[:3])
    ev.process(samples[3:])
    return ev.evaluate(len(samples) if size is None else size)


def score_samples():
    # gt given in the three forms data samples use: shape-(1,) tensor, 0-d tensor, int
    forms = [torch.tensor([GT[0]]), torch.tensor(GT[1]), GT[2], torch.tensor([GT[3]]), GT[4]]
    return [dict(pred_score=s, gt_label=g) for s, g in zip(SCORES, forms)]


def test_top1_top5_percent():
    # top1: rows 0 and 3 hit -> 2/5 = 40 %; top5: all but row 2 -> 4/5 = 80 %
    result = run(Accuracy(topk=(1, 5)), score_samples())
    assert result == pytest.approx({'accuracy/top1': 40.0, 'accuracy/top5': 80.0})
    assert all(isinstance(v, float) for v in result.values())


def test_default_is_top1_only():
    assert run(dict(type='Accuracy'), score_samples()) == pytest.approx({'accuracy/top1': 40.0})


def test_size_drops_padding():
    # size 4 drops row 4 (a top1 miss): top1 = 2/4 = 50 %
    assert run(Accuracy(), score_samples(), size=4) == pytest.approx({'accuracy/top1': 50.0})


def test_thresholds_name_keys():
    # thr 0.45: top1 hits are row 0 (0.50) and row 3 (0.75), both above -> still 40 %
    # thr 0.6: only row 3 (0.75) counts -> 20 %; no threshold -> 40 %
    result = run(Accuracy(thrs=(None, 0.45, 0.6)), score_samples())
    assert result == pytest.approx({'accuracy/top1_no-thr': 40.0,
                                    'accuracy/top1_thr-0.45': 40.0,
                                    'accuracy/top1_thr-0.60': 20.0})


def test_default_threshold_zero_ignores_non_positive_scores():
    # like mmpretrain, thrs=0. counts a hit only when its score is > 0
    samples = [dict(pred_score=torch.tensor([0.0, -1.0]), gt_label=0),
               dict(pred_score=torch.tensor([-2.0, 3.0]), gt_label=1)]
    assert run(Accuracy(), samples) == pytest.approx({'accuracy/top1': 50.0})
    assert run(Accuracy(thrs=None), samples) == pytest.approx({'accuracy/top1': 100.0})


def test_labels_only_gives_top1():
    # predicted labels 0, 1, 5, 5, 0 against gt 0, 2, 5, 5, 4 -> 3/5 = 60 %
    preds = [0, 1, 5, 5, 0]
    samples = [dict(pred_label=torch.tensor([p]), gt_label=torch.tensor([g]))
               for p, g in zip(preds, GT)]
    assert run(Accuracy(topk=(1, 5)), samples) == pytest.approx({'accuracy/top1': 60.0})


def test_topk_larger_than_classes_is_explained():
    with pytest.raises(ValueError, match='Top-10 accuracy is unavailable.*6'):
        run(Accuracy(topk=10), score_samples())


def test_prefix_and_int_topk():
    result = run(Accuracy(topk=2, prefix='val'), score_samples())
    # top2 adds row 1 (gt at rank 2) -> 3/5 = 60 %
    assert result == pytest.approx({'val/top2': 60.0})


def test_calculate_static():
    assert Accuracy.calculate([0, 2, 1, 3], [0, 1, 2, 3]).tolist() == [50.0]
    out = Accuracy.calculate(SCORES, GT, topk=(1, 5), thrs=(None,))
    assert [float(row[0]) for row in out] == pytest.approx([40.0, 80.0])
