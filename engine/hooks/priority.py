"""Hook priorities: nine named levels, or any integer from 0 (first) to 100 (last)."""
from __future__ import annotations

import enum
from typing import Union

from engine.errors import HookError


class Priority(enum.IntEnum):
    HIGHEST = 0
    VERY_HIGH = 10
    HIGH = 30
    ABOVE_NORMAL = 40
    NORMAL = 50
    BELOW_NORMAL = 60
    LOW = 70
    VERY_LOW = 90
    LOWEST = 100


def get_priority(priority: Union[int, str, Priority]) -> int:
    """Return the integer value of ``priority``.

    >>> get_priority('low'), get_priority(Priority.HIGH), get_priority(45)
    (70, 30, 45)
    """
    if isinstance(priority, Priority):
        return int(priority)
    if isinstance(priority, bool):
        raise HookError(f'priority must be an int or a level name, got {priority!r}')
    if isinstance(priority, int):
        if not 0 <= priority <= 100:
            raise HookError(f'priority {priority} is outside 0..100',
                            fix='use an integer in 0..100 or a name such as NORMAL')
        return priority
    if isinstance(priority, str):
        try:
            return int(Priority[priority.upper()])
        except KeyError:
            raise HookError(f'unknown priority {priority!r}',
                            fix='use one of ' + ', '.join(p.name for p in Priority)) from None
    raise HookError(f'priority must be an int or a level name, got {type(priority).__name__}')
