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

:func:`merge_mmengine` is the one implementation of these rules; :func:`merge_into` (for
``ConfigDict`` trees) and the converter's ``migrate.convert.merge.merge_into`` (for plain dicts)
differ only in how a value from the child enters the result. The cases both are held to are
in ``fixtures/goldens/merge_table.json``, recorded from MMEngine itself.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from engine.errors import ConfigError
from engine.merge_keys import DELETE_KEY

from .config_dict import ConfigDict

__all__ = ['DELETE_KEY', 'merge_into', 'merge_mmengine']

Adopt = Callable[[Any], Any]


def _join(path: str, key: Any) -> str:
    return f'{path}.{key}' if path else str(key)


def _is_index(key: Any) -> bool:
    return isinstance(key, str) and key.isascii() and key.isdigit()


def _same(value: Any) -> Any:
    return value


def merge_into(child: dict, base: Any, *, allow_list_keys: bool = False,
               file: Optional[str] = None, path: str = '') -> Any:
    """Return a copy of ``base`` with ``child`` merged in; neither argument is modified.

    Dicts taken from the child become :class:`ConfigDict`; values the child leaves alone are
    shared with ``base``.

    Args:
        child: the overriding mapping.
        base: the mapping (or, with ``allow_list_keys``, list) to merge into.
        allow_list_keys: let digit keys of ``child`` index into lists of ``base``.
        file: the file named in errors (the child's file).
        path: dotted key path of ``base`` inside the whole config, for errors.
    """
    return merge_mmengine(child, base, adopt_dict=ConfigDict, adopt=_same,
                          allow_list_keys=allow_list_keys, file=file, path=path)


def merge_mmengine(child: dict, base: Any, *, adopt_dict: Adopt, adopt: Adopt,
                   allow_list_keys: bool = False, file: Optional[str] = None,
                   path: str = '') -> Any:
    """MMEngine's merge of ``child`` into a shallow copy of ``base``, raising ConfigError.

    ``adopt_dict(d)`` makes the result's value of a child dict that is not merged (a new key,
    or a ``_delete_`` replacement, already without the flag); ``adopt(v)`` that of any other
    child value. Values the child leaves alone are the base's own objects: callers that hand
    the result out to be changed copy ``base`` first.
    """
    result = base.copy()
    in_list = isinstance(result, list)
    for key, value in child.items():
        if in_list:
            if not _is_index(key):
                raise ConfigError(f'is a list, so it has no key {key!r}', file=file, key=path,
                                  fix='index list items with a number, e.g. `a.0.b=1`')
            result[int(key)] = _merge_list_item(result, int(key), value, adopt_dict, adopt,
                                                file, _join(path, key))
        elif isinstance(value, dict):
            result[key] = _merge_dict_value(result, key, value, adopt_dict, adopt,
                                            allow_list_keys, file, _join(path, key))
        else:
            result[key] = adopt(value)
    return result


def _merge_list_item(items: list, index: int, value: Any, adopt_dict: Adopt, adopt: Adopt,
                     file: Optional[str], where: str) -> Any:
    if index >= len(items):
        raise ConfigError(f'list index {index} is out of range: the list has {len(items)} items',
                          file=file, key=where,
                          fix=f'use an index below {len(items)}, or replace the whole list')
    if not isinstance(value, dict):
        return adopt(value)
    current = items[index]
    if not isinstance(current, (dict, list)):
        raise ConfigError(f'cannot set sub-keys on list item {index}: it is {current!r} '
                          f'(of type {type(current).__name__}), not a dict or list',
                          file=file, key=where, fix='set the whole item instead')
    # MMEngine does not look at _delete_ below a list index: the flag is merged like any key.
    return merge_mmengine(value, current, adopt_dict=adopt_dict, adopt=adopt,
                          allow_list_keys=True, file=file, path=where)


def _merge_dict_value(result: dict, key: Any, value: dict, adopt_dict: Adopt, adopt: Adopt,
                      allow_list_keys: bool, file: Optional[str], where: str) -> Any:
    if key not in result:
        return adopt_dict(value)
    # Any value of the flag is consumed here, a false one too (MMEngine pops it either way).
    rest = {k: v for k, v in value.items() if k != DELETE_KEY}
    if value.get(DELETE_KEY, False):
        return adopt_dict(rest)
    current = result[key]
    allowed = (dict, list) if allow_list_keys else dict
    if not isinstance(current, allowed):
        raise ConfigError(
            f'is a dict in the child config but {current!r} (of type {type(current).__name__}) '
            'in the base config, so the two cannot be merged',
            file=file, key=where,
            fix=f'add `{DELETE_KEY}=True` to the dict to replace the base value')
    return merge_mmengine(rest, current, adopt_dict=adopt_dict, adopt=adopt,
                          allow_list_keys=allow_list_keys, file=file, path=where)
