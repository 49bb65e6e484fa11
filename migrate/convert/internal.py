"""The message for an unexpected exception in the converter itself (a bug of ours)."""
from __future__ import annotations

import os
import traceback


def internal_error_message(path: str, error: BaseException) -> str:
    """``<path>: internal error (a converter bug, not your file): TypeError: ... (raised at
    migrate/rules/x.py:25 in apply)`` plus the fix line, for the report and the CLI."""
    frames = traceback.extract_tb(error.__traceback__)
    where = ''
    if frames:
        last = frames[-1]
        where = f' (raised at {_short(last.filename)}:{last.lineno} in {last.name})'
    detail = str(error).splitlines()[0] if str(error) else ''
    return (f'{path}: internal error (a converter bug, not your file): '
            f'{type(error).__name__}{": " + detail[:200] if detail else ""}{where}\n'
            '  fix: please report it with this file; the rest of the tree was converted')


def _short(filename: str) -> str:
    """The file of a frame relative to the package root, when it is ours."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        rel = os.path.relpath(filename, root)
    except ValueError:
        return filename
    return filename if rel.startswith('..') else rel
