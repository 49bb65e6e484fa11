"""The one set of schedule argument checks, shared by the engine's schedulers (MMEngine's
argument rules), the compat policies (MMCV's hook constructors) and, through the engine's
schedulers, the converter's check of what it writes.

Each check takes ``fail(arg, message, fix=None) -> Exception``, the caller's way of naming
the argument: the engine raises ``BuildError('CosineAnnealingLR eta_min must be ...')``
(:func:`scheduler_failure`), compat a ``ConfigError`` for ``lr_config.min_lr`` in the legacy
file. The messages say what is wrong with the value, the caller's error says where.

>>> fail = scheduler_failure('StepLR')
>>> check_positive(fail, 'step_size', 0)
Traceback (most recent call last):
...
engine.errors.BuildError: key 'step_size': StepLR step_size must be positive, got 0
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any, Callable, List, Optional, Tuple

from engine.errors import BuildError

#: ``fail(arg, message, fix=None)``: the caller's error for a bad argument.
Fail = Callable[..., Exception]

ANNEAL_STRATEGIES = ('cos', 'linear')


def scheduler_failure(owner: str) -> Fail:
    """The engine's errors: a BuildError for ``owner``'s argument whose message starts with
    both names (the builder adds the ``param_scheduler[i]`` entry to the key)."""
    def fail(arg: str, message: str, fix: Optional[str] = None) -> BuildError:
        return BuildError(f'{owner} {arg} {message}', key=arg, fix=fix)
    return fail


def is_number(value: Any) -> bool:
    """A real number that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_number(fail: Fail, arg: str, value: Any, fix: Optional[str] = None) -> None:
    if not is_number(value):
        raise fail(arg, f'must be a number, got {value!r}', fix)


def check_unit_interval(fail: Fail, arg: str, value: Any) -> None:
    """``value`` in [0, 1] (MMEngine's Linear/Constant factors cannot exceed 1)."""
    check_number(fail, arg, value)
    if not 0 <= value <= 1:
        raise fail(arg, f'must be in [0, 1], got {value!r}',
                   'factors above 1 (e.g. a momentum warmup) have no MMEngine scheduler')


def check_positive(fail: Fail, arg: str, value: Any) -> None:
    check_number(fail, arg, value)
    if value <= 0:
        raise fail(arg, f'must be positive, got {value!r}')


def check_fraction(fail: Fail, arg: str, value: Any, fix: Optional[str] = None) -> None:
    """A float in [0, 1]: ``pct_start``, ``start_percent`` (an int such as 1 is refused, as
    MMCV and MMEngine both do)."""
    if not isinstance(value, float) or not 0 <= value <= 1:
        raise fail(arg, f'must be a float in [0, 1], got {value!r}', fix)


def check_anneal_strategy(fail: Fail, arg: str, value: Any, fix: Optional[str] = None) -> None:
    if value not in ANNEAL_STRATEGIES:
        raise fail(arg, f"must be 'cos' or 'linear', got {value!r}", fix)


def check_number_list(fail: Fail, arg: str, value: Any, *, positive: bool = False,
                      allow_empty: bool = True) -> List:
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, '__iter__'):
        raise fail(arg, f'must be a list of numbers, got {value!r}')
    items = list(value)
    if not allow_empty and not items:
        raise fail(arg, 'must not be empty')
    for item in items:
        if not is_number(item) or (positive and item <= 0):
            kind = 'positive numbers' if positive else 'numbers'
            raise fail(arg, f'must be a list of {kind}, got {value!r}')
    return items


def check_restart_periods(fail: Fail, periods: Any, restart_weights: Any, *,
                          names: Tuple[str, str] = ('periods', 'restart_weights'),
                          fix: Optional[str] = None) -> Tuple[list, list]:
    """``periods`` (positive, at least one) and ``restart_weights`` (one per period)."""
    periods = check_number_list(fail, names[0], periods, positive=True, allow_empty=False)
    weights = check_number_list(fail, names[1], restart_weights)
    if len(weights) != len(periods):
        raise fail(names[1], f'must have one weight per period: {len(periods)} periods, '
                   f'{len(weights)} weights', fix)
    return periods, weights


def check_eta_min_xor_ratio(fail: Fail, eta_min: Any, eta_min_ratio: Any) -> None:
    """Exactly one of ``eta_min`` / ``eta_min_ratio``, and a number."""
    if (eta_min is None) == (eta_min_ratio is None):
        raise fail('eta_min', 'and eta_min_ratio: give exactly one of them, '
                   f'got eta_min={eta_min!r}, eta_min_ratio={eta_min_ratio!r}',
                   'set eta_min (an absolute value) or eta_min_ratio (times the base value)')
    if eta_min is not None:
        check_number(fail, 'eta_min', eta_min)
    else:
        check_number(fail, 'eta_min_ratio', eta_min_ratio)


def check_eta_min_or_ratio(fail: Fail, eta_min: Any, eta_min_ratio: Any) -> None:
    """At most one of ``eta_min`` / ``eta_min_ratio`` (neither means ``eta_min = 0``), and a
    number."""
    if eta_min is not None and eta_min_ratio is not None:
        raise fail('eta_min', 'and eta_min_ratio: give one of them, not both',
                   'keep eta_min (absolute) or eta_min_ratio (times the base value)')
    for name, value in (('eta_min', eta_min), ('eta_min_ratio', eta_min_ratio)):
        if value is not None:
            check_number(fail, name, value)


def param_groups_of(owner: str, optimizer: Any) -> list:
    """The optimizer's ``param_groups`` as a list of dicts (an OptimWrapper may add a pseudo
    group for its base settings; it is scheduled like the others, as in MMEngine)."""
    fail = scheduler_failure(owner)
    groups = getattr(optimizer, 'param_groups', None)
    if groups is None or isinstance(groups, (str, bytes, Mapping)):
        raise fail('optimizer', 'must be an optimizer or an object with param_groups, '
                   f'got {type(optimizer).__name__}', 'pass a torch Optimizer or an OptimWrapper')
    groups = list(groups)
    if not groups or not all(isinstance(g, Mapping) for g in groups):
        raise fail('optimizer', 'param_groups must be a non-empty list of dicts')
    return groups
