"""The meaning check of one converted file: its failures as error messages that name the
file, the fact, both readings and the fix."""
from __future__ import annotations

from typing import AbstractSet, Any, Dict, List, Sequence

from migrate.meaning.compare import Mismatch, compare
from migrate.rules.base import Finding

_SHOWN = 160   # characters of a reading shown in a message (models can be long)


def check_meaning(path: str, legacy_view: Dict[str, Any], converted_view: Dict[str, Any],
                  findings: Sequence[Finding],
                  deferred: AbstractSet[str] = frozenset()) -> List[str]:
    """Error messages for the facts of ``path`` that the conversion changed without saying so
    (``deferred``: new keys left to the configs that combine this file with a sibling base).

    >>> check_meaning('a.py', {'log_config': {'interval': 5, 'hooks': []}},
    ...               {'default_hooks': {'logger': {'interval': 50}}}, [])[0].splitlines()[0]
    "a.py: key 'default_hooks.logger.interval': meaning check: logger interval differs: MMCV 1.x read 5, MMEngine reads 50"
    """
    return [describe(path, m) for m in compare(legacy_view, converted_view, findings,
                                               deferred=deferred)
            if m.failed]


def describe(path: str, mismatch: Mismatch) -> str:
    """One failure in the ``ConfigError`` layout (file, key, message, fix)."""
    return (f"{path}: key '{mismatch.key}': meaning check: {mismatch.fact} differs: "
            f'MMCV 1.x read {_short(mismatch.legacy)}, MMEngine reads {_short(mismatch.new)}'
            f'\n  fix: {mismatch.fix}')


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 3] + '...'
