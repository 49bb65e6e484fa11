"""MMCV 1.7.2's ``ConfigDict``: an ``addict.Dict`` whose missing keys raise.

MMCV builds it on ``addict``; we do not depend on addict, so this reproduces the parts a
config relies on: nested dicts (also inside lists and tuples) become ``ConfigDict`` when the
dict is built, attribute reads and writes reach the items, a missing attribute raises
``AttributeError("'ConfigDict' object has no attribute 'x'")`` and ``update`` merges nested
dicts (addict's ``Dict.update``).
"""
from __future__ import annotations

import copy
from typing import Any


def _hook(value: Any) -> Any:
    # addict.Dict._hook: dicts become the dict class, lists/tuples are rebuilt item by item.
    if isinstance(value, dict) and not isinstance(value, ConfigDict):
        return ConfigDict(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_hook(item) for item in value)
    return value


class ConfigDict(dict):
    """A dict with attribute access whose missing attributes raise ``AttributeError``."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__()
        for key, value in dict(*args, **kwargs).items():
            dict.__setitem__(self, key, _hook(value))

    def __missing__(self, name: Any) -> Any:
        raise KeyError(name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute "
                                 f"'{name}'") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        del self[name]

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Update from a mapping; where both values are dicts, update the nested dict."""
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
        return (type(self), (dict(self),))

    def __dir__(self):
        return list(super().__dir__()) + [k for k in self if isinstance(k, str)]

    def to_dict(self) -> dict:
        """Plain nested dicts (lists and tuples keep their type), as addict's ``to_dict``."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in dict.items(value)}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    return value
