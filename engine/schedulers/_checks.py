"""Argument checks that raise a :class:`BuildError` naming the scheduler and the argument.

MMEngine raises bare ``ValueError``/``AssertionError`` here (or, for some values, fails only
later with a ``ZeroDivisionError`` mid-training); we reject the same inputs at build time.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any, List, Optional, Tuple

from engine.errors import BuildError


def fail(owner: str, arg: str, message: str, fix: Optional[str] = None) -> BuildError:
    """A BuildError for ``owner``'s argument ``arg``; the message starts with both names."""
    return BuildError(f'{owner} {arg} {message}', key=arg, fix=fix)


def is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_number(owner: str, arg: str, value: Any) -> None:
    if not is_number(value):
        raise fail(owner, arg, f'must be a number, got {value!r}')


def check_unit_interval(owner: str, arg: str, value: Any) -> None:
    """``value`` in [0, 1] (MMEngine's Linear/Constant factors cannot exceed 1)."""
    check_number(owner, arg, value)
    if not 0 <= value <= 1:
        raise fail(owner, arg, f'must be in [0, 1], got {value!r}',
                   fix='factors above 1 (e.g. a momentum warmup) have no MMEngine scheduler')


def check_positive(owner: str, arg: str, value: Any) -> None:
    check_number(owner, arg, value)
    if value <= 0:
        raise fail(owner, arg, f'must be positive, got {value!r}')


def check_number_list(owner: str, arg: str, value: Any, *, positive: bool = False,
                      allow_empty: bool = True) -> List:
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, '__iter__'):
        raise fail(owner, arg, f'must be a list of numbers, got {value!r}')
    items = list(value)
    if not allow_empty and not items:
        raise fail(owner, arg, 'must not be empty')
    for item in items:
        if not is_number(item) or (positive and item <= 0):
            kind = 'positive numbers' if positive else 'numbers'
            raise fail(owner, arg, f'must be a list of {kind}, got {value!r}')
    return items


def check_restart_periods(owner: str, periods: Any, restart_weights: Any) -> Tuple[list, list]:
    """``periods`` (positive, at least one) and ``restart_weights`` (one per period), checked."""
    periods = check_number_list(owner, 'periods', periods, positive=True, allow_empty=False)
    weights = check_number_list(owner, 'restart_weights', restart_weights)
    if len(weights) != len(periods):
        raise fail(owner, 'restart_weights', f'must have one weight per period: '
                   f'{len(periods)} periods, {len(weights)} weights')
    return periods, weights


def check_eta_min_xor_ratio(owner: str, eta_min: Any, eta_min_ratio: Any) -> None:
    if (eta_min is None) == (eta_min_ratio is None):
        raise fail(owner, 'eta_min', 'and eta_min_ratio: give exactly one of them, '
                   f'got eta_min={eta_min!r}, eta_min_ratio={eta_min_ratio!r}',
                   fix='set eta_min (an absolute value) or eta_min_ratio (times the base value)')
    which, value = ('eta_min', eta_min) if eta_min is not None else ('eta_min_ratio', eta_min_ratio)
    check_number(owner, which, value)


def param_groups_of(owner: str, optimizer: Any) -> list:
    """The optimizer's ``param_groups`` as a list of dicts (an OptimWrapper may add a pseudo
    group for its base settings; it is scheduled like the others, as in MMEngine)."""
    groups = getattr(optimizer, 'param_groups', None)
    if groups is None or isinstance(groups, (str, bytes, Mapping)):
        raise fail(owner, 'optimizer', 'must be an optimizer or an object with param_groups, '
                   f'got {type(optimizer).__name__}',
                   fix='pass a torch Optimizer or an OptimWrapper')
    groups = list(groups)
    if not groups or not all(isinstance(g, Mapping) for g in groups):
        raise fail(owner, 'optimizer', 'param_groups must be a non-empty list of dicts')
    return groups
