"""Legacy models and datasets on the engine: a team moves its configs and runtime to the
engine now and ports its models later.

Importing this package registers, in the engine's registries:

* ``LegacyModelAdapter`` (``MODELS``): trains a legacy-protocol model (``train_step(data,
  optimizer)`` returning ``loss``/``log_vars``/``num_samples``, ``forward(return_loss=False)``)
  with the engine's ``OptimWrapper``, so its gradients and steps are those MMCV's
  ``OptimizerHook`` made;
* ``LegacyDataset`` (``DATASETS``): a dataset from ``compat.apis.DATASETS`` (legacy configs'
  ``data.train`` and friends);
* ``legacy_collate`` (``FUNCTIONS``): MMCV's ``collate`` (``DataContainer`` batches);
* ``LegacyGroupSampler`` (``DATA_SAMPLERS``): MMDet 2.x's ``GroupSampler`` (the same sample
  order as a legacy run from the same seed);
* ``LegacyDatasetMetric`` (``METRICS``): scores predictions with the legacy dataset's own
  ``evaluate(results, logger, **eval_kwargs)``.

A config names it in ``custom_imports`` with ``runner_type = 'LegacyBridgeRunner'``
(``migrate convert --keep-legacy-models`` writes both), which applies
:func:`bridge_legacy_parts` when the run is built.
MMEngine has nothing like it: there, a legacy model must be ported first.
"""
from compat.on_engine.adapter import LegacyModelAdapter
from compat.on_engine.bridge import bridge_legacy_parts
from compat.on_engine.data import (LegacyDataset, LegacyGroupSampler,
                                  LegacyInfiniteGroupBatchSampler, legacy_collate)
from compat.on_engine.metric import LegacyDatasetMetric
from compat.on_engine.runner import LegacyBridgeRunner

__all__ = ['LegacyModelAdapter', 'LegacyDataset', 'LegacyGroupSampler',
           'LegacyInfiniteGroupBatchSampler', 'legacy_collate', 'LegacyDatasetMetric',
           'bridge_legacy_parts', 'LegacyBridgeRunner']
