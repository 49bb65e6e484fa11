"""Which downstream codebase's ``apis/train.py`` would have read a legacy config.

MMCV 1.x itself never read ``data``, ``evaluation`` or ``fp16``: each codebase's train script
did, with small differences (the validation batch size above all). The reference is MMDet 2.x
(``mmdet/apis/train.py::train_detector``); a config is read the MMCls / MMSeg / MMAction2 way
only when its model or data say it belongs there.
"""
from __future__ import annotations

from typing import Any, Dict

MMDET, MMCLS, MMSEG, MMACTION, MMSELFSUP = 'mmdet', 'mmcls', 'mmseg', 'mmaction2', 'mmselfsup'

#: model.type -> codebase, for the model types those codebases registered at the top level.
_MODEL_TYPES: Dict[str, str] = {
    'ImageClassifier': MMCLS,
    'EncoderDecoder': MMSEG, 'CascadeEncoderDecoder': MMSEG,
    'Recognizer2D': MMACTION, 'Recognizer3D': MMACTION, 'AudioRecognizer': MMACTION,
    'BMN': MMACTION, 'BSN': MMACTION,
    'BYOL': MMSELFSUP, 'MoCo': MMSELFSUP, 'SimSiam': MMSELFSUP, 'SimCLR': MMSELFSUP,
    'MAE': MMSELFSUP, 'NPID': MMSELFSUP, 'RelativeLoc': MMSELFSUP, 'RotationPred': MMSELFSUP,
    'DenseCL': MMSELFSUP, 'SwAV': MMSELFSUP, 'BarlowTwins': MMSELFSUP, 'ODC': MMSELFSUP,
    'DeepCluster': MMSELFSUP, 'SimMIM': MMSELFSUP, 'Classification': MMSELFSUP,
}

#: data.train.type -> codebase, for dataset-only ``_base_`` files (no model to go by).
_DATASET_TYPES: Dict[str, str] = {
    'ImageNet': MMCLS, 'ImageNet21k': MMCLS, 'CIFAR10': MMCLS, 'CIFAR100': MMCLS,
    'MNIST': MMCLS, 'FashionMNIST': MMCLS, 'CUB': MMCLS, 'StanfordCars': MMCLS,
    'CityscapesDataset': MMSEG, 'ADE20KDataset': MMSEG, 'PascalVOCDataset': MMSEG,
    'PascalContextDataset': MMSEG, 'PascalContextDataset59': MMSEG, 'COCOStuffDataset': MMSEG,
    'VideoDataset': MMACTION, 'RawframeDataset': MMACTION,
    'MultiViewDataset': MMSELFSUP, 'SingleViewDataset': MMSELFSUP,
    'RelativeLocDataset': MMSELFSUP, 'RotationPredDataset': MMSELFSUP,
    'DeepClusterDataset': MMSELFSUP,
}


def _dataset_type(data: Any) -> Any:
    train = data.get('train') if isinstance(data, dict) else None
    while isinstance(train, dict) and isinstance(train.get('dataset'), dict):
        train = train['dataset']   # RepeatDataset and other wrappers
    return train.get('type') if isinstance(train, dict) else None


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
    data = legacy.get('data')
    if isinstance(data, dict) and 'videos_per_gpu' in data:
        return MMACTION
    model = legacy.get('model')
    mtype = model.get('type') if isinstance(model, dict) else None
    if isinstance(mtype, str) and mtype in _MODEL_TYPES:
        return _MODEL_TYPES[mtype]
    dtype = _dataset_type(data)
    if isinstance(dtype, str) and dtype in _DATASET_TYPES:
        return _DATASET_TYPES[dtype]
    return MMDET
