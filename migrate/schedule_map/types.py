"""What :func:`map_schedules` returns, and the pieces the policy mappers hand back."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

LR_RULE = 'MIG100'
MOMENTUM_RULE = 'MIG101'
#: Relative deviation under which a converted schedule counts as exact.
TOLERANCE = 1e-12
#: A deviation nobody announced and below this is float rounding, not a schedule difference.
ROUNDING = 1e-9
#: Iterations per epoch assumed for measuring when the caller does not know them.
ASSUMED_EPOCH_LEN = 100


@dataclass
class Approximation:
    """A converted schedule that differs from MMCV's.

    Attributes:
        rule: 'MIG100' (lr_config) or 'MIG101' (momentum_config).
        kind: short slug, e.g. 'inv-policy', 'warmup-on-affine'.
        message: one line stating the deviation (for the ``# migrate[RULE]`` comment).
        scheduler_index: the entry of ``schedulers`` the comment goes on (None: no entry,
            e.g. a dropped warmup with nothing left to carry it).
        deviation: measured max relative deviation of the lr (MIG100) or momentum (MIG101)
            over the whole run.
        measured_with_epoch_len: iterations per epoch used for the measurement.
    """

    rule: str
    kind: str
    message: str
    scheduler_index: Optional[int]
    deviation: float
    measured_with_epoch_len: Optional[int]


@dataclass
class Note:
    """Something worth a comment that is not a deviation (a no-op legacy hook, a form that
    is exact only for param groups at the optimizer's base lr, an unusual exact form)."""

    rule: str
    kind: str
    message: str
    scheduler_index: Optional[int] = None


@dataclass
class ScheduleMapping:
    """The ``param_scheduler`` entries (plain dicts, readable key order) and what to say."""

    schedulers: List[Dict[str, Any]] = field(default_factory=list)
    approximations: List[Approximation] = field(default_factory=list)
    notes: List[Note] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return not self.approximations


@dataclass
class Pending:
    """An approximation before measurement. ``entry`` indexes the mapper's own entries;
    ``needs_epoch_len``: the deviation depends on the unknown dataloader length, so it is
    kept (and said to be measured with an assumed length) even if that measure is 0;
    ``rounding_only``: the form is exact but for float rounding, so it is reported only if the
    measure exceeds the tolerance and no other pending approximation explains it."""

    kind: str
    message: str
    entry: Optional[int]
    needs_epoch_len: bool = False
    #: off by float rounding only: reported only if nothing else explains the deviation
    rounding_only: bool = False


@dataclass
class Part:
    """One mapper's output: entries plus pending approximations and notes (entry-relative).

    ``drop_warmup``: the main form overwrites the value every step, so a chained warmup
    would be dead code (it is left out and the pending approximation says so);
    ``warmup_after``: the main form writes an absolute value at its first step, so the
    warmup must come after it in the list to be laid over that value.
    """

    entries: List[Dict[str, Any]] = field(default_factory=list)
    pending: List[Pending] = field(default_factory=list)
    notes: List[Note] = field(default_factory=list)
    drop_warmup: bool = False
    warmup_after: bool = False

    def add(self, entry: Dict[str, Any]) -> int:
        self.entries.append(entry)
        return len(self.entries) - 1

    def extend(self, other: 'Part') -> None:
        offset = len(self.entries)
        self.entries.extend(other.entries)
        for p in other.pending:
            self.pending.append(Pending(p.kind, p.message,
                                        None if p.entry is None else p.entry + offset,
                                        p.needs_epoch_len, p.rounding_only))
        for n in other.notes:
            self.notes.append(Note(n.rule, n.kind, n.message,
                                   None if n.scheduler_index is None
                                   else n.scheduler_index + offset))


class Unmappable(Exception):
    """A legacy schedule this mapping cannot write for this run (e.g. its exact form needs
    the dataloader length): the rule leaves the key as written, marked, for a manual port.
    The message says why and what to do."""
