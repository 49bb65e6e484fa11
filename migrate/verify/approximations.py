"""The approximations the converter reported for the tree being verified.

A divergence is expected exactly where the converter said it wrote a closest form; verify
names those findings (rule, kind, measured deviation) next to its verdict.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from migrate.rules.base import APPROXIMATION


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


def reported_approximations(results: Mapping[str, Any], leaf: str) -> List[Approximation]:
    """Approximations of the converter ``results`` (path -> FileResult), the leaf's first, then
    its bases' (an inherited schedule is reported where it is written); each once."""
    leaf = os.path.abspath(leaf)
    ordered = sorted(results.values(), key=lambda r: r.path != leaf)
    out: List[Approximation] = []
    seen = set()
    for result in ordered:
        for f in result.findings:
            ident = (f.rule, f.kind, f.key, f.message)
            if f.severity != APPROXIMATION or ident in seen:
                continue
            seen.add(ident)
            out.append(Approximation(result.path, f.rule, f.kind, f.key, f.message,
                                     f.deviation))
    return out
