"""The "did you mean" of every error that names an unknown key, type or policy.

A suggestion is only worth printing when it is very likely what was meant: a wrong guess sends
the user after the wrong name (``EvalHook`` is not a misspelt ``EMAHook``). A name is offered
when it is

* the same name but for case, ``_`` and ``-`` (``multisteplr`` -> ``MultiStepLR``);
* one edit away -- a letter wrong, missing, extra or two letters swapped (``SDG`` -> ``SGD``,
  ``Geer`` -> ``Gear``), which difflib's ratio underrates in short names;
* or similar by :mod:`difflib`'s ratio (at least :data:`CUTOFF`) and of a similar length (the
  shorter at least :data:`MIN_LENGTH_RATIO` of the longer).

>>> close_names('SDG', ['ASGD', 'Adam', 'SGD'])
['SGD']
>>> close_names('EvalHook', ['EMAHook', 'LoggerHook'])
[]
"""
from __future__ import annotations

import difflib
from typing import Iterable, List

CUTOFF = 0.8
MIN_LENGTH_RATIO = 0.7
#: one edit turns any name this short into a different word: no one-edit hint below it
_MIN_ONE_EDIT_LENGTH = 3


def close_names(name: object, candidates: Iterable[object], n: int = 3) -> List[str]:
    """Up to ``n`` of ``candidates`` close to ``name``, the closest first."""
    name = str(name)
    pool = list(dict.fromkeys(c for c in candidates if isinstance(c, str) and c != name))
    folded = _fold(name)
    same = [c for c in pool if _fold(c) == folded]
    one_edit = [c for c in pool if c not in same and len(name) >= _MIN_ONE_EDIT_LENGTH
                and _one_edit_apart(name.lower(), c.lower())]
    scored = []
    for c in pool:
        if c in same or c in one_edit or not _similar_length(name, c):
            continue
        ratio = difflib.SequenceMatcher(None, name, c, autojunk=False).ratio()
        if ratio >= CUTOFF:
            scored.append((-ratio, c))
    return (same + one_edit + [c for _, c in sorted(scored)])[:n]


def did_you_mean(name: object, candidates: Iterable[object], end: str = '?') -> str:
    """``"did you mean 'X'?"`` (several quoted and comma-separated), or '' when none is close."""
    close = close_names(name, candidates)
    return ('did you mean ' + ', '.join(repr(c) for c in close) + end) if close else ''


def _fold(name: str) -> str:
    return name.lower().replace('_', '').replace('-', '')


def _similar_length(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= MIN_LENGTH_RATIO * max(len(a), len(b))


def _one_edit_apart(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or swap of two neighbours turns ``a`` into ``b``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):
        return a[start:] == b[start + 1:]
    rest = start + 1
    if a[rest:] == b[rest:]:
        return True   # one letter differs
    return a[start + 2:] == b[start + 2:] and a[start:start + 2] == b[start:start + 2][::-1]
