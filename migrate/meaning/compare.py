"""Compare the two readings of every fact; a difference is a failure unless the converter's
own findings say it could not carry that setting."""
from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet, Any, Dict, Iterable, List, Optional, Sequence

from engine.runtime_keys import LEGACY_RUNTIME_KEYS
from migrate.meaning.facts import FACTS, REPORT, Fact
from migrate.meaning.legacy_reading import NOT_SET
from migrate.meaning.new_reading import legacy_keys_left
from migrate.rules.base import APPROXIMATION, DROPPED, MANUAL, Finding
from migrate.static.values import same_value

#: Severities that stand for "the converter said it could not carry this".
EXCUSING = (APPROXIMATION, DROPPED, MANUAL)


@dataclass(frozen=True)
class Mismatch:
    """A fact whose two readings differ; ``finding`` is the converter's own word on it (then
    it is reported as that finding, not as a failure)."""

    fact: str
    key: str
    legacy: Any
    new: Any
    fix: str
    finding: Optional[Finding] = None

    @property
    def failed(self) -> bool:
        return self.finding is None


def _covers(finding_key: str, fact_key: str) -> bool:
    """Does a finding on ``finding_key`` concern ``fact_key``: the same key or one above it;
    a ``fact_key`` ending in ``*`` also takes findings on keys inside it.

    >>> _covers('log_config.hooks[1]', 'log_config.hooks*'), _covers('fp16', 'fp16.x')
    (True, True)
    >>> _covers('evaluation.metric', 'evaluation')
    False
    """
    def inside(a: str, b: str) -> bool:
        return a == b or a.startswith((b + '.', b + '['))
    if fact_key.endswith('*'):
        fact_key = fact_key[:-1]
        return inside(finding_key, fact_key) or inside(fact_key, finding_key)
    return inside(fact_key, finding_key)


def _excuse(findings: Iterable[Finding], keys: Sequence[str],
            severities: Sequence[str] = EXCUSING) -> Optional[Finding]:
    for finding in findings:
        if finding.severity in severities and any(_covers(finding.key, k) for k in keys):
            return finding
    return None


def compare(legacy_view: Dict[str, Any], converted_view: Dict[str, Any],
            findings: Sequence[Finding], facts: Sequence[Fact] = FACTS,
            deferred: AbstractSet[str] = frozenset()) -> List[Mismatch]:
    """Every fact whose readings differ, plus legacy keys left behind, in ``facts`` order.

    ``deferred``: new keys this file leaves to the configs that combine it with a sibling base
    writing the same key (MMEngine forbids that); their facts are checked in those configs.

    >>> [m.fact for m in compare({'runner': {'type': 'EpochBasedRunner', 'max_epochs': 2}},
    ...                          {'train_cfg': {'type': 'EpochBasedTrainLoop', 'max_epochs': 3}},
    ...                          [])]
    ['loop kind and length']
    """
    out: List[Mismatch] = []
    for fact in facts:
        before = fact.read_legacy(legacy_view)
        if before is NOT_SET or fact.new_key.split('.')[0] in deferred:
            continue
        after = fact.read_new(converted_view)
        if same_value(before, after):
            continue
        out.append(Mismatch(fact.name, fact.new_key, before, after, fact.fix,
                            _excuse(findings, fact.finding_keys)))
    for key in legacy_keys_left(converted_view, LEGACY_RUNTIME_KEYS):
        out.append(Mismatch('legacy key left behind', key, converted_view[key], None,
                            f'convert {key} by hand (MMEngine ignores it silently), or '
                            + REPORT, _excuse(findings, (key + '*',), (MANUAL,))))
    return out
