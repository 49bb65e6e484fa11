"""The runner's ordered hooks and their per-stage call lists.

Stage lists are rebuilt at registration, so firing a stage is a plain loop over the bound methods
of the hooks that actually change it (a cheap iteration matters: it runs several times per step).
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Union

from engine.errors import HookError
from engine.hooks.hook import Hook, check_hook_signatures, stage_is_overridden
from engine.hooks.priority import get_priority
from engine.registry import HOOKS


class HookList:
    """Hooks in priority order (equal priorities keep registration order)."""

    def __init__(self) -> None:
        self._hooks: List[Hook] = []
        self._stage_calls: Dict[str, list] = {}

    def __iter__(self) -> Iterator[Hook]:
        return iter(self._hooks)

    def __len__(self) -> int:
        return len(self._hooks)

    def __getitem__(self, i: int) -> Hook:
        return self._hooks[i]

    def register(self, hook: Union[Hook, dict], priority: Optional[Union[int, str]] = None,
                 *, key: Optional[str] = None) -> Hook:
        """Build (if a dict), check and insert a hook; returns the hook object.

        ``key`` names the config entry (``custom_hooks[0]``) in error messages.
        """
        if isinstance(hook, dict):
            cfg = dict(hook)
            cfg_priority = cfg.pop('priority', None)
            try:
                hook_obj = HOOKS.build(cfg)
            except Exception as e:  # add where in the config it came from
                if key and hasattr(e, 'with_context'):
                    raise e.with_context(key=key) from e
                raise
            if priority is None:
                priority = cfg_priority
        elif isinstance(hook, Hook):
            hook_obj = hook
        else:
            raise HookError(f'a hook must be a Hook instance or a config dict, got '
                            f'{type(hook).__name__}', key=key,
                            fix='subclass engine.hooks.Hook, or write dict(type=...)')
        if priority is not None:
            hook_obj.priority = priority
        try:
            value = get_priority(hook_obj.priority)
            check_hook_signatures(hook_obj)
        except HookError as e:
            raise e.with_context(key=key) if key else e
        index = len(self._hooks)
        while index > 0 and get_priority(self._hooks[index - 1].priority) > value:
            index -= 1
        self._hooks.insert(index, hook_obj)
        self._rebuild()
        return hook_obj

    def _rebuild(self) -> None:
        self._stage_calls = {}
        for stage in Hook.stages:
            self._stage_calls[stage] = [getattr(h, stage) for h in self._hooks
                                        if stage_is_overridden(type(h), stage)]

    def call(self, stage: str, runner: Any, **kwargs: Any) -> None:
        """Fire ``stage`` on every hook that implements it, in priority order."""
        calls = self._stage_calls.get(stage)
        if calls is None:  # a custom stage name: call any hook that has it
            calls = [getattr(h, stage) for h in self._hooks if callable(getattr(h, stage, None))]
        for fn in calls:
            fn(runner, **kwargs)

    def describe(self) -> str:
        """A table of stages and the hooks firing at each, for the log."""
        lines = []
        for stage in Hook.stages:
            names = [f'({get_priority(m.__self__.priority):<3}) {type(m.__self__).__name__}'
                     for m in self._stage_calls.get(stage, [])]
            if names:
                lines.append(f'{stage}:\n  ' + '\n  '.join(names))
        return '\n'.join(lines)
