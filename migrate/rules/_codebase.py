"""Which downstream codebase a legacy config belongs to, from what the config itself shows.

MMCV 1.x read none of ``data``, a top-level ``train_cfg``/``test_cfg`` or ``paramwise_options``:
each codebase's train script did, differently. The evidence, in this order: ``model.type``
(``tables.MODEL_TYPE_CODEBASE``), then the train dataset type (``tables.DATASET_TYPE_CODEBASE``).
Nothing else is guessed: rules report an unknown codebase instead of assuming one.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from migrate.tables import DATASET_TYPE_CODEBASE, MODEL_TYPE_CODEBASE


def codebase_of(legacy: Dict[str, Any]) -> Tuple[Optional[str], str]:
    """``(codebase or None, the evidence)`` from the model type, else the train dataset."""
    model = legacy.get('model')
    mtype = model.get('type') if isinstance(model, dict) else None
    if isinstance(mtype, str) and mtype in MODEL_TYPE_CODEBASE:
        return MODEL_TYPE_CODEBASE[mtype], f'model type {mtype}'
    dtype = _train_dataset_type(legacy.get('data'))
    if dtype in DATASET_TYPE_CODEBASE:
        return DATASET_TYPE_CODEBASE[dtype], f'train dataset type {dtype}'
    what = f'model type {mtype!r}' if mtype is not None else 'no model type'
    return None, what + (f', train dataset type {dtype!r}' if dtype else '')


def _train_dataset_type(data: Any) -> Optional[str]:
    train = data.get('train') if isinstance(data, dict) else None
    while isinstance(train, dict) and isinstance(train.get('dataset'), dict):
        train = train['dataset']   # RepeatDataset, ClassBalancedDataset, ...
    if isinstance(train, list) and train and isinstance(train[0], dict):
        train = train[0]
    dtype = train.get('type') if isinstance(train, dict) else None
    return dtype if isinstance(dtype, str) else None
