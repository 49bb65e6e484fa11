"""Merging a child config into its base, with the semantics of MMEngine 0.10.7.

The rules, which configs written for MMEngine rely on:

- a non-dict value in the child replaces the base value;
- a dict in the child is merged key by key into the base dict of the same name;
- ``_delete_=True`` in a child dict replaces the base value instead of merging; the flag is
  only consumed when the base has that key, so a ``_delete_`` on a key the base lacks stays
  in the result (as in MMEngine);
- a dict in the child over a non-dict in the base is an error unless ``_delete_`` is set;
- with ``allow_list_keys`` (used by ``--cfg-options``) digit keys index into base lists.
  Here we go beyond MMEngine, which crashes, in one place: a plain value at a list index
  (``a.0=5``) replaces that element.
"""
from __future__ import annotations

from typing import Any, Optional

from engine.errors import ConfigError

from .config_dict import ConfigDict

DELETE_KEY = '_delete_'


def _join(path: str, key: Any) -> str:
    return f'{path}.{key}' if path else str(key)


def _is_index(key: Any) -> bool:
    return isinstance(key, str) and key.isascii() and key.isdigit()


def merge_into(child: dict, base: Any, *, allow_list_keys: bool = False,
               file: Optional[str] = None, path: str = '') -> Any:
    """Return a copy of ``base`` with ``child`` merged in; neither argument is modified.

    Args:
        child: the overriding mapping.
        base: the mapping (or, with ``allow_list_keys``, list) to merge into.
        allow_list_keys: let digit keys of ``child`` index into lists of ``base``.
        file: the file named in errors (the child's file).
        path: dotted key path of ``base`` inside the whole config, for errors.
    """
    result = base.copy()
    for key, value in child.items():
        where = _join(path, key)
        if isinstance(result, list):
            if not _is_index(key):
                raise ConfigError(f'is a list, so it has no key {key!r}', file=file, key=path,
                                  fix='index list items with a number, e.g. `a.0.b=1`')
            result[int(key)] = _merge_list_item(result, int(key), value, file, where)
        elif isinstance(value, dict):
            result[key] = _merge_dict_value(result, key, value, allow_list_keys, file, where)
        else:
            result[key] = value
    return result


def _merge_list_item(items: list, index: int, value: Any, file: Optional[str], where: str) -> Any:
    if index >= len(items):
        raise ConfigError(f'list index {index} is out of range: the list has {len(items)} items',
                          file=file, key=where,
                          fix=f'use an index below {len(items)}, or replace the whole list')
    if not isinstance(value, dict):
        return value
    current = items[index]
    if not isinstance(current, (dict, list)):
        raise ConfigError(f'cannot set sub-keys on list item {index}: it is {current!r} '
                          f'(of type {type(current).__name__}), not a dict or list',
                          file=file, key=where, fix='set the whole item instead')
    # MMEngine does not look at _delete_ below a list index: the flag is merged like any key.
    return merge_into(value, current, allow_list_keys=True, file=file, path=where)


def _merge_dict_value(result: dict, key: Any, value: dict, allow_list_keys: bool,
                      file: Optional[str], where: str) -> Any:
    if key not in result:
        return ConfigDict(value)
    rest = {k: v for k, v in value.items() if k != DELETE_KEY}
    if value.get(DELETE_KEY, False):
        return ConfigDict(rest)
    current = result[key]
    allowed = (dict, list) if allow_list_keys else dict
    if not isinstance(current, allowed):
        raise ConfigError(
            f'is a dict in the child config but {current!r} (of type {type(current).__name__}) '
            'in the base config, so the two cannot be merged',
            file=file, key=where,
            fix=f'add `{DELETE_KEY}=True` to the dict to replace the base value')
    return merge_into(rest, current, allow_list_keys=allow_list_keys, file=file, path=where)
