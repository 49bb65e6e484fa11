"""MMCV 1.x ``step`` policy (lr and momentum): decay by ``gamma`` at each step, optionally
clipped from below.

``step`` is an int (decay every ``step`` units of progress) or a list (decay when progress
reaches each entry). For a list, MMCV takes the exponent as the index of the first entry still
ahead of ``progress``, which for an unsorted list differs from counting the passed entries.
"""
from __future__ import annotations

from typing import List, Optional, Union

from compat.schedules._shared import exponential_value


def step_exponent(progress: int, step: Union[int, List[int]]) -> int:
    """How many decays apply at ``progress``.

    >>> step_exponent(7, 3), step_exponent(8, [8, 11]), step_exponent(12, [8, 11])
    (2, 1, 2)
    """
    if isinstance(step, int):
        return progress // step
    for i, s in enumerate(step):
        if progress < s:
            return i
    return len(step)


def step_value(base: float, gamma: float, progress: int, step: Union[int, List[int]],
               min_value: Optional[float] = None) -> float:
    """``base * gamma ** exponent``, raised to ``min_value`` when given (``min_lr`` /
    ``min_momentum``).

    >>> step_value(0.1, 0.1, 9, [8, 11])
    0.010000000000000002
    >>> step_value(0.1, 0.1, 12, [8, 11], min_value=0.005)
    0.005
    """
    value = exponential_value(base, gamma, step_exponent(progress, step))
    if min_value is not None:
        value = max(value, min_value)
    return value
