"""What the custom hooks of a whole run did, on each side, and how the two runs compare.

Observed are the hooks whose classes the ``custom_imports`` hook-code modules define (the legacy
module on compat, its conversion on the engine): their order in the runner with the priority
each got, which of them each stage called and in what order, and at the end each one's data
attributes (what it kept of what it saw). A hook is named by its config entry
(``LegacyProbeHook(name='high')``), so the two runs line up by meaning, not by position.

The calls are seen through the classes' own methods, wrapped for the run and restored after
(the engine binds a hook's stage methods when it registers the hook, so the wrapping comes
before the runner is built). Only the stages a class implements are wrapped: the engine calls
a stage on the hooks that implement it, MMCV's base hook forwards a train or val stage to the
generic method (``before_epoch``, ``after_iter``...) it implements.
"""
from __future__ import annotations

import contextlib
import functools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

__all__ = ['STAGES', 'HookObservation', 'HookWatch', 'observed', 'compare_custom_hooks',
           'legacy_watch', 'engine_watch', 'hook_failure', 'hook_errors_named']

#: MMCV 1.7.2's hook stages (the ones both runtimes have)
STAGES = ('before_run', 'before_train_epoch', 'before_train_iter', 'after_train_iter',
          'after_train_epoch', 'before_val_epoch', 'before_val_iter', 'after_val_iter',
          'after_val_epoch', 'after_run')
VAL_STAGES = ('before_val_epoch', 'before_val_iter', 'after_val_iter', 'after_val_epoch')
#: MMCV's base hook: the generic method a stage forwards to
_LEGACY_GENERIC = {'before_train_epoch': 'before_epoch', 'before_val_epoch': 'before_epoch',
                   'after_train_epoch': 'after_epoch', 'after_val_epoch': 'after_epoch',
                   'before_train_iter': 'before_iter', 'before_val_iter': 'before_iter',
                   'after_train_iter': 'after_iter', 'after_val_iter': 'after_iter'}
_MISSING = object()
#: relative tolerance for floats a hook kept
STATE_TOLERANCE = 1e-6


@dataclass
class HookWatch:
    """What to observe on one side: the classes, the config entries that build them, which
    stages a class implements, and whether val-stage effects are to be told apart."""

    classes: List[type]
    entries: List[dict]
    implements: Callable[[type, str], bool]
    separate_val: bool = False
    #: class -> what a conversion makes of it when that is no hook ('' for a hook)
    role: Callable[[type], str] = lambda cls: ''
    #: (hook, stage) of a call that raised, for the error message
    raised_in: Optional[Tuple[str, str]] = None


@dataclass
class HookObservation:
    #: (hook, priority) in the runner's order
    order: List[Tuple[str, int]] = field(default_factory=list)
    #: stage -> the hooks it called, in call order (the whole run)
    calls: Dict[str, List[str]] = field(default_factory=dict)
    #: hook -> its data attributes after the run
    state: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    #: hook -> attribute -> positions its val-stage calls appended (``separate_val``)
    val_appended: Dict[str, Dict[str, List[int]]] = field(default_factory=dict)
    #: hooks whose val-stage calls changed their data otherwise (``separate_val``)
    val_changed: Set[str] = field(default_factory=set)
    #: hook -> what its conversion is when that is no hook (an LR updater's scheduler...)
    roles: Dict[str, str] = field(default_factory=dict)
    #: id of each observed hook -> its name, and the hooks in the order they were built
    _names: Dict[int, str] = field(default_factory=dict, repr=False)
    _built: List[Any] = field(default_factory=list, repr=False)

    def as_json(self) -> Dict[str, Any]:
        return dict(order=[list(o) for o in self.order], calls=self.calls)


def _label(entry: dict) -> str:
    kind = entry.get('type')
    kind = kind if isinstance(kind, str) else getattr(kind, '__name__', repr(kind))
    args = ', '.join(f'{k}={v!r}' for k, v in entry.items() if k not in ('type', 'priority'))
    return f'{kind}({args})'


