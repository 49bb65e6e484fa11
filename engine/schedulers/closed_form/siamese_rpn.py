"""MMTracking 0.x ``SiameseRPN``: a per-epoch factor table built from phases, each
``dict(type='step'|'log', start_lr_factor, end_lr_factor, end_epoch)`` starting where the
previous one ended.

Source: mmtrack/core/hook/lr_updater.py, ``step_lr_interval`` (geometric:
``start * mult ** k`` with ``mult = (end / start) ** (1 / epochs)``, the end not reached),
``log_lr_interval`` (``np.logspace(log10(start), log10(end), epochs)``, both ends included)
and ``SiameseRPNLrUpdaterHook.get_lr`` (``base_lr * lr_intervals[runner.epoch]``).
numpy's ``logspace`` is rebuilt here as numpy's ``linspace`` computes it (``i * step +
start``, the last point set to ``stop``).
"""
from __future__ import annotations

import math
from typing import List, Mapping, Sequence


def siamese_rpn_factors(phases: Sequence[Mapping]) -> List[float]:
    """The factor of every epoch, from the hook's ``lr_configs``.

    >>> [round(f, 6) for f in siamese_rpn_factors([dict(type='step', start_lr_factor=0.25,
    ...     end_lr_factor=1.0, end_epoch=2), dict(type='log', start_lr_factor=1.0,
    ...     end_lr_factor=0.01, end_epoch=5)])]
    [0.25, 0.5, 1.0, 0.1, 0.01]
    """
    factors: List[float] = []
    start_epoch = 0
    for phase in phases:
        epochs = phase['end_epoch'] - start_epoch
        start, end = phase['start_lr_factor'], phase['end_lr_factor']
        if phase['type'] == 'step':
            mult = math.pow(end / start, 1. / epochs)
            factors.extend(start * (mult ** k) for k in range(epochs))
        else:
            factors.extend(10.0 ** x for x in _linspace(math.log10(start), math.log10(end),
                                                        epochs))
        start_epoch = phase['end_epoch']
    return factors


def _linspace(start: float, stop: float, num: int) -> List[float]:
    """numpy's ``linspace(start, stop, num)`` (endpoint included), value for value."""
    if num == 1:
        return [start]
    div = num - 1
    step = (stop - start) / div
    if step == 0:
        points = [i / div * (stop - start) + start for i in range(num)]
    else:
        points = [i * step + start for i in range(num)]
    points[-1] = stop
    return points


def siamese_rpn_value(base: float, factors: Sequence[float], epoch: int) -> float:
    """``base`` times the factor of ``epoch`` (the last one held past the table's end).

    >>> siamese_rpn_value(0.1, [0.5, 1.0], 0), siamese_rpn_value(0.1, [0.5, 1.0], 7)
    (0.05, 0.1)
    """
    return base * factors[min(epoch, len(factors) - 1)]
