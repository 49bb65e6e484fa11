"""The 1cycle policy: ramp ``initial -> max`` for ``pct_start`` of the steps, then anneal
``max -> min`` (two phases), or ``max -> initial -> min`` with ``three_phase``.

``initial = eta_max / div_factor`` and ``min = initial / final_div_factor``. The policy is not
chainable: the value depends only on the step, so this is also the stepping rule.
"""
from __future__ import annotations

import math
from typing import List, Tuple

Phase = Tuple[float, str, str]   # (last step of the phase, start key, end key)


def anneal(start: float, end: float, pct: float, strategy: str = 'cos') -> float:
    """Interpolate from ``start`` to ``end`` as ``pct`` goes from 0 to 1.

    >>> anneal(1.0, 0.0, 0.5, 'cos'), anneal(1.0, 0.0, 0.25, 'linear')
    (0.5, 0.75)
    """
    if strategy == 'cos':
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def one_cycle_phases(total_steps: int, pct_start: float, three_phase: bool) -> List[Phase]:
    """The phase table; phase ends are floats because ``pct_start * total_steps`` may be.

    >>> one_cycle_phases(10, 0.3, False)
    [(2.0, 'initial', 'max'), (9, 'max', 'min')]
    """
    if three_phase:
        return [(float(pct_start * total_steps) - 1, 'initial', 'max'),
                (float(2 * pct_start * total_steps) - 2, 'max', 'initial'),
                (total_steps - 1, 'initial', 'min')]
    return [(float(pct_start * total_steps) - 1, 'initial', 'max'),
            (total_steps - 1, 'max', 'min')]


def one_cycle_momentum_phases(total_steps: int, pct_start: float,
                              three_phase: bool) -> List[Phase]:
    """MMCV's ``OneCycleMomentumUpdaterHook`` phases, cycled inversely to the lr:
    ``max -> base -> max`` (three phases: ``max -> base -> max``, then held at ``max``).

    >>> one_cycle_momentum_phases(10, 0.3, False)
    [(2.0, 'max', 'base'), (9, 'base', 'max')]
    """
    if three_phase:
        return [(float(pct_start * total_steps) - 1, 'max', 'base'),
                (float(2 * pct_start * total_steps) - 2, 'base', 'max'),
                (total_steps - 1, 'max', 'max')]
    return [(float(pct_start * total_steps) - 1, 'max', 'base'),
            (total_steps - 1, 'base', 'max')]


def one_cycle_value(t: int, phases: List[Phase], anchors: dict, strategy: str = 'cos') -> float:
    """Value at step ``t``; ``anchors`` maps 'initial'/'max'/'min' to values.

    >>> phases = one_cycle_phases(10, 0.3, False)
    >>> anchors = {'initial': 0.004, 'max': 0.1, 'min': 4e-07}
    >>> round(one_cycle_value(0, phases, anchors), 12), one_cycle_value(2, phases, anchors)
    (0.004, 0.1)
    """
    start_step = 0
    for i, (end_step, start_key, end_key) in enumerate(phases):
        if t <= end_step or i == len(phases) - 1:
            pct = (t - start_step) / (end_step - start_step)
            return anneal(anchors[start_key], anchors[end_key], pct, strategy)
        start_step = end_step
    raise ValueError('one_cycle_value needs at least one phase')
