"""MMCV 1.x ``step`` policy (lr and momentum): decay by ``gamma`` at each step, optionally
clipped from below by ``min_lr`` / ``min_momentum``.

``step`` is an int (decay every ``step`` units of progress) or a list (decay when progress
reaches each entry). For a list, MMCV takes the exponent as the index of the first entry still
ahead of ``progress``, which for an unsorted list differs from counting the passed entries.
The formulas are the engine's (``closed_form.clipped_step``).
"""
from __future__ import annotations

from typing import List, Optional, Union

from compat.schedules._shared import clipped_step_value, step_exponent

__all__ = ['step_exponent', 'step_value']


def step_value(base: float, gamma: float, progress: int, step: Union[int, List[int]],
               min_value: Optional[float] = None) -> float:
    """``max(base * gamma ** step_exponent(progress, step), min_value)``.

    >>> step_exponent(7, 3), step_exponent(8, [8, 11]), step_exponent(4, [5, 3])
    (2, 1, 0)
    >>> step_value(0.1, 0.1, 9, [8, 11])
    0.010000000000000002
    >>> step_value(0.1, 0.1, 12, [8, 11], min_value=0.005)
    0.005
    """
    return clipped_step_value(base, gamma, progress, step, min_value)
