"""``BaseMetric``: accumulate per-batch results, gather them from every rank, compute once."""
from __future__ import annotations

import logging
import warnings
from abc import ABCMeta, abstractmethod
from typing import Any, List, Optional, Sequence

import torch

from engine.dist.utils import broadcast_object, collect_results, is_main_process

logger = logging.getLogger(__name__)


class BaseMetric(metaclass=ABCMeta):
    """Base class of metrics (MMEngine's ``BaseMetric`` contract).

    ``process`` appends to ``self.results`` for each batch; ``evaluate`` gathers the results of
    all ranks in dataset order, calls ``compute_metrics`` on rank 0 and returns the same dict on
    every rank, with keys prefixed by ``prefix/``.

    Args:
        collect_device: where results are gathered, ``'cpu'`` or ``'gpu'``.
        prefix: key prefix; defaults to the class attribute ``default_prefix``.
        collect_dir: kept for config compatibility (results travel through the process group).
    """

    default_prefix: Optional[str] = None

    def __init__(self, collect_device: str = 'cpu', prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        if collect_device not in ('cpu', 'gpu'):
            raise ValueError(f"collect_device must be 'cpu' or 'gpu', got {collect_device!r}")
        if collect_dir is not None and collect_device != 'cpu':
            raise ValueError("collect_dir can only be set when collect_device='cpu'")
        self._dataset_meta: Optional[dict] = None
        self.collect_device = collect_device
        self.collect_dir = collect_dir
        self.results: List[Any] = []
        self.prefix = prefix or self.default_prefix
        if self.prefix is None:
            logger.warning('metric %s has no prefix; its keys may clash with other metrics',
                           type(self).__name__)

    @property
    def dataset_meta(self) -> Optional[dict]:
        """Meta information of the evaluated dataset (class names...), set by the evaluator."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: Optional[dict]) -> None:
        self._dataset_meta = dataset_meta

    @abstractmethod
    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Turn one batch of model outputs into entries of ``self.results``."""

    @abstractmethod
    def compute_metrics(self, results: list) -> dict:
        """Compute ``{name: value}`` from the results of the whole dataset."""

    def evaluate(self, size: int) -> dict:
        """Gather results from all ranks, cut to ``size`` (drops sampler padding), compute on
        rank 0, broadcast; ``self.results`` is cleared afterwards."""
        if not self.results:
            warnings.warn(f'{type(self).__name__} got empty `self.results`: its process() added '
                          'nothing; make sure process() appends to self.results', UserWarning,
                          stacklevel=2)
        results = collect_results(self.results, size)
        if is_main_process():
            metrics = self.compute_metrics(_to_cpu(results))
            if self.prefix:
                metrics = {f'{self.prefix}/{k}': v for k, v in metrics.items()}
        else:
            metrics = None
        metrics = broadcast_object(metrics)
        self.results.clear()
        return metrics


def _to_cpu(data: Any) -> Any:
    """Move every tensor (and data element with ``.to``) in a nested structure to the CPU."""
    if isinstance(data, torch.Tensor) or (hasattr(data, 'to') and hasattr(data, 'to_dict')):
        return data.to('cpu')
    if isinstance(data, list):
        return [_to_cpu(d) for d in data]
    if isinstance(data, tuple):
        return tuple(_to_cpu(d) for d in data)
    if isinstance(data, dict):
        return {k: _to_cpu(v) for k, v in data.items()}
    return data
