"""Base class of the engine-only schedulers that reproduce an MMCV 1.x policy exactly.

MMCV computes every value from the base value and the progress (``regular = f(base, t)``) and
lays its warmup over it as a multiplier. A scheduler here does the same inside MMEngine's
chaining model: at step ``t`` it writes ``f(base, t) * current / f(base, t - 1)``, i.e. it swaps
its own previous factor for the new one and keeps whatever the other schedulers of the chain
multiplied in. Alone, ``current`` equals its own last value, so it writes ``f(base, t)``
bit for bit; chained with factor-type schedulers (LinearLR/ConstantLR warmups, StepLR,
MultiStepLR, ExponentialLR and the schedulers of this family) the product is exactly MMCV's
``warmup(t) * regular(t)``, which MMEngine's affine rules (cosine/poly with ``eta_min``) are not.
"""
from __future__ import annotations

import numbers
from typing import Any, List, Optional, Sequence

from engine.schedulers.checks import check_number, param_groups_of, scheduler_failure
from engine.schedulers.param_scheduler import INF, ParamScheduler


class FactorParamScheduler(ParamScheduler):
    """Subclasses implement :meth:`_value`: the MMCV value of group ``index`` at step ``t``
    (counted from ``begin``) for base value ``base``, or None to leave the value unchanged."""

    def _value(self, index: int, base: float, t: int) -> Optional[float]:
        raise NotImplementedError

    def _next_values(self, current: List[float]) -> List[float]:
        t = self.last_step
        values = []
        for i, (base, value) in enumerate(zip(self.base_values, current)):
            new = self._value(i, base, t)
            if new is None:
                values.append(value)
                continue
            previous = base if t == 0 else self._value(i, base, t - 1)
            # A zero factor cannot be divided out: restart from our own value.
            values.append(new * (value / previous) if previous else new)
        return values


def default_length(owner: str, arg: str, value: Optional[int], begin: int, end: int) -> int:
    """``value`` if given, else the range length ``end - begin`` (which must be finite)."""
    fail = scheduler_failure(owner)
    if value is None:
        if end == INF:
            raise fail(arg, 'is needed when end is not set',
                       fix=f'give {arg} (steps) or end')
        return end - begin
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or value <= 0:
        raise fail(arg, f'must be a positive number of steps, got {value!r}')
    return value


def per_group(owner: str, arg: str, value: Any, optimizer: Any) -> List[float]:
    """One number per param group: a number is repeated, a list must match the groups."""
    fail = scheduler_failure(owner)
    groups = param_groups_of(owner, optimizer)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        if len(value) != len(groups):
            raise fail(arg, f'has {len(value)} values but the optimizer has '
                       f'{len(groups)} param groups', fix='give one number for all groups')
        for item in value:
            check_number(fail, arg, item)
        return list(value)
    check_number(fail, arg, value)
    return [value] * len(groups)


