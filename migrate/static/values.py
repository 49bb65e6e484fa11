"""Values of the static evaluator that are not plain Python data.

The evaluator computes plain ``dict``/``list``/``tuple``/``str``/numbers where it can. What it
cannot compute becomes an :class:`Opaque` holding the source text, so a config that calls a
function or reads the environment still loads: the known parts stay usable.
"""
from __future__ import annotations

import pickle
from typing import Any


class Opaque:
    """A value the static evaluator could not compute.

    ``Opaque('os.environ["LR"]')`` keeps the source text in ``.code``. It equals only an Opaque
    with the same code, is hashable, and refuses arithmetic and truth tests, so any expression
    that uses it becomes Opaque too.
    """

    __slots__ = ('code',)

    def __init__(self, code: str):
        self.code = code

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Opaque) and other.code == self.code

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(('Opaque', self.code))

    def __repr__(self) -> str:
        return f'Opaque({self.code!r})'

    def __bool__(self) -> bool:
        raise TypeError('the truth of an Opaque value is unknown')

    def __deepcopy__(self, memo) -> 'Opaque':
        return self

    def __copy__(self) -> 'Opaque':
        return self


class BaseVarRef:
    """A ``{{_base_.a.b}}`` placeholder until the file's bases are merged.

    MMCV replaces the text with a unique string before executing the file and swaps that string
    for the base value only where it stands alone as a value, so any operation on it is Opaque.
    """

    __slots__ = ('path', 'code')

    def __init__(self, path: tuple, code: str):
        self.path = path
        self.code = code

    def __bool__(self) -> bool:
        raise TypeError('a {{_base_.x}} placeholder has no truth value before merging')

    def __deepcopy__(self, memo) -> 'BaseVarRef':
        return self

    def __repr__(self) -> str:
        return f'BaseVarRef({".".join(self.path)})'


class ModuleValue:
    """What ``import x`` binds: not a config key (MMCV drops module objects)."""

    __slots__ = ('name',)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f'<module {self.name}>'


class FunctionValue:
    """What ``def f`` or a lambda binds: not a config key (MMCV drops functions)."""

    __slots__ = ('name',)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f'<function {self.name}>'


def contains_unknown(value: Any) -> bool:
    """True when ``value`` is, or holds anywhere inside, something not plain data."""
    if isinstance(value, (str, int, float, bool, type(None), bytes, complex, range)):
        return False
    if isinstance(value, slice):
        return any(contains_unknown(v) for v in (value.start, value.stop, value.step))
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(contains_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(contains_unknown(k) or contains_unknown(v) for k, v in value.items())
    return True


_IMMUTABLE = frozenset({str, int, float, bool, type(None), bytes, complex})


def detached_copy(value: Any) -> Any:
    """A deep copy sharing nothing with ``value`` (pickle: several times faster than a walk)."""
    if type(value) in _IMMUTABLE:
        return value
    try:
        return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, TypeError, AttributeError):
        return fresh_copy(value)


def fresh_copy(value: Any) -> Any:
    """Copy every dict/list/tuple/set so nothing is shared with ``value`` (Opaque kept)."""
    cls = type(value)
    if cls is dict:
        return {k: fresh_copy(v) for k, v in value.items()}
    if cls is list:
        return [fresh_copy(v) for v in value]
    if cls is tuple:
        return tuple(fresh_copy(v) for v in value)
    if cls is set:
        return set(value)
    return value


def same_value(a: Any, b: Any) -> bool:
    """Equal as config values: same types (a tuple is not a list), same contents."""
    if a is b:
        return True   # views share structure with their bases: most comparisons end here
    # Tuples and lists differ in a config (a tuple stays a tuple), so compare types too.
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return a == b
