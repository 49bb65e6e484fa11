"""Refuse, by key, a schedule input the static evaluator could not compute.

Verify never executes a config, so a value written as a function call or read from the
environment is unknown to it; comparing with a guess in its place would be a silent loss.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Tuple

from engine.errors import ConfigError
from migrate.static import Opaque
from migrate.static.values import contains_unknown


def require_computable(view: Mapping, paths: Iterable[Tuple[str, ...]], *, file: str,
                       side: str) -> None:
    """Raise ConfigError naming the first of ``paths`` (key paths into ``view``) whose value
    is, or holds, something the static evaluator could not compute. Missing keys pass."""
    for path in paths:
        found, value, at = _lookup(view, tuple(path))
        if not found or not contains_unknown(value):
            continue
        where, code = _first_unknown(value, at)
        raise ConfigError(
            f'the {side} value cannot be computed statically: {code} (verify never '
            'executes a config to find it out)', file=file, key='.'.join(map(str, where)),
            fix='write this value as a literal (or arithmetic on config names) in the config, '
                'or verify a copy of the config that does')


def _lookup(view: Any, path: Tuple[Any, ...]):
    """(found, value, the path of value): an unknown parent stops the walk (it hides the
    key, which is then unknown too)."""
    value = view
    for depth, key in enumerate(path):
        if isinstance(value, Opaque):
            return True, value, path[:depth]
        if not isinstance(value, Mapping) or key not in value:
            return False, None, path
        value = value[key]
    return True, value, path


def _first_unknown(value: Any, path: tuple) -> Tuple[tuple, Optional[str]]:
    if isinstance(value, Opaque):
        return path, value.code
    items = (value.items() if isinstance(value, Mapping)
             else enumerate(value) if isinstance(value, (list, tuple)) else ())
    for key, item in items:
        if contains_unknown(item):
            return _first_unknown(item, path + (key,))
    return path, f'a value of type {type(value).__name__}'
