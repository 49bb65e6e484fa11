"""``Evaluator``: runs several metrics over the same model outputs; ``build_evaluator``."""
from __future__ import annotations

from typing import Any, Iterable, Iterator, List, Optional, Sequence, Union

from engine.dataset.collate import pseudo_collate
from engine.errors import BuildError, ConfigError
from engine.evaluator.metric import BaseMetric
from engine.registry.root import EVALUATOR, METRICS


def _as_dict(sample: Any) -> Any:
    # metrics index samples like dicts; MMEngine data elements are converted here once
    to_dict = getattr(sample, 'to_dict', None)
    return to_dict() if callable(to_dict) and not isinstance(sample, dict) else sample


def _build_metric(cfg: Any, key: Optional[str]) -> BaseMetric:
    """A metric from a config dict (errors keyed under ``key``) or a built metric as is."""
    if not isinstance(cfg, dict):
        return cfg
    try:
        return METRICS.build(cfg)
    except BuildError as e:
        type_ = cfg.get('type')
        unknown = e.key is None and isinstance(type_, str) and type_ not in METRICS
        full = '.'.join(p for p in (key, 'type' if unknown else None) if p)
        if not full:
            raise
        raise e.with_context(key=full) from e


@EVALUATOR.register_module()
class Evaluator:
    """Composes metrics (MMEngine's ``Evaluator``).

    Args:
        metrics: a metric, a metric config dict, or a list of them; configs are built from
            ``METRICS``.
    """

    def __init__(self, metrics: Union[dict, BaseMetric, Sequence]) -> None:
        self._dataset_meta: Optional[dict] = None
        if isinstance(metrics, dict) or not isinstance(metrics, Sequence):
            self.metrics: List[BaseMetric] = [_build_metric(metrics, 'metrics')]
        else:
            self.metrics = [_build_metric(m, f'metrics[{i}]') for i, m in enumerate(metrics)]

    @property
    def dataset_meta(self) -> Optional[dict]:
        """Meta information of the dataset; setting it passes it on to every metric."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: Optional[dict]) -> None:
        self._dataset_meta = dataset_meta
        for metric in self.metrics:
            metric.dataset_meta = dataset_meta

    def process(self, data_samples: Sequence, data_batch: Optional[Any] = None) -> None:
        """Hand one batch of model outputs (data samples or dicts) to every metric."""
        samples = [_as_dict(s) for s in data_samples]
        for metric in self.metrics:
            metric.process(data_batch, samples)

    def evaluate(self, size: int) -> dict:
        """Evaluate every metric on a dataset of ``size`` samples and merge their results.

        Raises:
            ValueError: two metrics produced the same key (give them different prefixes).
        """
        merged: dict = {}
        for metric in self.metrics:
            result = metric.evaluate(size)
            for name in result:
                if name in merged:
                    raise ValueError(
                        f"two metrics both produced '{name}' ({type(metric).__name__} is the "
                        'second); give them different prefixes, e.g. '
                        f"dict(type='{type(metric).__name__}', prefix='other')")
            merged.update(result)
        return merged

    def offline_evaluate(self, data_samples: Sequence, data: Optional[Sequence] = None,
                         chunk_size: int = 1) -> dict:
        """Evaluate saved predictions (and optionally their inputs) in chunks of ``chunk_size``."""
        if data is not None and len(data) != len(data_samples):
            raise ValueError(f'data_samples and data must have the same length, got '
                             f'{len(data_samples)} and {len(data)}')
        data_chunks = _chunks(data, chunk_size) if data is not None else None
        size = 0
        for chunk in _chunks(data_samples, chunk_size):
            batch = pseudo_collate(next(data_chunks)) if data_chunks is not None else None
            size += len(chunk)
            self.process(chunk, batch)
        return self.evaluate(size)


def _chunks(items: Iterable, chunk_size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build_evaluator(cfg: Any, *, key: str = 'val_evaluator') -> Evaluator:
    """Build an :class:`Evaluator` the way MMEngine's runner does.

    ``cfg`` may be an Evaluator (returned as is), a dict with ``metrics`` (an evaluator config,
    ``type`` defaulting to ``'Evaluator'``), any other dict (one metric config), or a list of
    metrics / metric configs. ``key`` names the config key in error messages.
    """
    if isinstance(cfg, Evaluator):
        return cfg
    try:
        if isinstance(cfg, dict) and 'metrics' in cfg:
            cfg = dict(cfg)
            cfg.setdefault('type', 'Evaluator')
            try:
                return EVALUATOR.build(cfg)
            except BuildError as e:
                # a bad metric inside comes back keyed 'metrics...' already
                if e.key is None and isinstance(cfg['type'], str) and cfg['type'] not in EVALUATOR:
                    raise e.with_context(key='type') from e
                raise
        if isinstance(cfg, dict):
            # a plain dict is one metric config: its errors are keyed by the evaluator key itself
            return Evaluator(_build_metric(cfg, None))
        if isinstance(cfg, (list, tuple)):
            return Evaluator(list(cfg))
    except BuildError as e:
        raise e.with_context(key=key) from e
    raise ConfigError(f'an evaluator config must be a dict, a list or an Evaluator, got '
                      f'{type(cfg).__name__}', key=key,
                      fix=f"write {key}=dict(type='Accuracy') or a list of metric dicts")