def _labels(entries: Sequence[dict]) -> List[str]:
    out: List[str] = []
    for entry in entries:
        label = _label(entry)
        same = sum(1 for o in out if o == label or o.startswith(label + ' #'))
        out.append(label if not same else f'{label} #{same + 1}')
    return out


def _is_data(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_data(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_data(v) for k, v in value.items())
    return False


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _data(hook: Any) -> Dict[str, Any]:
    own = getattr(hook, '__dict__', {})
    return {k: _plain(v) for k, v in own.items() if k != 'priority' and _is_data(v)}


def _priority(value: Any) -> int:
    if hasattr(value, 'value'):
        value = value.value
    if isinstance(value, str):
        from engine.hooks.priority import get_priority
        return get_priority(value)
    return int(value)


@contextlib.contextmanager
def observed(watch: Optional[HookWatch]) -> Iterator[Optional[HookObservation]]:
    """Wrap ``watch``'s classes for the block; the observation (call :func:`finish` with the
    runner's hooks after the run). Yields None for no watch."""
    if watch is None or not watch.classes:
        yield None
        return
    obs = HookObservation()
    labels = _labels(watch.entries)
    names, built = obs._names, obs._built
    depth = [0, 0]   # [__init__ depth, stage depth]
    patched: List[Tuple[type, str, Any]] = []

    def init_wrapper(orig):
        @functools.wraps(orig)
        def __init__(self, *args, **kwargs):
            depth[0] += 1
            try:
                orig(self, *args, **kwargs)
            finally:
                depth[0] -= 1
            if depth[0] == 0 and id(self) not in names:
                n = len(built)
                names[id(self)] = labels[n] if n < len(labels) else \
                    f'{type(self).__name__} (built #{n + 1})'
                built.append(self)
                role = watch.role(type(self))
                if role:
                    obs.roles[names[id(self)]] = role
        return __init__

    def stage_wrapper(orig, stage):
        @functools.wraps(orig)
        def wrapper(self, *args, **kwargs):
            label = names.get(id(self))
            if label is None or depth[1]:
                return orig(self, *args, **kwargs)
            obs.calls.setdefault(stage, []).append(label)
            before = _data(self) if watch.separate_val and stage in VAL_STAGES else None
            depth[1] += 1
            try:
                return orig(self, *args, **kwargs)
            except Exception:
                watch.raised_in = watch.raised_in or (label, stage)
                raise
            finally:
                depth[1] -= 1
                if before is not None:
                    _note_val_effect(obs, label, before, _data(self))
        return wrapper

    try:
        for cls in watch.classes:
            patched.append((cls, '__init__', cls.__dict__.get('__init__', _MISSING)))
            cls.__init__ = init_wrapper(cls.__init__)
            for stage in STAGES:
                if watch.implements(cls, stage):
                    patched.append((cls, stage, cls.__dict__.get(stage, _MISSING)))
                    setattr(cls, stage, stage_wrapper(getattr(cls, stage), stage))
        yield obs
    finally:
        for cls, name, old in reversed(patched):
            if old is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, old)


def finish(obs: Optional[HookObservation], runner_hooks: Sequence[Any]) -> None:
    """Record the order and the data attributes once the run is over."""
    if obs is None:
        return
    names = obs._names
    obs.order = [(names[id(h)], _priority(h.priority)) for h in runner_hooks if id(h) in names]
    obs.state = {names[id(h)]: _data(h) for h in obs._built}


def _note_val_effect(obs: HookObservation, label: str, before: Dict[str, Any],
                     after: Dict[str, Any]) -> None:
    for key in set(before) | set(after):
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old == new:
            continue
        if isinstance(old, list) and isinstance(new, list) and len(new) > len(old) and \
                new[:len(old)] == old:
            obs.val_appended.setdefault(label, {}).setdefault(key, []).extend(
                range(len(old), len(new)))
        else:
            obs.val_changed.add(label)


