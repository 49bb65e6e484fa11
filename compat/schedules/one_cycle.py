"""MMCV 1.x ``OneCycle`` policies, always counted in iterations.

lr: the optimizer's lr is ignored; ``initial = max_lr / div_factor`` ramps to
``initial * div_factor`` for ``pct_start`` of ``total_steps`` (default ``max_iters``), then
anneals to ``initial / final_div_factor`` (``three_phase`` first comes back down to
``initial``).

momentum: runs opposite to the lr: ``max_momentum`` falls to ``base_momentum`` while the lr
rises and climbs back (three-phase: then stays at ``max_momentum``), over ``max_iters`` (MMCV's
momentum hook has no ``total_steps``). Phase tables and interpolation are the engine's.
"""
from __future__ import annotations

from engine.schedulers.closed_form import (one_cycle_momentum_phases, one_cycle_phases,
                                           one_cycle_value)


def one_cycle_lr_value(max_lr: float, cur_iter: int, total_steps: int, pct_start: float = 0.3,
                       div_factor: float = 25., final_div_factor: float = 1e4,
                       three_phase: bool = False, strategy: str = 'cos') -> float:
    """lr at global iteration ``cur_iter`` for one param group.

    >>> round(one_cycle_lr_value(0.1, 0, 10), 12)          # max_lr / 25
    0.004
    >>> one_cycle_lr_value(0.1, 2, 10)          # the peak, at pct_start * 10 - 1
    0.1
    >>> round(one_cycle_lr_value(1.0, 3, 10, pct_start=0.25, div_factor=10.0,
    ...                          three_phase=True, strategy='linear'), 12)   # initial again at 3
    0.1
    """
    initial = max_lr / div_factor
    # MMCV stores the phase anchors as ratios of `initial` and multiplies at each step.
    anchors = {'initial': initial * 1, 'max': initial * div_factor,
               'min': initial * (1 / final_div_factor)}
    phases = one_cycle_phases(total_steps, pct_start, three_phase)
    return one_cycle_value(cur_iter, phases, anchors, strategy)


def one_cycle_momentum_value(base_momentum: float, max_momentum: float, cur_iter: int,
                             max_iters: int, pct_start: float = 0.3, three_phase: bool = False,
                             strategy: str = 'cos') -> float:
    """Momentum (or beta1) at global iteration ``cur_iter`` for one param group.

    >>> one_cycle_momentum_value(0.85, 0.95, 0, 10), one_cycle_momentum_value(0.85, 0.95, 2, 10)
    (0.95, 0.85)
    >>> one_cycle_momentum_value(0.85, 0.95, 9, 10)
    0.95
    """
    phases = one_cycle_momentum_phases(max_iters, pct_start, three_phase)
    anchors = {'max': max_momentum, 'base': base_momentum}
    return one_cycle_value(cur_iter, phases, anchors, strategy)
