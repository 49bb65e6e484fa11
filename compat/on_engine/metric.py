"""``LegacyDatasetMetric``: the legacy ``dataset.evaluate`` as an engine metric."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from engine.evaluator.metric import BaseMetric
from engine.registry import METRICS

from compat.apis.builder import build_dataset

__all__ = ['LegacyDatasetMetric']


@METRICS.register_module()
class LegacyDatasetMetric(BaseMetric):
    """Collect the legacy predictions of every batch and score them with
    ``dataset.evaluate(results, logger=None, **eval_kwargs)``, as MMCV's ``EvalHook`` did.
    ``dataset`` is the legacy ``data.val`` entry (built once, in test mode)."""

    default_prefix: Optional[str] = None

    def __init__(self, dataset: dict, collect_device: str = 'cpu',
                 prefix: Optional[str] = None, **eval_kwargs: Any):
        super().__init__(collect_device=collect_device, prefix=prefix or '')
        self.prefix = prefix
        self.dataset_cfg = dataset
        self.eval_kwargs = eval_kwargs
        self._dataset = None

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        self.results.extend(data_samples)

    def compute_metrics(self, results: list) -> dict:
        if self._dataset is None:
            self._dataset = build_dataset(self.dataset_cfg, dict(test_mode=True))
        return dict(self._dataset.evaluate(results, logger=None, **self.eval_kwargs))