# -- what each side observes ----------------------------------------------------------------------
def _classes(module: Any, base: type) -> List[type]:
    return [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, base)
            and v is not base and v.__module__ == module.__name__]


def _entries(cfg: Dict[str, Any], classes: Sequence[type]) -> List[dict]:
    names = {c.__name__ for c in classes}
    return [dict(e) for e in cfg.get('custom_hooks') or []
            if isinstance(e, dict) and (e.get('type') in names or e.get('type') in classes)]


def _legacy_implements(cls: type, stage: str) -> bool:
    from compat.runner import Hook
    if getattr(cls, stage) is not getattr(Hook, stage):
        return True
    generic = _LEGACY_GENERIC.get(stage)
    return generic is not None and getattr(cls, generic) is not getattr(Hook, generic)


def _legacy_role(cls: type) -> str:
    """What the hook-code conversion makes of a legacy framework hook that is no hook on
    MMEngine: LR/momentum updaters become param schedulers (HK007), optimizer hooks optim
    wrappers (HK008); their effect is compared through the lr, momentum, loss, gradient norm
    and weights of every iteration instead."""
    from compat.runner import LrUpdaterHook, MomentumUpdaterHook, OptimizerHook
    if issubclass(cls, (LrUpdaterHook, MomentumUpdaterHook)):
        return ('a param scheduler (HK007): MMEngine has no updater hooks; its values are '
                'compared as the lr/momentum of every iteration')
    if issubclass(cls, OptimizerHook):
        return ('an optim wrapper (HK008): MMEngine has no optimizer hooks; its steps are '
                'compared as the loss, gradient norm and weights of every iteration')
    return ''


def legacy_watch(modules: Sequence[Any], cfg: Dict[str, Any]) -> Optional[HookWatch]:
    """The legacy run's watch: the compat hooks the legacy modules define."""
    from compat.runner import Hook
    classes = [c for m in modules for c in _classes(m, Hook)]
    return HookWatch(classes, _entries(cfg, classes), _legacy_implements,
                     role=_legacy_role) if classes else None


def engine_watch(modules: Sequence[Any], cfg: Dict[str, Any], *, separate_val: bool
                 ) -> Optional[HookWatch]:
    """The converted run's watch: the engine hooks the converted modules define."""
    from engine.hooks.hook import Hook, stage_is_overridden
    classes = [c for m in modules for c in _classes(m, Hook)]
    return HookWatch(classes, _entries(cfg, classes), stage_is_overridden, separate_val) \
        if classes else None


