"""Run the rules over a merged legacy view: the new-style view MMCV's behaviour maps to."""
from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from migrate.convert.merge import same_value
from migrate.hookcode.convert import is_legacy_hook_code
from migrate.rules import RULES
from migrate.rules.base import Plan, Rule
from migrate.static.values import detached_copy
from migrate.tables import LEGACY_RUNTIME_KEYS


def plan_view(legacy: Dict[str, Any], *, rules: Iterable[Rule] = RULES,
              target: str = 'mmengine', epoch_len: Optional[int] = None,
              source: Optional[str] = None, tree_files: frozenset = frozenset()) -> Plan:
    """Apply ``rules`` to ``legacy`` (a merged MMCV 1.x view, the caller's own copy: the plan
    shares its non-runtime values) and return the :class:`Plan`.

    ``plan.values`` is the complete new view: every key the rules did not consume passes
    through unchanged (models, pipelines, variables, keys of unselected rules).
    ``tree_files``: the files converted in the same run (MIG063 leaves them to that run).
    """
    plan = Plan(legacy=legacy, target=target, epoch_len=epoch_len, source=source)
    plan.facts['tree_files'] = tree_files
    plan.facts['is_legacy_hook_code'] = is_legacy_hook_code
    for key, value in legacy.items():
        if key not in LEGACY_RUNTIME_KEYS:
            # not copied: ``legacy`` is the caller's own copy, and rules only read these keys
            # (models and pipelines are most of a config: copying them per file shows)
            plan.values[key] = value
    written = set()
    for rule in rules:
        if rule.applies(plan):
            before = {k: detached_copy(plan.values[k]) for k in rule.new_keys
                      if k in plan.values}
            rule.apply(plan)
            plan.applied.append(rule.id)
            written |= {k for k in rule.new_keys if k in plan.values
                        and (k not in before or not same_value(before[k], plan.values[k]))}
    # Legacy keys no rule consumed (an unselected rule, an unknown value) stay as they are.
    for key, value in legacy.items():
        if key in LEGACY_RUNTIME_KEYS and key not in plan.consumed and key not in plan.values:
            plan.values[key] = detached_copy(value)
    plan.facts['written_keys'] = written
    return plan


def sources_of(new_key: str, rules: Iterable[Rule] = RULES) -> tuple:
    """The legacy keys whose rules write ``new_key`` (where its statement belongs)."""
    out = []
    for rule in rules:
        if new_key in rule.new_keys:
            out.extend(k for k in rule.legacy_keys if k not in out)
    return tuple(out)
