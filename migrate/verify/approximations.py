"""The schedule approximations the converter reported for the tree being verified.

A divergence is expected exactly where the converter said it wrote a closest form; verify
names those findings (rule, kind, measured deviation) next to its verdict. Findings on keys
the schedule does not read (EMA, AMP, save_best) are not about this comparison.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

from migrate.rules.base import APPROXIMATION

#: The legacy keys a schedule-only comparison reads.
SCHEDULE_KEYS = ('lr_config', 'momentum_config', 'optimizer', 'runner', 'total_epochs')


@dataclass(frozen=True)
class Approximation:
    """One approximation finding and the file it was reported for."""

    file: str
    rule: str
    kind: str
    key: str
    message: str
    deviation: Optional[float]

    def as_dict(self) -> Dict[str, Any]:
        return {'file': self.file, 'rule': self.rule, 'kind': self.kind, 'key': self.key,
                'message': self.message, 'deviation': self.deviation}


def reported_approximations(results: Mapping[str, Any],
                            files: Sequence[str]) -> List[Approximation]:
    """Schedule approximations of the converter ``results`` (path -> FileResult) for the
    tree whose ``files`` are given nearest first (the leaf, then its bases depth first).

    Per rule and key the nearest file's finding is the one that holds: a base's finding was
    measured on the base's own run, and a leaf that writes the key again reports its own.
    """
    out: List[Approximation] = []
    seen = set()
    for path in files:
        result = results.get(os.path.abspath(path))
        for f in result.findings if result is not None else ():
            ident = (f.rule, f.key)
            top = f.key.split('.')[0].split('[')[0]
            if f.severity != APPROXIMATION or top not in SCHEDULE_KEYS or ident in seen:
                continue
            seen.add(ident)
            out.append(Approximation(result.path, f.rule, f.kind, f.key, f.message,
                                     f.deviation))
    return out