# -- comparison -----------------------------------------------------------------------------------
def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, bool) or isinstance(b, bool) or \
                not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return False
        if a == b or (math.isnan(a) and math.isnan(b)):
            return True
        return abs(a - b) <= STATE_TOLERANCE * max(abs(a), abs(b), 1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + '...'


def _first_difference(a: List[str], b: List[str]) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f'call {i + 1}: legacy {x}, converted {y}'
    n = min(len(a), len(b))
    side, extra = ('legacy', a[n]) if len(a) > n else ('converted', b[n])
    return (f'call {n + 1}: only the {side} run called {extra} ({len(a)} calls legacy, '
            f'{len(b)} converted)')


def compare_custom_hooks(legacy: Optional[HookObservation], converted: Optional[HookObservation],
                         *, legacy_has_val_phase: bool
                         ) -> Tuple[List[str], List[Tuple[str, str]]]:
    """(failures, expected differences) between the two runs' custom hooks."""
    failures: List[str] = []
    expected: List[Tuple[str, str]] = []
    if legacy is None and converted is None:
        return failures, expected
    legacy = legacy or HookObservation()
    converted = converted or HookObservation()
    left = [label for label, _ in legacy.order]
    right = [label for label, _ in converted.order]
    ported = {label for label in left if label not in right and label in legacy.roles}
    for label in sorted(ported):
        expected.append((f'custom hook {label}: no hook in the converted run',
                         f'its conversion is {legacy.roles[label]}'))
    left = [label for label in left if label not in ported]
    for label in left:
        if label not in right:
            failures.append(f'custom hook {label}: not in the converted run')
    for label in right:
        if label not in left:
            failures.append(f'custom hook {label}: only in the converted run')
    both = [label for label in left if label in right]
    if both != [label for label in right if label in left]:
        failures.append(f'custom hooks run in another order: legacy {", ".join(both)}; '
                        f'converted {", ".join(l for l in right if l in left)}')
    right_priority = dict(converted.order)
    for label, priority in legacy.order:
        if label in right_priority and right_priority[label] != priority:
            failures.append(f'custom hook {label}: priority {priority} in the legacy run, '
                            f'{right_priority[label]} in the converted run')
    kept = set(both)
    for stage in STAGES:
        a = [c for c in legacy.calls.get(stage, []) if c in kept]
        b = [c for c in converted.calls.get(stage, []) if c in kept]
        if stage in VAL_STAGES and not legacy_has_val_phase and not a and b:
            counts = ', '.join(f'{label} x{b.count(label)}' for label in dict.fromkeys(b))
            expected.append((f'custom hook calls at {stage}: {counts}',
                             "in the engine's evaluation (its val loop calls every hook's val "
                             "stages); MMCV's EvalHook called no hook stage and the legacy run "
                             'has no workflow val phase'))
        elif a != b:
            failures.append(f'custom hook calls at {stage} differ at '
                            f'{_first_difference(a, b)}')
    for label in both:
        _compare_state(label, legacy.state.get(label, {}), converted, failures, expected)
    return failures, expected


def _compare_state(label: str, left: Dict[str, Any], converted: HookObservation,
                   failures: List[str], expected: List[Tuple[str, str]]) -> None:
    if label in converted.val_changed:
        expected.append((f'custom hook {label}: its data after the run',
                         "not compared: its val stages changed it in the engine's evaluation"))
        return
    right = dict(converted.state.get(label, {}))
    for key, positions in converted.val_appended.get(label, {}).items():
        drop = set(positions)
        if isinstance(right.get(key), list):
            right[key] = [v for i, v in enumerate(right[key]) if i not in drop]
            expected.append((f'custom hook {label}: {len(drop)} item(s) of {key}',
                             "appended by its val stages in the engine's evaluation; the "
                             'rest of it is compared'))
    for key in left:
        if key not in right:
            failures.append(f'custom hook {label}: {key} is not kept by the converted hook')
        elif not _same(left[key], right[key]):
            failures.append(f'custom hook {label}: {key} differs: legacy {_short(left[key])}, '
                            f'converted {_short(right[key])}')


@contextlib.contextmanager
def hook_errors_named(watch: Optional[HookWatch], *, side: str, file: str,
                      modules: str) -> Iterator[None]:
    """A custom hook that raises inside the block is an error naming the hook, the stage and
    the module (:func:`hook_failure`); any other exception passes through."""
    try:
        yield
    except Exception as e:
        failure = hook_failure(watch, e, side=side, file=file, modules=modules)
        if failure is None:
            raise
        raise failure from e


def hook_failure(watch: Optional[HookWatch], error: Exception, *, side: str, file: str,
                 modules: str):
    """A ConfigError naming the custom hook call that raised ``error``, or None when no custom
    hook call raised it."""
    from engine.errors import ConfigError, EngineError
    if watch is None or watch.raised_in is None or isinstance(error, EngineError):
        return None
    label, stage = watch.raised_in
    fix = ('the converted hook module does not run as the legacy one did: read what the '
           'converter said about it (migrate convert --report), or fix the converted file') \
        if side == 'converted' else 'the legacy hook fails on compat as it is: fix it first'
    return ConfigError(f'the {side} run failed in custom hook {label}.{stage}: '
                       f'{type(error).__name__}: {error} (module {modules})', file=file,
                       key='custom_hooks', fix=fix)
