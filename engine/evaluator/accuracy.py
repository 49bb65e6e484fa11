"""Top-k classification accuracy with mmpretrain's ``Accuracy`` keys and numbers."""
from __future__ import annotations

from typing import List, Optional, Sequence, Union

import numpy as np
import torch

from engine.evaluator.metric import BaseMetric
from engine.registry.root import METRICS

Threshold = Optional[float]


def _to_tensor(value) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value)
    return torch.as_tensor(value)


def _label(value) -> torch.Tensor:
    # labels arrive as ints, 0-d tensors or shape-(1,) tensors; compute_metrics concatenates them
    return _to_tensor(value).detach().cpu().reshape(-1)


@METRICS.register_module()
class Accuracy(BaseMetric):
    """Top-k accuracy in percent; keys ``accuracy/top1``, ``accuracy/top5``...

    Data samples are dicts holding ``gt_label`` and either ``pred_score`` (class scores) or
    ``pred_label``. With labels only, just ``top1`` is reported.

    Args:
        topk: k or ks of top-k accuracy.
        thrs: score thresholds: a prediction counts only if its score is above the threshold
            (``None``: no threshold). With several, keys get ``_thr-0.50``/``_no-thr`` suffixes.
        collect_device, prefix: see :class:`BaseMetric`.
    """

    default_prefix: Optional[str] = 'accuracy'

    def __init__(self, topk: Union[int, Sequence[int]] = (1,),
                 thrs: Union[Threshold, Sequence[Threshold]] = 0., collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.topk = (topk,) if isinstance(topk, int) else tuple(topk)
        self.thrs = (thrs,) if thrs is None or isinstance(thrs, (int, float)) else tuple(thrs)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep the score (or label) and the ground truth of every sample, on the CPU."""
        for sample in data_samples:
            result = {}
            if 'pred_score' in sample:
                result['pred_score'] = _to_tensor(sample['pred_score']).detach().cpu()
            else:
                result['pred_label'] = _label(sample['pred_label'])
            result['gt_label'] = _label(sample['gt_label'])
            self.results.append(result)

    def compute_metrics(self, results: List[dict]) -> dict:
        """``{'top1': ..., 'top5': ...}`` (percent, floats)."""
        target = torch.cat([r['gt_label'] for r in results])
        if 'pred_score' not in results[0]:
            pred = torch.cat([r['pred_label'] for r in results])
            return {'top1': self.calculate(pred, target).item()}
        pred = torch.stack([r['pred_score'] for r in results])
        try:
            acc = self.calculate(pred, target, self.topk, self.thrs)
        except ValueError as e:
            raise ValueError(f'{e} Check the metrics in val_evaluator/test_evaluator.') from e
        metrics = {}
        for i, k in enumerate(self.topk):
            for j, thr in enumerate(self.thrs):
                name = f'top{k}'
                if len(self.thrs) > 1:
                    name += '_no-thr' if thr is None else f'_thr-{thr:.2f}'
                metrics[name] = acc[i][j].item()
        return metrics

    @staticmethod
    def calculate(pred, target, topk: Sequence[int] = (1,), thrs: Sequence[Threshold] = (0.,)
                  ) -> Union[torch.Tensor, List[List[torch.Tensor]]]:
        """Accuracy of labels ``(N,)`` -> 1-element tensor, or of scores ``(N, C)`` -> a
        ``[len(topk)][len(thrs)]`` nested list of 1-element tensors."""
        pred = _to_tensor(pred)
        target = _to_tensor(target).to(torch.int64)
        num = pred.size(0)
        if num != target.size(0):
            raise ValueError(f'{num} predictions but {target.size(0)} ground-truth labels')
        if pred.ndim == 1:
            return pred.eq(target).float().sum(0, keepdim=True).mul_(100. / num)
        pred = pred.float()
        maxk = max(topk)
        if maxk > pred.size(1):
            raise ValueError(f'Top-{maxk} accuracy is unavailable since the number of '
                             f'categories is {pred.size(1)}.')
        top_score, top_label = pred.topk(maxk, dim=1)
        # row r of `hit` says whether the r-th best class is the true one, per sample
        hit = top_label.t().eq(target.view(1, -1).expand(maxk, -1))
        out = []
        for k in topk:
            row = []
            for thr in thrs:
                ok = hit if thr is None else hit & (top_score.t() > thr)
                row.append(ok[:k].reshape(-1).float().sum(0, keepdim=True).mul_(100. / num))
            out.append(row)
        return out
