"""The ``build_dataloader`` arguments each image codebase's scripts assembled from ``data``.

MMCV 1.x never read ``data``: every codebase built its loaders in its own ``apis/train.py``
(train and val) and ``tools/test.py`` (test), and they differ most in the val/test batch size
and in which loaders the shared ``data`` settings reach. One function per codebase returns,
for one split, the arguments (``samples_per_gpu``, ``workers_per_gpu``, ``persistent_workers``,
``shuffle``, ``drop_last``, ``pin_memory``) and the data-level keys that script never read.
``data.<split>_dataloader`` is the override every one of them applied last.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

#: the data-level and override keys that are loader settings
LOADER_KEYS = ('samples_per_gpu', 'imgs_per_gpu', 'videos_per_gpu', 'workers_per_gpu',
               'persistent_workers', 'shuffle', 'drop_last', 'pin_memory')
Args = Dict[str, Any]
#: (arguments, data-level keys the codebase never read for this split, keys set twice)
Reading = Tuple[Args, List[str], List[str]]


def _shared(data: Dict[str, Any]) -> Args:
    args = {k: data[k] for k in LOADER_KEYS if k in data and k != 'videos_per_gpu'}
    if 'imgs_per_gpu' in args:
        # compat_imgs_per_gpu (MMDet 2.x, MMCls/MMSelfSup 0.x): imgs_per_gpu wins
        args['samples_per_gpu'] = args.pop('imgs_per_gpu')
    return args


def _override(data: Dict[str, Any], split: str) -> Args:
    over = data.get(f'{split}_dataloader')
    args = {k: v for k, v in over.items() if k in LOADER_KEYS} if isinstance(over, dict) else {}
    if 'imgs_per_gpu' in args:
        args['samples_per_gpu'] = args.pop('imgs_per_gpu')
    return args


def mmdet(data: Dict[str, Any], split: str) -> Reading:
    """MMDet 2.x ``utils/compat_config.py::compat_loader_args`` then ``apis/train.py::
    train_detector`` (train defaults batch 2, workers 2; val defaults batch 1, workers 2) and
    ``tools/test.py`` (test batch 1): ``data.samples_per_gpu`` and ``persistent_workers`` go
    to the train loader only, ``workers_per_gpu`` to all three, ``data.val/test.samples_per_gpu``
    to their own loader (a list of test sets: the largest); other data-level keys are unread.
    A value set both in ``data`` and in the loader override is returned as a conflict:
    MMDet 2.24+ asserted on it, earlier 2.x never read the override."""
    shared = _shared(data)
    over = _override(data, split)
    unread = [k for k in shared if k not in ('samples_per_gpu', 'workers_per_gpu',
                                             'persistent_workers')]
    args: Args = {'workers_per_gpu': shared.get('workers_per_gpu', 2)}
    conflicts: List[str] = []
    if split == 'train':
        conflicts += [f'data.{k}' for k in ('samples_per_gpu', 'persistent_workers')
                      if k in shared and k in over]
        args['samples_per_gpu'] = shared.get('samples_per_gpu', 2)
        if 'persistent_workers' in shared:
            args['persistent_workers'] = shared['persistent_workers']
    else:
        args['samples_per_gpu'] = _split_batch(data.get(split), split)
        if 'samples_per_gpu' in over and _split_sets_batch(data.get(split)):
            conflicts.append(f'data.{split}.samples_per_gpu')
    args.update(over)
    return args, unread, conflicts


def _split_batch(dataset: Any, split: str) -> Any:
    if isinstance(dataset, list):
        values = [d.get('samples_per_gpu', 1) if isinstance(d, dict) else 1 for d in dataset]
        return max(values) if all(isinstance(v, int) for v in values) else values[0]
    return dataset.get('samples_per_gpu', 1) if isinstance(dataset, dict) else 1


def _split_sets_batch(dataset: Any) -> bool:
    sets = dataset if isinstance(dataset, list) else [dataset]
    return any(isinstance(d, dict) and 'samples_per_gpu' in d for d in sets)


def mmseg(data: Dict[str, Any], split: str) -> Reading:
    """MMSeg 0.x ``apis/train.py::train_segmentor``: every loader starts from ``dict(...,
    drop_last=True)`` updated with every data-level setting; val forces batch 1 and no shuffle;
    ``tools/test.py`` builds test the same way without the ``drop_last`` default."""
    args = _shared(data)
    if split == 'train':
        args = {'drop_last': True, **args}
    else:
        args = {**args, 'samples_per_gpu': 1, 'shuffle': False}
        if split == 'val':
            args = {'drop_last': True, **args}
    args.update(_override(data, split))
    if split != 'train' and args.get('samples_per_gpu') == 1:
        args.pop('drop_last', None)   # no partial batch to drop: not worth a line
    return args, [], []


def mmcls(data: Dict[str, Any], split: str) -> Reading:
    """MMCls 0.x ``apis/train.py::train_model`` and ``tools/test.py``: every loader starts
    from every data-level setting (the val/test batch is ``data.samples_per_gpu``, not 1);
    val and test are not shuffled, val does not drop the last batch."""
    args = _shared(data)
    if split == 'val':
        args.update(shuffle=False, drop_last=False)
    elif split == 'test':
        args['shuffle'] = False
    args.update(_override(data, split))
    if split != 'train' and args.get('drop_last') is False:
        args.pop('drop_last')   # MMEngine's default
    return args, [], []


def mmselfsup(data: Dict[str, Any], split: str) -> Reading:
    """MMSelfSup 0.x ``apis/train.py::train_model``: as MMCls 0.x (the val batch is
    ``data.samples_per_gpu``), every loader from the data-level settings, val not shuffled."""
    return mmcls(data, split)


READERS: Dict[str, Callable[[Dict[str, Any], str], Reading]] = {
    'mmdet': mmdet, 'mmdet3d': mmdet, 'mmseg': mmseg, 'mmcls': mmcls, 'mmselfsup': mmselfsup,
}
