"""Which downstream codebase's ``apis/train.py`` would have read a legacy config.

MMCV 1.x itself never read ``data``, ``evaluation`` or ``fp16``: each codebase's train script
did, with small differences (the validation batch size above all). The reference is MMDet 2.x
(``mmdet/apis/train.py::train_detector``); a config is read the MMCls / MMSeg / MMAction2 way
only when its model or data say it belongs there — the same evidence the rules use
(:func:`migrate.rules._codebase.codebase_of`), so the check and the conversion agree.
"""
from __future__ import annotations

from typing import Any, Dict

from migrate.rules._codebase import codebase_of

MMDET, MMCLS, MMSEG, MMACTION, MMSELFSUP = 'mmdet', 'mmcls', 'mmseg', 'mmaction2', 'mmselfsup'

#: Model types of a known codebase that the rules leave out of ``tables.MODEL_TYPE_CODEBASE``
#: (MMAction2's localizers never got a top-level train_cfg, so MIG011 must not guess for them;
#: their data was still read the MMAction2 way).
_READ_AS: Dict[str, str] = {'BMN': MMACTION, 'BSN': MMACTION}


def guess_codebase(legacy: Dict[str, Any]) -> str:
    """The codebase whose train script read ``legacy`` (MMDet 2.x unless something says not).

    >>> guess_codebase({'model': {'type': 'ImageClassifier'}})
    'mmcls'
    >>> guess_codebase({'data': {'videos_per_gpu': 8}})
    'mmaction2'
    >>> guess_codebase({'data': {'train': {'type': 'RepeatDataset',
    ...                                    'dataset': {'type': 'CIFAR10'}}}})
    'mmcls'
    >>> guess_codebase({'model': {'type': 'FasterRCNN'}})
    'mmdet'
    """
    codebase, _ = codebase_of(legacy)
    if codebase is not None:
        return codebase
    data = legacy.get('data')
    if isinstance(data, dict) and 'videos_per_gpu' in data:
        return MMACTION
    model = legacy.get('model')
    mtype = model.get('type') if isinstance(model, dict) else None
    return _READ_AS.get(mtype, MMDET) if isinstance(mtype, str) else MMDET
