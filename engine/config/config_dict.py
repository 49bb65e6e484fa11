"""``ConfigDict``: the dict type of every mapping inside a loaded config."""
from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any

from engine.suggest import close_names


def wrap(value: Any) -> Any:
    """Turn plain dicts (also inside lists and tuples) into :class:`ConfigDict`.

    Only exact ``dict``/``OrderedDict``/``list``/``tuple`` types are converted, so a user's own
    mapping or a namedtuple in a Python config keeps its type.
    """
    if type(value) in (dict, OrderedDict):
        return ConfigDict(value)
    if type(value) is list:
        return [wrap(item) for item in value]
    if type(value) is tuple:
        return tuple(wrap(item) for item in value)
    return value


def to_plain(value: Any) -> Any:
    """Return ``value`` with every mapping turned into a plain ``dict`` (lists and tuples kept)."""
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in dict.items(value)}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if type(value) is tuple:
        return tuple(to_plain(item) for item in value)
    return value


def missing_key_message(name: str, keys) -> str:
    """The text of an error about a key that is not there, with the closest existing keys."""
    text = f"no key '{name}'"
    candidates = [key for key in keys if isinstance(key, str)]
    close = close_names(name, candidates)
    if close:
        text += ' (did you mean ' + ', '.join(f"'{c}'" for c in close) + '?)'
    return text


class ConfigDict(dict):
    """A ``dict`` whose keys can also be read and written as attributes.

    Nested plain dicts are converted to ``ConfigDict`` when stored. Reading a missing attribute
    raises ``AttributeError`` naming the key. Two methods follow MMEngine rather than ``dict``,
    because configs written for MMEngine rely on them: :meth:`update` merges nested dicts
    recursively, and :meth:`pop` returns ``default`` (``None``) for a missing key.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__()
        for key, value in dict(*args, **kwargs).items():
            dict.__setitem__(self, key, wrap(value))

    def __getattr__(self, name: str) -> Any:
        # Dunder probes (copy, pickle, IPython) must fail fast instead of reading items.
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"ConfigDict has {missing_key_message(name, self.keys())}",
                                 name=name, obj=self) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(f"ConfigDict has {missing_key_message(name, self.keys())}",
                                 name=name, obj=self) from None

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, wrap(value))

    def __dir__(self):
        names = [k for k in self.keys() if isinstance(k, str) and k.isidentifier()]
        return list(super().__dir__()) + names

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key: Any, default: Any = None) -> Any:
        """Remove ``key`` and return its value, or ``default`` (``None``) if it is missing."""
        return super().pop(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Update from a mapping; where both values are dicts, update the nested dict instead."""
        for key, value in dict(*args, **kwargs).items():
            current = self.get(key)
            if isinstance(current, dict) and isinstance(value, dict):
                current.update(value)
            else:
                self[key] = value

    def copy(self) -> 'ConfigDict':
        """A shallow copy (nested values are shared)."""
        other = type(self)()
        dict.update(other, self)
        return other

    __copy__ = copy

    def __deepcopy__(self, memo: dict) -> 'ConfigDict':
        other = type(self)()
        memo[id(self)] = other
        for key, value in dict.items(self):
            dict.__setitem__(other, copy.deepcopy(key, memo), copy.deepcopy(value, memo))
        return other

    def __reduce__(self):
        # Rebuild from a plain dict so that unpickling never goes through __getattr__.
        return (type(self), (dict(self),))

    def to_dict(self) -> dict:
        """Plain nested ``dict``/``list``/``tuple`` copy of this mapping."""
        return to_plain(self)
