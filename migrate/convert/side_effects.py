"""Report the statements of a config that do more than build values (never run them)."""
from __future__ import annotations

from typing import List, Sequence, Tuple

from migrate.rules.base import NOTE, Finding

SIDE_EFFECT = 'side-effect'


def side_effect_findings(side_effects: Sequence[Tuple[int, str, str]]) -> List[Finding]:
    """One note per import or call the static reader found and did not run
    (:attr:`migrate.static.ConfigFile.side_effects`); the converted file keeps each as
    written, so MMEngine runs it when it loads the file, as MMCV did."""
    out = []
    for line, code, what in side_effects:
        runs = ("imports a module, which runs that module's code" if what == 'import'
                else 'is a call that does more than build a value')
        out.append(Finding('MIG000', NOTE, f'line {line}',
                           f'`{code}` {runs} when the config is loaded; kept as written, not '
                           'run by the converter: check that it is wanted', kind=SIDE_EFFECT))
    return out
