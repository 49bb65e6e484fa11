"""What a conversion rule is and what it can do.

A rule reads the *merged legacy view* of a config (what MMCV 1.x would have run) and writes
new-style keys into a :class:`Plan`. It never touches source code: rendering and placing the
statements is the rewriter's job, so every rule is a pure function of the legacy view, the
target and the stated epoch length, and can be tested on plain dicts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from migrate.static.values import detached_copy

Path = Tuple[Any, ...]

#: Finding severities, in the order the report lists them.
APPROXIMATION = 'approximation'   # written, but behaves measurably differently
DROPPED = 'dropped'               # no equivalent: the setting is gone
MANUAL = 'manual'                 # needs a decision we cannot make statically
NOTE = 'note'                     # same behaviour, worth knowing
SEVERITIES = (APPROXIMATION, DROPPED, MANUAL, NOTE)


@dataclass
class Finding:
    """One thing the report (and possibly a ``# migrate[RULE]`` comment) says."""

    rule: str
    severity: str
    key: str
    message: str
    kind: str = ''
    deviation: Optional[float] = None
    path: Optional[Path] = None      # where to hang the comment in the new config
    #: hang a ``# migrate[RULE]`` comment at ``path`` although this is no approximation (a
    #: setting the file keeps aside or cannot carry: the file must say so, not only the report)
    marked: bool = False

    def comment(self) -> str:
        text = f'migrate[{self.rule}]: {self.message}'
        if self.deviation is not None and 'deviation' not in self.message:
            text += f' (max rel. deviation {self.deviation:.3g})'
        return text

    def as_dict(self) -> Dict[str, Any]:
        out = {'rule': self.rule, 'severity': self.severity, 'key': self.key,
               'kind': self.kind, 'message': self.message}
        if self.deviation is not None:
            out['deviation'] = self.deviation
        return out


@dataclass
class Plan:
    """The new-style view being built from one legacy view."""

    legacy: Dict[str, Any]
    target: str = 'mmengine'
    epoch_len: Optional[int] = None
    source: Optional[str] = None
    values: Dict[str, Any] = field(default_factory=dict)
    origins: Dict[Path, Path] = field(default_factory=dict)
    findings: List[Finding] = field(default_factory=list)
    consumed: List[str] = field(default_factory=list)
    applied: List[str] = field(default_factory=list)
    facts: Dict[str, Any] = field(default_factory=dict)

    # -- reading the legacy view ----------------------------------------------------------------
    def has(self, key: str) -> bool:
        return key in self.legacy

    def get(self, key: str, default: Any = None) -> Any:
        return detached_copy(self.legacy.get(key, default))

    def consume(self, *keys: str) -> None:
        """Mark legacy keys as converted: the rewriter removes them from the file."""
        for key in keys:
            if key in self.legacy and key not in self.consumed:
                self.consumed.append(key)

    # -- writing the new view -------------------------------------------------------------------
    def set(self, path: Path, value: Any, origin: Optional[Path] = None) -> None:
        """Set ``values[path[0]][path[1]]... = value``, creating dicts on the way."""
        node = self.values
        for part in path[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[path[-1]] = value
        if origin is not None:
            self.origins[tuple(path)] = tuple(origin)

    def lookup(self, path: Path, default: Any = None) -> Any:
        node: Any = self.values
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def report(self, rule: str, severity: str, key: str, message: str, *, kind: str = '',
               deviation: Optional[float] = None, path: Optional[Path] = None,
               marked: bool = False) -> None:
        self.findings.append(Finding(rule, severity, key, message, kind, deviation,
                                     tuple(path) if path is not None else None, marked))


class Rule:
    """Base class: one conversion rule with a stable id.

    Subclasses set ``id`` (``MIGnnn``, never reused), ``name`` (a slug), ``summary`` (one
    line), ``legacy_keys`` (what they read and remove) and ``new_keys`` (what they write), and
    implement :meth:`apply`. Each rule's golden pairs live in ``fixtures/rule_cases/<id>/``;
    docs/rules.md is generated from them (scripts/write_rules_doc.py).
    """

    id: str = ''
    name: str = ''
    summary: str = ''
    legacy_keys: Tuple[str, ...] = ()
    new_keys: Tuple[str, ...] = ()

    def applies(self, plan: Plan) -> bool:
        return any(plan.has(k) for k in self.legacy_keys)

    def apply(self, plan: Plan) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def report(self, plan: Plan, severity: str, key: str, message: str, **kw: Any) -> None:
        plan.report(self.id, severity, key, message, **kw)


def drop_none(d: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
