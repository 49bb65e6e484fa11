"""Check a converted ``param_scheduler`` list before it is written for ``--target mmengine``:
only MMEngine 0.10.7 core types, and arguments MMEngine accepts.

The argument rules are not restated here: the list is built on the engine's schedulers, whose
checks (:mod:`engine.schedulers.checks`) are MMEngine's rules, over a stand-in optimizer.
"""
from __future__ import annotations

from typing import Any, Dict, List

from engine.errors import BuildError, ConfigError
from engine.schedulers.builder import build_param_schedulers
from migrate.static.values import detached_copy

#: Scheduler types of MMEngine 0.10.7 core that the mapping may write.
MMENGINE_TYPES = frozenset({
    'ConstantLR', 'LinearLR', 'StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR',
    'PolyLR', 'OneCycleLR', 'CosineRestartLR', 'ConstantMomentum', 'LinearMomentum',
    'StepMomentum', 'MultiStepMomentum', 'ExponentialMomentum', 'CosineAnnealingMomentum',
    'PolyMomentum', 'CosineRestartMomentum'})

_LONG_EPOCH = 10 ** 6
_CONVERTER_BUG = 'this is a converter bug: report the legacy lr_config'


class _ParamGroups:
    """All a scheduler reads of an optimizer: one param group per per-group value written
    (OneCycleLR's ``eta_max`` list counts the wrapper's pseudo group too)."""

    def __init__(self, count: int):
        self.param_groups = [dict(params=[], lr=0.1, momentum=0.9) for _ in range(count)]
        self.defaults = dict(lr=0.1, momentum=0.9)


def check_mmengine_list(schedulers: List[Dict[str, Any]]) -> None:
    """Raise ConfigError naming ``param_scheduler[i].<arg>`` for anything MMEngine rejects."""
    for i, s in enumerate(schedulers):
        if s['type'] not in MMENGINE_TYPES:
            raise ConfigError(f"{s['type']} type is not an MMEngine scheduler",
                              key=f'param_scheduler[{i}].type', fix=_CONVERTER_BUG)
        # MMEngine would run OneCycleLR without total_steps, over end - begin: the converter
        # always writes the run's length so that the two never disagree.
        if s['type'] == 'OneCycleLR' and s.get('total_steps') is None:
            raise ConfigError('OneCycleLR total_steps must be written',
                              key=f'param_scheduler[{i}].total_steps', fix=_CONVERTER_BUG)
    optimizer = _ParamGroups(max([len(v) for s in schedulers for v in s.values()
                                  if isinstance(v, list) and s['type'] == 'OneCycleLR'] or [1]))
    try:
        # The epoch length is not known when converting; a long one keeps fractional
        # epochs of convert_to_iter_based entries whole, as a real dataloader does.
        build_param_schedulers(detached_copy(schedulers), optimizer, epoch_length=_LONG_EPOCH)
    except BuildError as exc:
        raise ConfigError(f'{exc.message} (MMEngine 0.10.7 rejects it)', key=exc.key,
                          fix=_CONVERTER_BUG) from None
