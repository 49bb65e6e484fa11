"""Step decay with a floor (MMCV ``step`` policy with ``min_lr`` / ``min_momentum``).

``step`` is either an interval (decay every ``step`` units) or a sorted list of milestones;
the value is ``max(base * gamma ** n, floor)`` with ``n`` the number of decays so far.
"""
from __future__ import annotations

from typing import Optional, Sequence, Union


def step_exponent(t: int, step: Union[int, float, Sequence[int]]) -> int:
    """Number of decays at progress ``t``: ``t // step`` or the milestones ``<= t``.

    >>> step_exponent(7, 3), step_exponent(8, [8, 11]), step_exponent(7, [8, 11])
    (2, 1, 0)
    """
    if isinstance(step, (int, float)):
        return int(t // step)
    # MMCV's rule: the index of the first milestone still ahead (all passed -> their count).
    for i, milestone in enumerate(step):
        if t < milestone:
            return i
    return len(step)


def clipped_step_value(base: float, gamma: float, t: int, step: Union[int, Sequence[int]],
                       floor: Optional[float] = None) -> float:
    """Value at progress ``t``, clipped below at ``floor`` (None: no clipping).

    >>> round(clipped_step_value(0.1, 0.1, 12, [8, 11], floor=0.005), 12)   # 0.001 -> 0.005
    0.005
    >>> round(clipped_step_value(0.1, 0.1, 9, [8, 11], floor=0.005), 12)
    0.01
    """
    value = base * (gamma ** step_exponent(t, step))
    if floor is not None:
        value = max(value, floor)
    return value
