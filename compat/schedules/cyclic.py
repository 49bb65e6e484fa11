"""MMCV 1.x ``cyclic`` policy (lr and momentum): cyclical values in ``cyclic_times`` cycles.

Each cycle of ``max_iters // cyclic_times`` iterations goes from ratio 1 to ``target_ratio[0]``
during its first ``int(step_ratio_up * cycle)`` iterations, then to ``target_ratio[1]``, by cosine
(or linear) annealing of ``base * ratio``. With ``gamma < 1`` cycle ``c`` shrinks the peak
towards the base: the ratio reached by the first phase becomes ``1 - s + target_ratio[0] * s``
with ``s = gamma ** c``. Always counted in iterations. The phase table is computed once from
the runner's ``max_iters`` (MMCV's ``before_run``); the formulas are the engine's
``closed_form.cyclic``, including MMCV's quirk for an empty rising phase (the falling phase
then starts at 0 and gets the scaled *end* ratio).
"""
from __future__ import annotations

from typing import Sequence

from compat.schedules._shared import cyclic_phases, cyclic_value as _cyclic_value

__all__ = ['cyclic_phases', 'cyclic_value']


def cyclic_value(base: float, cur_iter: int, period: int, up: int,
                 target_ratio: Sequence[float], gamma: float = 1.,
                 strategy: str = 'cos') -> float:
    """Value at global iteration ``cur_iter``; ``(period, up) = cyclic_phases(max_iters,
    cyclic_times, step_ratio_up)``.

    >>> period, up = cyclic_phases(10, 1, 0.4)
    >>> period, up, cyclic_value(0.1, 2, period, up, (10, 1e-4), strategy='linear')
    (10, 4, 0.55)
    >>> period, up = cyclic_phases(20, 2, 0.5)
    >>> cyclic_value(0.1, 15, period, up, (3, 1), gamma=0.5)   # cycle 1 peaks at ratio 2
    0.2
    """
    return _cyclic_value(base, cur_iter, period, up, target_ratio, gamma, strategy)
