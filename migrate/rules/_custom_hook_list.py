"""The ``custom_hooks`` list that several rules rewrite entry by entry (MIG060 drops hooks with
no equivalent, MIG061 rewrites EMAHook, MIG062 ProfilerHook), shared so that any selection
of them works: the first rule to ask takes the list over from the legacy view."""
from __future__ import annotations

from typing import Any, Iterator, List, Optional, Tuple

from migrate.rules.base import Plan

KEY = 'custom_hooks'


def legacy_hooks(plan: Plan) -> List[Any]:
    """The legacy entries; MMCV also took a single hook (``register_custom_hooks`` wraps it)."""
    hooks = plan.legacy.get(KEY)
    if hooks is None:
        return []
    return list(hooks) if isinstance(hooks, (list, tuple)) else [hooks]


def take_over(plan: Plan) -> List[Any]:
    """The list in the new view; taking it over consumes the legacy key and remembers where
    each entry came from (``plan.origins``: the file's own text is reused where an entry stays
    as written)."""
    if KEY not in plan.consumed:
        hooks = plan.get(KEY)
        hooks = list(hooks) if isinstance(hooks, (list, tuple)) else [hooks]
        plan.consume(KEY)
        set_entries(plan, list(enumerate(hooks)))
    return plan.values[KEY]


def set_entries(plan: Plan, entries: List[Tuple[int, Any]]) -> None:
    """Write the list from ``(legacy index, entry)`` pairs."""
    plan.set((KEY,), [hook for _, hook in entries])
    for key in [k for k in plan.origins if k[:1] == (KEY,) and len(k) >= 2]:
        del plan.origins[key]
    for new_index, (old_index, _) in enumerate(entries):
        plan.origins[(KEY, new_index)] = (KEY, old_index)


def entries(plan: Plan) -> Iterator[Tuple[int, int, Any]]:
    """``(new index, legacy index, entry)`` of the list in the new view."""
    for new_index, hook in enumerate(take_over(plan)):
        yield new_index, legacy_index(plan, new_index), hook


def legacy_index(plan: Plan, new_index: int) -> Optional[int]:
    origin = plan.origins.get((KEY, new_index))
    return origin[1] if origin is not None else None


def keep_origin(plan: Plan, new_index: int, new_arg: str, old_index: int,
                old_arg: str) -> None:
    """``custom_hooks[new].new_arg`` is the file's ``custom_hooks[old].old_arg`` unchanged."""
    plan.origins[(KEY, new_index, new_arg)] = (KEY, old_index, old_arg)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
