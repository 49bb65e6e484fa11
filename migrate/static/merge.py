"""MMCV 1.x inheritance: combine sibling bases, substitute ``{{_base_.x}}``, merge a child in.

The results share unchanged parts with their inputs (nothing here changes a dict it was given),
so a thousand leaves over the same bases cost no copies of the bases; callers that hand a
result out copy it.

Mirrors ``mmcv.Config._file2dict``/``_merge_a_into_b`` (allow_list_keys=False): a child dict
merges into the base dict key by key, ``_delete_=True`` replaces instead (and is dropped), any
other value replaces. ``_delete_`` is dropped only where the base has the key, as in MMCV.
The cases it is held to are in ``fixtures/goldens/merge_table.json``, recorded from MMCV itself.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from engine.merge_keys import DELETE_KEY

from .errors import StaticConfigError
from .values import BaseVarRef, Opaque, fresh_copy


def combine_bases(base_dicts: Sequence[dict], base_paths: Sequence[str], file: str) -> dict:
    """Union of the bases' merged dicts; a key in two sibling bases is an error (as in MMCV).

    ``combine_bases([{'a': 1}, {'b': 2}], ...)`` -> ``{'a': 1, 'b': 2}``.
    """
    combined: Dict[str, Any] = {}
    owner: Dict[str, str] = {}
    for base, path in zip(base_dicts, base_paths):
        duplicates = [k for k in base if k in combined]
        if duplicates:
            names = ', '.join(repr(k) for k in duplicates)
            raise StaticConfigError(
                f'key {names} is defined by two of its bases ({owner[duplicates[0]]} and '
                f'{path}); MMCV does not allow duplicate keys among bases', file=file,
                key='_base_', fix='keep the key in one base, or chain the bases instead')
        for k in base:
            owner[k] = path
        combined.update(base)
    return combined


def substitute_base_vars(value: Any, base: Optional[dict], file: str) -> Any:
    """Replace ``{{_base_.x}}`` placeholders that stand alone as values by the base value.

    Like MMCV, only dict values and list/tuple elements are replaced; a placeholder left
    anywhere else (a set, a dict key, a file without bases) becomes Opaque.
    """
    cls = type(value)
    if cls is BaseVarRef:
        if base is None:
            return Opaque(value.code)
        return _lookup(base, value, file)
    if cls is dict:
        return {(Opaque(k.code) if type(k) is BaseVarRef else k):
                substitute_base_vars(v, base, file) for k, v in value.items()}
    if cls is list:
        return [substitute_base_vars(v, base, file) for v in value]
    if cls is tuple:
        return tuple(substitute_base_vars(v, base, file) for v in value)
    if cls in (set, frozenset):
        return cls(Opaque(v.code) if type(v) is BaseVarRef else v for v in value)
    return value


def _lookup(base: dict, ref: BaseVarRef, file: str) -> Any:
    node: Any = base
    for i, key in enumerate(ref.path):
        if not isinstance(node, dict) or key not in node:
            where = '.'.join(ref.path[:i + 1])
            raise StaticConfigError(
                f'{ref.code} names {where!r}, which its bases do not define', file=file,
                key='.'.join(ref.path), fix='correct the name or define the key in a base')
        node = node[key]
    return fresh_copy(node)


def merge_into_base(child: dict, base: dict, file: str, _prefix: str = '') -> dict:
    """Merge ``child`` into ``base`` the MMCV 1.x way; neither is changed (parts are shared).

    ``merge_into_base({'o': {'lr': 2}}, {'o': {'lr': 1, 'm': 0.9}}, f)`` ->
    ``{'o': {'lr': 2, 'm': 0.9}}``; with ``{'o': {'_delete_': True, 'lr': 2}}`` ->
    ``{'o': {'lr': 2}}``.
    """
    merged = dict(base)
    for key, value in child.items():
        if type(value) is not dict:
            merged[key] = value
            continue
        if key in merged:
            value = dict(value)
            delete = value.pop(DELETE_KEY, False)
            if isinstance(delete, (Opaque, BaseVarRef)):
                raise StaticConfigError(
                    'the value of _delete_ cannot be computed statically', file=file,
                    key=_prefix + key, fix='write _delete_=True or leave it out')
            if not delete:
                if isinstance(merged[key], Opaque):  # the base value is unknown: so is the merge
                    merged[key] = Opaque(_prefix + key)
                    continue
                if type(merged[key]) is not dict:
                    raise StaticConfigError(
                        f'{key} is a dict here but a {type(merged[key]).__name__} in its base, '
                        'so MMCV cannot merge them', file=file, key=_prefix + key,
                        fix=f'add _delete_=True to {key} to replace the base value')
                merged[key] = merge_into_base(value, merged[key], file, f'{_prefix}{key}.')
                continue
        merged[key] = value
    return merged


def merge_tree(own: dict, base_dicts: List[dict], base_paths: List[str], file: str):
    """(base_merged, merged) of a file from its own keys and its bases' merged dicts."""
    if not base_dicts:
        return {}, own
    base = combine_bases(base_dicts, base_paths, file)
    return base, merge_into_base(own, base, file)
