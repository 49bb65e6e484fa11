"""Replaying the random draws of a legacy ``workflow`` val phase on the engine.

MMDet 2.x built the loader of a ``('val', n)`` workflow phase like the training one: a
``GroupSampler`` that shuffles from numpy's global stream. MMEngine has no such phase (the
converter reports it dropped), so a converted run's next training epochs would draw from a
stream the legacy run had moved on. :class:`LegacyValPhaseDraws` makes the same draws after
each training epoch, so that ``migrate verify`` compares the training maths on the legacy
sample order. It computes nothing else.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, Optional

from engine.hooks.hook import Hook

from compat.apis.builder import build_dataset
from compat.apis.samplers import GroupSampler
from compat.downstream.loader_args import mmdet as mmdet_loader_args

__all__ = ['LegacyValPhaseDraws']


class LegacyValPhaseDraws(Hook):
    """After each training epoch, draw ``phases`` shuffled orders over the legacy val split
    (built with the training pipeline, as MMDet's ``tools/train.py`` did)."""

    priority = 'LOWEST'

    def __init__(self, legacy_cfg: Dict[str, Any], phases: int):
        data = legacy_cfg['data']
        self.val_cfg = copy.deepcopy(data['val'])
        if isinstance(data.get('train'), dict) and 'pipeline' in data['train']:
            self.val_cfg['pipeline'] = data['train']['pipeline']
        args, _, _ = mmdet_loader_args(dict(data), 'train')
        self.samples_per_gpu = args.get('samples_per_gpu', 2)
        self.phases = phases
        self._sampler: Optional[GroupSampler] = None

    def after_train_epoch(self, runner) -> None:
        if self._sampler is None:
            self._sampler = GroupSampler(build_dataset(self.val_cfg), self.samples_per_gpu)
        for _ in range(self.phases):
            iter(self._sampler)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(phases={self.phases})'
