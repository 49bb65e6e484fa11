"""How big a value is once written out, so no operation on it can stall the reader.

Lists may share parts: ``a = [0] * 10; b = [a] * 10; c = [b] * 10 ...`` costs a few objects to
build but 10**n items to print, compare, hash or copy. :func:`measure` walks each distinct
object once (cost: the distinct objects, charged to the file's work budget) and gives the
size written out, refusing values that are too large, contain themselves or nest too deep.
"""
from __future__ import annotations

from itertools import chain
from typing import Any, NamedTuple

from . import budget
from .limits import MAX_ITEMS, Unknown

#: nesting of a computed value (a loop can nest lists deeper than the text: `a = [a]`)
MAX_VALUE_DEPTH = 100
_CONTAINERS = (list, tuple, set, frozenset, dict)
_PLAIN = (str, int, float, bool, type(None), bytes, complex, range)


class Size(NamedTuple):
    items: int       # items once written out (a string counts its characters)
    unknown: bool    # holds something not plain data (an Opaque, a module, ...)


class TooLarge(Unknown):
    """A value too large, too deep or cyclic to use: the expression becomes unknown."""


def _children(value: Any):
    if type(value) is dict or isinstance(value, dict):
        return chain.from_iterable(value.items())
    if isinstance(value, slice):
        return iter((value.start, value.stop, value.step))
    return iter(value)


def _leaf(value: Any) -> Size:
    if isinstance(value, (str, bytes)):
        return Size(1 + len(value), False)
    if isinstance(value, slice):
        return Size(3, any(not isinstance(v, _PLAIN) for v in (value.start, value.stop,
                                                               value.step)))
    return Size(1, not isinstance(value, _PLAIN))


def measure(value: Any, limit: int = MAX_ITEMS) -> Size:
    """The written-out size of ``value`` and whether it holds unknown parts; raises
    :class:`TooLarge` past ``limit`` items, ``MAX_VALUE_DEPTH`` levels or on a cycle."""
    if not isinstance(value, _CONTAINERS):
        return _leaf(value)
    work = budget.active()
    done = {}                      # id -> Size of the containers walked so far
    path = {id(value)}
    stack = [[value, _children(value), 1, False]]
    while stack:
        frame = stack[-1]
        descended = False
        for child in frame[1]:
            work.spend()
            if isinstance(child, _CONTAINERS):
                key = id(child)
                if key in path:
                    raise TooLarge('a value that contains itself')
                if key not in done:
                    if len(stack) >= MAX_VALUE_DEPTH:
                        raise TooLarge(f'a value nested deeper than {MAX_VALUE_DEPTH}')
                    path.add(key)
                    stack.append([child, _children(child), 1, False])
                    descended = True
                    break
                size = done[key]
            else:
                size = _leaf(child)
            frame[2] += size.items
            frame[3] = frame[3] or size.unknown
            if frame[2] > limit:
                raise TooLarge('a value too large')
        if descended:
            continue
        stack.pop()
        path.discard(id(frame[0]))
        done[id(frame[0])] = Size(frame[2], frame[3])
        if stack:
            parent = stack[-1]
            parent[2] += frame[2]
            parent[3] = parent[3] or frame[3]
            if parent[2] > limit:
                raise TooLarge('a value too large')
    return done[id(value)]


def usable(value: Any) -> bool:
    """False for a value too large, too deep or cyclic to keep (it becomes Opaque)."""
    try:
        measure(value)
    except TooLarge:
        return False
    return True
