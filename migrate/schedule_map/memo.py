"""The converter's process-wide memo of schedule mappings and measurements.

A tree repeats the same schedule in many files (a base and every leaf that inherits it
unchanged), and mapping plus measuring one costs a replay of the whole run; both depend only on
the inputs their key is made of, so their results are remembered for the process. One object,
least-recently-used, bounded (a long-lived process converting many trees does not grow without
end), cleared in one call.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

T = TypeVar('T')


class Memo:
    """A bounded least-recently-used memo.

    >>> m = Memo(maxsize=2)
    >>> m.get_or_compute('a', lambda: 1), m.get_or_compute('a', lambda: 2)
    (1, 1)
    >>> _ = m.get_or_compute('b', lambda: 3); _ = m.get_or_compute('c', lambda: 4)
    >>> 'a' in m, len(m)
    (False, 2)
    """

    def __init__(self, maxsize: int = 4096):
        self.maxsize = maxsize
        self._entries: 'OrderedDict[Hashable, object]' = OrderedDict()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        entries = self._entries
        if key in entries:
            entries.move_to_end(key)
            return entries[key]
        value = compute()
        entries[key] = value
        if len(entries) > self.maxsize:
            entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)


#: Mappings of one schedule key (lr_config or momentum_config) with its run facts.
MAPPINGS = Memo()
#: Measured deviations of one mapping against MMCV's maths.
MEASUREMENTS = Memo()


def clear_schedule_memos() -> None:
    """Forget every remembered mapping and measurement (benchmarks time a cold process)."""
    MAPPINGS.clear()
    MEASUREMENTS.clear()
