"""MMEngine's merge of a child config into its bases, and its inverse: the smallest child value
that, merged into a base value, gives a wanted value.

The converter decides on merged views; a converted file must only write what differs from its
(converted) bases, so that ``_base_`` chains stay intact and a leaf stays a leaf. Semantics are
MMEngine 0.10.7's ``Config._merge_a_into_b`` (without list keys): dicts merge key by key,
``_delete_=True`` replaces, a dict over a non-dict needs ``_delete_`` (without it the merge
raises ConfigError, as MMEngine raises TypeError), anything else replaces. The rules are
implemented once, in :func:`engine.config.merge.merge_mmengine`; here values are plain dicts.
"""
from __future__ import annotations

from typing import Any, Dict

from engine.config.merge import merge_mmengine
from engine.merge_keys import DELETE_KEY
from migrate.static.values import detached_copy, same_value  # noqa: F401 (shared)


class _NoChange:
    """The sentinel for 'the base value already is the wanted value'."""

    def __repr__(self) -> str:
        return 'NO_CHANGE'


NO_CHANGE = _NoChange()


def merge_into(child: Dict[str, Any], base: Dict[str, Any], *,
               share_base: bool = False) -> Dict[str, Any]:
    """Return ``base`` with ``child`` merged in (neither argument is modified).

    ``share_base``: values the child leaves alone are the base's own objects, not copies
    (for views that are only read, as the converter's are: copying every inherited model and
    pipeline for every file of a tree shows in its run time). What comes from the child is
    always a copy.

    A dict over a non-dict without ``_delete_`` raises ConfigError: MMEngine would not load
    such a file, so a converted view must not pretend it does. :func:`delta` never writes one.

    >>> merge_into({'a': {'x': 2}}, {'a': {'x': 1, 'y': 1}})
    {'a': {'x': 2, 'y': 1}}
    """
    if not share_base:
        base = detached_copy(base)
    return merge_mmengine(child, base, adopt_dict=detached_copy, adopt=detached_copy)


def delta(base: Any, wanted: Any, *, base_has_key: bool = True) -> Any:
    """The value a child must write so that merging it over ``base`` gives ``wanted``.

    Returns :data:`NO_CHANGE` when nothing needs writing.

    >>> delta({'type': 'SGD', 'lr': 0.1}, {'type': 'SGD', 'lr': 0.2})
    {'lr': 0.2}
    >>> delta({'type': 'SGD', 'momentum': 0.9}, {'type': 'AdamW', 'lr': 0.1})
    {'_delete_': True, 'type': 'AdamW', 'lr': 0.1}
    """
    if base_has_key and same_value(base, wanted):
        return NO_CHANGE
    if not isinstance(wanted, dict) or not base_has_key:
        return detached_copy(wanted)
    if not isinstance(base, dict) or any(k not in wanted for k in base):
        return {DELETE_KEY: True, **detached_copy(wanted)}
    out: Dict[str, Any] = {}
    for key, value in wanted.items():
        sub = delta(base.get(key), value, base_has_key=key in base)
        if sub is not NO_CHANGE:
            out[key] = sub
    return out if out else NO_CHANGE
