"""Lr/momentum updater hooks that downstream code writes itself, as MMCV 1.7.2 drives them.

A downstream policy subclasses ``LrUpdaterHook`` (``MomentumUpdaterHook``) and implements
``get_lr(runner, base_lr)`` (``get_momentum``), possibly ``get_regular_lr`` or
``get_warmup_lr`` too. Such a hook has no entry in compat's policy table: its base arguments
are checked here as MMCV's base ``__init__`` checks them, and the shared timeline of
:class:`~compat.runner.hooks.schedule_hook.ScheduleHook` calls its methods where MMCV does.
"""
from __future__ import annotations

import inspect
import numbers
from typing import Any, Callable, Dict, List, Sequence

from engine.schedulers.closed_form import WARMUP_KINDS

from compat.schedules.schedule import LegacySchedule, LrSchedule, MomentumSchedule

#: MMCV's base ``__init__`` arguments and defaults, in signature order
BASE_ARGS = {
    'lr': {'by_epoch': True, 'warmup': None, 'warmup_iters': 0, 'warmup_ratio': 0.1,
           'warmup_by_epoch': False},
    'momentum': {'by_epoch': True, 'warmup': None, 'warmup_iters': 0, 'warmup_ratio': 0.9},
}


def _signature(kind: str) -> inspect.Signature:
    return inspect.Signature([inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                default=default)
                              for name, default in BASE_ARGS[kind].items()])


def custom_schedule(kind: str, owner: str, args: Sequence, kwargs: Dict[str, Any]
                    ) -> LegacySchedule:
    """The schedule of a downstream hook ``owner`` from its base-class arguments.

    Unknown arguments raise TypeError and a bad warmup ValueError/AssertionError, as MMCV's
    base ``__init__`` does, each naming the hook and the argument.
    """
    base = 'LrUpdaterHook' if kind == 'lr' else 'MomentumUpdaterHook'
    try:
        bound = _signature(kind).bind(*args, **kwargs)
    except TypeError as err:
        raise TypeError(f'{owner}: {err} in the call to {base}.__init__, whose arguments '
                        f'are {", ".join(BASE_ARGS[kind])} (MMCV raises TypeError too); '
                        f'keep the policy\'s own arguments in {owner}.__init__') from None
    bound.apply_defaults()
    cfg = dict(bound.arguments)
    warmup, iters, ratio = cfg['warmup'], cfg['warmup_iters'], cfg['warmup_ratio']
    if warmup is not None:
        if warmup not in WARMUP_KINDS:
            raise ValueError(f'{owner}: warmup={warmup!r} is not supported (MMCV raises '
                             "ValueError too); use None, 'constant', 'linear' or 'exp'")
        if not iters > 0:
            raise AssertionError(f'{owner}: warmup_iters must be a positive integer with '
                                 f'warmup={warmup!r}, got {iters!r}')
        if not 0 < ratio <= 1.0:
            raise AssertionError(f'{owner}: warmup_ratio must be in (0, 1], got {ratio!r}')
    schedule_cls = LrSchedule if kind == 'lr' else MomentumSchedule
    return schedule_cls(policy=owner, by_epoch=cfg['by_epoch'], params={}, warmup=warmup,
                        warmup_iters=iters, warmup_ratio=ratio,
                        warmup_by_epoch=bool(cfg.get('warmup_by_epoch', False)))


def overridden_outside(cls: type, method: str, home: str) -> bool:
    """Whether the class that gives ``cls`` its ``method`` lives outside module ``home``."""
    for klass in cls.__mro__:
        if method in klass.__dict__:
            return klass.__module__ != home
    return False


def to_internal(values: Any) -> Dict[Any, List[float]]:
    """MMCV's shape (a list, or a dict of lists per optimizer) -> the timeline's dict."""
    if isinstance(values, dict):
        return {key: list(group) for key, group in values.items()}
    return {None: list(values)}


def format_param(name: str, optim, param):
    """MMCV's ``format_param``: one value per param group of ``optim`` from a number, a
    list (one per group) or a dict keyed by the optimizer's name ``name``."""
    if isinstance(param, numbers.Number):
        return [param] * len(optim.param_groups)
    if isinstance(param, (list, tuple)):
        if len(param) != len(optim.param_groups):
            raise ValueError(f'expected {len(optim.param_groups)} values for {name}, got '
                             f'{len(param)}')
        return param
    if name not in param:
        raise KeyError(f'{name} is not found in {param.keys()}')
    return param[name]


class DownstreamValues:
    """The timeline's value hooks for a downstream subclass of ``LrUpdaterHook`` or
    ``MomentumUpdaterHook`` that implements MMCV's value methods: with ``_custom`` set, the
    regular and warmup values come from its ``get_regular_<kind>``/``get_warmup_<kind>``
    (``kind`` is the class's ``'lr'`` or ``'momentum'``); otherwise from the policy table.
    Put before ``ScheduleHook`` in the bases."""

    def _build_functions(self, runner) -> None:
        if not self._custom:
            super()._build_functions(runner)

    def _regular_values(self, runner) -> Dict[Any, List[float]]:
        if not self._custom:
            return super()._regular_values(runner)
        return to_internal(getattr(self, f'get_regular_{self.kind}')(runner))

    def _warmup_values(self, cur_iter: int) -> Dict[Any, List[float]]:
        if not self._custom:
            return super()._warmup_values(cur_iter)
        return to_internal(getattr(self, f'get_warmup_{self.kind}')(cur_iter))

    @staticmethod
    def _each_group(runner, bases: Any, value: Callable[[Any, float], float]) -> Any:
        """``value(runner, base)`` for every group's base, in MMCV's shape (list or dict)."""
        if isinstance(runner.optimizer, dict):
            return {key: [value(runner, base) for base in bases[key]]
                    for key in runner.optimizer}
        return [value(runner, base) for base in bases]
