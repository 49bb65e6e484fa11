"""When validation runs, as a small canonical value both readings can produce.

MMCV's ``EvalHook._should_evaluate`` (``mmcv/runner/hooks/evaluation.py``) and MMEngine's train
loops (``mmengine/runner/loops.py``) decide differently: MMCV validates at ``start``,
``start + interval``, ... (or every ``interval`` without ``start``); MMEngine at the multiples
of ``val_interval`` from ``val_begin`` on, and always after the last epoch/iteration. Both sets
are an arithmetic progression plus at most one extra point, so they compare as
:class:`ValPoints` without listing thousands of iterations.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class ValPoints:
    """``first, first + step, ..., last`` (1-based epoch or iteration counts) and ``extra``.

    An empty progression has ``first = last = step = None``; a single point has ``step=None``.
    """

    first: Optional[int]
    step: Optional[int]
    last: Optional[int]
    extra: Optional[int] = None

    def __str__(self) -> str:
        if self.first is None:
            points = 'never'
        elif self.step is None:
            points = f'at {self.first}'
        else:
            points = f'at {self.first}, {self.first + self.step}, ... {self.last} (every {self.step})'
        return points + (f' and at {self.extra}' if self.extra is not None else '')


def progression(first: int, step: int, length: int, extra: Optional[int] = None) -> ValPoints:
    """The canonical form of ``{first + k*step <= length}`` plus ``extra``.

    >>> str(progression(5, 5, 12, extra=12))
    'at 5, 10, ... 10 (every 5) and at 12'
    >>> progression(3, 5, 4)
    ValPoints(first=3, step=None, last=3, extra=None)
    """
    if first > length or step <= 0:
        points = ValPoints(None, None, None)
    else:
        last = first + (length - first) // step * step
        points = ValPoints(first, step if last > first else None, last)
    if extra is None or extra < 1 or extra > length:
        return points
    if points.first is not None and extra <= points.last and (extra - points.first) % step == 0 \
            and extra >= points.first:
        return points   # already in the progression
    if points.first is None:
        return ValPoints(extra, None, extra)
    if points.step is None and extra > points.first:
        # two points are a progression of their own
        return ValPoints(points.first, extra - points.first, extra)
    return ValPoints(points.first, points.step, points.last, extra)


def mmcv_points(interval: int, start: Optional[int], length: int) -> ValPoints:
    """MMCV 1.7.2 ``EvalHook``: every ``interval`` (no ``start``), or ``start``, ``start +
    interval``, ... (``cur + 1 >= start and (cur + 1 - start) % interval == 0``).

    >>> str(mmcv_points(2, 3, 12))
    'at 3, 5, ... 11 (every 2)'
    """
    if start is None:
        return progression(interval, interval, length)
    first = max(start, 1)
    if interval > 0:
        first += (start - first) % interval   # the first count >= 1 on start's grid
    return progression(first, interval, length)


def mmengine_points(interval: int, begin: int, length: int) -> ValPoints:
    """MMEngine 0.10.7 train loops: ``count >= val_begin and (count % val_interval == 0 or
    count == max)``.

    >>> str(mmengine_points(2, 3, 12))
    'at 4, 6, ... 12 (every 2)'
    """
    first = max(begin, 1)
    if interval > 0:
        first += -first % interval
    extra = length if length >= begin else None
    return progression(first, interval, length, extra=extra)
