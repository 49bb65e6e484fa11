"""MMCV 1.7.2's ``ClosureHook``: one stage method replaced by a given function."""
from __future__ import annotations

from typing import Callable

from compat.runner.hooks.hook import HOOKS, Hook


@HOOKS.register_module()
class ClosureHook(Hook):
    """Run ``fn(runner)`` as the stage method ``fn_name`` (e.g. ``'after_train_iter'``).

    The function is set on the instance, so the hook's class still reports no overridden
    stage (MMCV's ``get_triggered_stages`` reads the class too); the runner calls it anyway.
    """

    def __init__(self, fn_name: str, fn: Callable):
        # MMCV asserts both; the AssertionErrors here say which argument and why
        if not hasattr(self, fn_name):
            raise AssertionError(f'ClosureHook: fn_name={fn_name!r} is not a method of a hook; '
                                 f'use a stage name such as {Hook.stages[3]!r}')
        if not callable(fn):
            raise AssertionError(f'ClosureHook: fn must be callable, got {type(fn).__name__}; '
                                 'pass a function taking the runner')
        setattr(self, fn_name, fn)
