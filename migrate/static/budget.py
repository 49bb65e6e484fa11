"""The limits that keep reading one config bounded in time and memory, whatever it holds.

A config is data written as Python; real ones are a few KB, a few thousand tokens, nested a
dozen levels, and evaluate in a few thousand steps. The limits below are far above that and
far below what makes the parsers or the evaluator stall: libcst's native parser crashes on
deep nesting and needs ~2 KB of memory per token, and the evaluator would follow a
comprehension of a billion items. Each limit has its own message, so a refused file says
which one it crossed.
"""
from __future__ import annotations

import contextlib
from typing import Iterator, List

from .errors import StaticConfigError

#: bytes read from one file; larger files are refused without being read
MAX_FILE_BYTES = 2 * 1024 * 1024
#: tokens (names, numbers, strings, operators, comments, line ends) in one file
MAX_TOKENS = 50_000
#: brackets plus operator links open at once (CPython itself stops at 200 brackets)
MAX_NESTING = 200
#: evaluation steps for one file: expressions evaluated, loop items, values walked
MAX_WORK = 500_000


class BudgetExceeded(StaticConfigError):
    """A config crossed one of the reading limits; ``budget`` names which."""

    def __init__(self, message: str, *, budget: str, file=None, line=None, fix=None):
        self.budget = budget
        super().__init__(message, file=file, line=line, fix=fix or (
            'a config should hold settings, not data: move large values into a data file '
            'the training code reads'))


class WorkBudget:
    """Counts evaluation steps of one file; :meth:`spend` raises past ``limit``."""

    __slots__ = ('used', 'limit', 'file')

    def __init__(self, file: str, limit: int = MAX_WORK):
        self.used = 0
        self.limit = limit
        self.file = file

    def spend(self, steps: int = 1) -> None:
        self.used += steps
        if self.used > self.limit:
            raise BudgetExceeded(
                f'evaluation work budget exceeded (more than {self.limit:,} steps): the file '
                'computes too much to be read statically', budget='work', file=self.file)


#: the budget of the file being evaluated (a base loaded midway installs its own)
_active: List[WorkBudget] = [WorkBudget('<config>', limit=10 ** 18)]


def active() -> WorkBudget:
    return _active[-1]


@contextlib.contextmanager
def using(budget: WorkBudget) -> Iterator[WorkBudget]:
    """Charge the walks of helper functions (value sizes) to ``budget`` meanwhile."""
    _active.append(budget)
    try:
        yield budget
    finally:
        _active.pop()
