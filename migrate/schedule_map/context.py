"""The run a legacy schedule belongs to, and where a policy's progress lives in the new
config (its *frame*)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, Optional

from migrate.schedule_map.types import ASSUMED_EPOCH_LEN, LR_RULE, MOMENTUM_RULE

EPOCH_RUNNER = 'EpochBasedRunner'
ITER_RUNNER = 'IterBasedRunner'


@dataclass(frozen=True)
class Frame:
    """How a policy's progress is written.

    ``by_epoch``: the scheduler's ``by_epoch``; ``convert``: add ``convert_to_iter_based``
    (units stay epochs, stepped per iteration); ``length``: the policy's ``max_progress`` in
    the scheduler's units (None: iterations of an epoch run whose length is unknown).
    """

    by_epoch: bool
    convert: bool
    length: Optional[int]


@dataclass(frozen=True)
class Context:
    """Everything about the run that the mapping depends on."""

    target: str
    runner_type: str
    max_epochs: Optional[int]
    max_iters: Optional[int]
    epoch_len: Optional[int]
    base_lr: float
    base_momentum: Optional[float]
    optimizer_type: str

    @property
    def measure_epoch_len(self) -> int:
        """Iterations per epoch for measuring: the known one, else the assumed one."""
        return self.epoch_len if self.epoch_len is not None else ASSUMED_EPOCH_LEN

    @property
    def iter_based(self) -> bool:
        return self.runner_type == ITER_RUNNER

    @property
    def engine(self) -> bool:
        return self.target == 'engine'

    @property
    def total_iters(self) -> Optional[int]:
        """Training iterations, if known."""
        if self.iter_based:
            return self.max_iters
        return None if self.epoch_len is None else self.max_epochs * self.epoch_len

    def frame(self, by_epoch: bool) -> Frame:
        """The frame of a policy with MMCV's ``by_epoch`` (never True under IterBasedRunner:
        such hooks are no-ops and are not mapped)."""
        if by_epoch:
            return Frame(True, False, self.max_epochs)
        return Frame(False, False, self.total_iters)

    def epoch_frame(self) -> Frame:
        """Iteration progress of an epoch run written in epochs (``convert_to_iter_based``):
        exact for any dataloader length when the policy's units scale with it."""
        return Frame(True, True, self.max_epochs)

    def base(self, rule: str) -> float:
        return self.base_lr if rule == LR_RULE else self.base_momentum


def entry(kind: str, args: Dict[str, Any], frame: Frame, *, begin: Optional[int] = 0,
          end: Optional[int] = None, by_epoch: Optional[bool] = None) -> Dict[str, Any]:
    """A scheduler dict in reading order: type, the family's args, begin, end, by_epoch,
    convert_to_iter_based. ``begin``/``end`` None are left out (the Runner's defaults)."""
    out: Dict[str, Any] = {'type': kind}
    out.update({k: tidy(v) if k in STEP_ARGS else v for k, v in args.items() if v is not None})
    if begin is not None:
        out['begin'] = tidy(begin)
    if end is not None:
        out['end'] = tidy(end)
    out['by_epoch'] = frame.by_epoch if by_epoch is None else by_epoch
    if frame.convert:
        out['convert_to_iter_based'] = True
    return out


#: Arguments counted in steps (written as ints when whole).
STEP_ARGS = frozenset({'periods', 'T_max', 'milestones', 'total_steps', 'step_size',
                       'warmup_iters'})


def tidy(value: Any) -> Any:
    """Whole floats as ints (``2.0`` -> ``2``, in lists too), so configs read naturally."""
    if isinstance(value, list):
        return [tidy(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def is_whole(value: float) -> bool:
    """``value`` is an integer up to float noise (so ``value * L`` rounds to itself * L)."""
    return abs(value - round(value)) < 1e-9


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def scheduler_name(rule: str, family: str) -> str:
    """'CosineAnnealing' -> 'CosineAnnealingLR' / 'CosineAnnealingMomentum'."""
    return family + ('LR' if rule == LR_RULE else 'Momentum')


def kind_of(rule: str) -> str:
    return 'lr' if rule == LR_RULE else 'momentum'


def fmt(value: float) -> str:
    """A short, exact-enough rendering for messages."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f'{value:.4g}'


__all__ = ['Context', 'Frame', 'entry', 'is_whole', 'ceil_div', 'scheduler_name', 'kind_of',
           'fmt', 'EPOCH_RUNNER', 'ITER_RUNNER', 'LR_RULE', 'MOMENTUM_RULE']
