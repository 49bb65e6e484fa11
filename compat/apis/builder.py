"""The downstream registries (``MODELS``, ``DATASETS``) and their builders, as MMDet 2.x's
``build_detector``/``build_dataset`` used them.

A legacy codebase registered its models and datasets in its own registries; under compat they
go into these two (through ``custom_imports`` modules that import ``compat.apis``). A top-level
``train_cfg``/``test_cfg`` belongs to the model: MMDet 2.x and MMAction2 0.x hand them to the
model builder (with a deprecation warning); giving them both there and inside ``model`` is an
error, as it was.
"""
from __future__ import annotations

import bisect
import warnings
from typing import Any, Dict, List, Optional

import numpy as np
from torch.utils.data import ConcatDataset as _TorchConcatDataset
from torch.utils.data import Dataset

from compat.utils.registry import Registry, build_from_cfg

__all__ = ['MODELS', 'DATASETS', 'build_model', 'build_dataset', 'ConcatDataset',
           'RepeatDataset']

MODELS = Registry('model', scope='compat')
DATASETS = Registry('dataset', scope='compat')


def build_model(cfg: Dict[str, Any], train_cfg: Optional[dict] = None,
                test_cfg: Optional[dict] = None):
    """Build ``cfg`` from ``MODELS``; a top-level ``train_cfg``/``test_cfg`` is passed in."""
    if train_cfg is not None or test_cfg is not None:
        warnings.warn('train_cfg and test_cfg is deprecated, please specify them in model',
                      UserWarning)
    for name, outer in (('train_cfg', train_cfg), ('test_cfg', test_cfg)):
        if outer is not None and cfg.get(name) is not None:
            raise ValueError(f'{name} specified in both outer field and model field: keep '
                             f'one of `{name} = ...` and `model.{name}`')
    return MODELS.build(cfg, default_args=dict(train_cfg=train_cfg, test_cfg=test_cfg))


class ConcatDataset(_TorchConcatDataset):
    """Datasets one after another; ``CLASSES`` of the first, ``flag`` concatenated.
    ``evaluate`` with ``separate_eval`` scores each part on its slice of the results, keys
    prefixed by the part's index."""

    def __init__(self, datasets: List[Dataset], separate_eval: bool = True):
        super().__init__(datasets)
        self.CLASSES = getattr(datasets[0], 'CLASSES', None)
        self.separate_eval = separate_eval
        if all(hasattr(d, 'flag') for d in datasets):
            self.flag = np.concatenate([d.flag for d in datasets])

    def evaluate(self, results, logger=None, **kwargs) -> Dict[str, Any]:
        if not self.separate_eval:
            raise NotImplementedError(
                'ConcatDataset(separate_eval=False) scores the union with the first part\'s '
                'evaluate, which needs MMDet\'s dataset internals; set separate_eval=True')
        if len(results) != self.cumulative_sizes[-1]:
            raise ValueError(f'ConcatDataset.evaluate: {len(results)} results for '
                             f'{self.cumulative_sizes[-1]} samples')
        out: Dict[str, Any] = {}
        start = 0
        for index, (dataset, end) in enumerate(zip(self.datasets, self.cumulative_sizes)):
            scores = dataset.evaluate(results[start:end], logger=logger, **kwargs)
            out.update((f'{index}_{k}', v) for k, v in scores.items())
            start = end
        return out

    def get_part(self, idx: int) -> int:
        return bisect.bisect_right(self.cumulative_sizes, idx)


class RepeatDataset(Dataset):
    """``dataset`` ``times`` over (one long epoch); ``flag`` tiled, ``CLASSES`` kept."""

    def __init__(self, dataset: Dataset, times: int):
        self.dataset, self.times = dataset, times
        self.CLASSES = getattr(dataset, 'CLASSES', None)
        if hasattr(dataset, 'flag'):
            self.flag = np.tile(dataset.flag, times)
        self._ori_len = len(dataset)

    def __getitem__(self, idx: int):
        return self.dataset[idx % self._ori_len]

    def __len__(self) -> int:
        return self.times * self._ori_len


def build_dataset(cfg: Any, default_args: Optional[dict] = None):
    """A dataset from ``cfg``: a list is concatenated, ``ConcatDataset``/``RepeatDataset``
    wrap their parts, anything else is built from ``DATASETS``."""
    if isinstance(cfg, (list, tuple)):
        return ConcatDataset([build_dataset(c, default_args) for c in cfg])
    if cfg['type'] == 'ConcatDataset':
        return ConcatDataset([build_dataset(c, default_args) for c in cfg['datasets']],
                             cfg.get('separate_eval', True))
    if cfg['type'] == 'RepeatDataset':
        return RepeatDataset(build_dataset(cfg['dataset'], default_args), cfg['times'])
    return build_from_cfg(cfg, DATASETS, default_args)
