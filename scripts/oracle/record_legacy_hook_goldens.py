"""Record MMCV 1.7.2's legacy ``Hook`` predicates, stage dispatch, priorities and ``LogBuffer``.

Run with the oracle interpreter (it must not import our packages)::

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_hook_goldens.py

Writes ``fixtures/goldens/legacy_hooks.json``:

- ``predicates``: ``every_n_epochs``/``every_n_inner_iters``/``every_n_iters``/``end_of_epoch``/
  ``is_last_epoch``/``is_last_iter`` over a grid of runner states (``epoch``, ``iter``,
  ``inner_iter``, ``_max_epochs``, ``_max_iters``, ``len(data_loader)``) and intervals ``n``;
- ``hook_classes``: subclasses described by their bases and the methods they override, with
  ``get_triggered_stages()`` and, for every stage method, which overriding methods ran;
- ``priorities``: ``get_priority`` of names, levels and integers (or the exception raised);
- ``log_buffer``: a scripted sequence of ``update``/``average``/``clear_output``/``clear`` with
  the buffer's whole state after each step (floats as ``float.hex`` so the test compares bits).

``tests/compat/runner/`` rebuilds the same classes and replays the same steps on compat.
"""
from __future__ import annotations

import json
import math
import os
import types

from mmcv.runner import HOOKS, Hook, LogBuffer, Priority, get_priority  # noqa: F401

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_hooks.json')

INTERVALS = [-1, 0, 1, 2, 3, 5]
GENERIC = ['before_epoch', 'after_epoch', 'before_iter', 'after_iter']

# name -> (base names, overridden methods); bases name earlier entries or 'Hook'.
HOOK_CLASSES = [
    ('Plain', ['Hook'], []),
    ('RunOnly', ['Hook'], ['before_run', 'after_run']),
    ('GenericEpoch', ['Hook'], ['before_epoch']),
    ('GenericAfterEpoch', ['Hook'], ['after_epoch']),
    ('GenericIter', ['Hook'], ['before_iter', 'after_iter']),
    ('TrainIterOnly', ['Hook'], ['after_train_iter']),
    ('ValEpochAndGenericIter', ['Hook'], ['before_val_epoch', 'after_iter']),
    ('GenericAndSpecific', ['Hook'], ['before_epoch', 'before_train_epoch']),
    ('InheritsGeneric', ['GenericEpoch'], []),
    ('InheritsAndAdds', ['GenericIter'], ['after_val_epoch', 'after_run']),
    ('Everything', ['Hook'], ['before_run', 'after_run', 'before_epoch', 'after_epoch',
                              'before_iter', 'after_iter', 'before_train_epoch',
                              'before_val_epoch', 'after_train_epoch', 'after_val_epoch',
                              'before_train_iter', 'before_val_iter', 'after_train_iter',
                              'after_val_iter']),
    ('MixedBases', ['RunOnly', 'TrainIterOnly'], ['after_epoch']),
]


def _recording_method(name):
    def method(self, runner):
        runner.calls.append(name)
    method.__name__ = name
    return method


def build_hook_classes(base):
    built = {'Hook': base}
    for name, bases, overrides in HOOK_CLASSES:
        body = {m: _recording_method(f'{name}.{m}') for m in overrides}
        built[name] = type(name, tuple(built[b] for b in bases), body)
    return built


def record_predicates():
    rows = []
    for max_epochs in (1, 3):
        for loader_len in (1, 4):
            max_iters = max_epochs * loader_len
            for epoch in range(max_epochs + 1):
                for inner_iter in range(loader_len + 1):
                    it = epoch * loader_len + inner_iter
                    runner = types.SimpleNamespace(
                        epoch=epoch, iter=it, inner_iter=inner_iter, _max_epochs=max_epochs,
                        _max_iters=max_iters, data_loader=list(range(loader_len)))
                    hook = Hook()
                    state = dict(epoch=epoch, iter=it, inner_iter=inner_iter,
                                 max_epochs=max_epochs, max_iters=max_iters,
                                 loader_len=loader_len)
                    rows.append(dict(
                        state=state,
                        every_n_epochs=[hook.every_n_epochs(runner, n) for n in INTERVALS],
                        every_n_inner_iters=[hook.every_n_inner_iters(runner, n)
                                             for n in INTERVALS],
                        every_n_iters=[hook.every_n_iters(runner, n) for n in INTERVALS],
                        end_of_epoch=hook.end_of_epoch(runner),
                        is_last_epoch=hook.is_last_epoch(runner),
                        is_last_iter=hook.is_last_iter(runner)))
    return rows


def record_hook_classes():
    built = build_hook_classes(Hook)
    out = []
    for name, bases, overrides in HOOK_CLASSES:
        hook = built[name]()
        dispatch = {}
        for stage in list(Hook.stages) + GENERIC:
            runner = types.SimpleNamespace(calls=[])
            getattr(hook, stage)(runner)
            dispatch[stage] = runner.calls
        out.append(dict(name=name, bases=bases, overrides=overrides,
                        triggered_stages=hook.get_triggered_stages(), dispatch=dispatch))
    return out


def record_priorities():
    inputs = ([p.name for p in Priority] + [p.name.lower() for p in Priority]
              + ['Very_Low', 0, 1, 37, 50, 100, -1, 101, 'unknown'])
    rows = [dict(input=x, value=get_priority(x)) for x in inputs if _valid(x)]
    rows += [dict(input=x, error=_error(x)) for x in inputs if not _valid(x)]
    levels = [dict(name=p.name, value=p.value, get_priority=get_priority(p)) for p in Priority]
    return dict(levels=levels, calls=rows)


def _valid(x):
    return _error(x) is None


def _error(x):
    try:
        get_priority(x)
    except Exception as e:  # noqa: BLE001 - the exception type is what is recorded
        return type(e).__name__
    return None


# (operation, arguments): values mix floats, ints and keys that appear late.
LOG_STEPS = [
    ('update', dict(vars={'loss': 1.5, 'acc': 0.25}, count=2)),
    ('update', dict(vars={'loss': 0.7, 'acc': 0.5}, count=3)),
    ('average', dict(n=0)),
    ('update', dict(vars={'loss': 0.1, 'time': 0.03, 'memory': 812}, count=1)),
    ('average', dict(n=1)),
    ('average', dict(n=2)),
    ('clear_output', {}),
    ('update', dict(vars={'memory': 900}, count=4)),
    ('average', dict(n=10)),
    ('average', dict()),
    ('update', dict(vars={'loss': 1 / 3, 'acc': 2 / 3, 'time': 0.1}, count=7)),
    ('update', dict(vars={'loss': 0.2, 'acc': 0.9, 'time': 0.3}, count=5)),
    ('update', dict(vars={'loss': 0.15, 'acc': 0.95, 'time': 0.05}, count=5)),
    ('average', dict(n=3)),
    ('clear', {}),
    ('average', dict(n=0)),
    ('update', dict(vars={'loss': 2.0}, count=0)),
    ('average', dict(n=1)),
    ('clear', {}),
] + [('update', dict(vars={'loss': 0.1 * (k + 1) + 1e-3 * k * k}, count=1 + k % 3))
     for k in range(20)] + [
    ('average', dict(n=0)),
    ('average', dict(n=16)),
    ('average', dict(n=9)),
]


def encode_number(v):
    """A number as its type and exact value (``float.hex``; nan/inf spelt out)."""
    f = float(v)
    text = f.hex() if math.isfinite(f) else repr(f)
    return dict(type=type(v).__name__, value=text)


def snapshot(buf):
    return dict(
        val_history={k: [encode_number(v) for v in vs] for k, vs in buf.val_history.items()},
        n_history={k: list(ns) for k, ns in buf.n_history.items()},
        output={k: encode_number(v) for k, v in buf.output.items()},
        ready=buf.ready)


def record_log_buffer():
    buf = LogBuffer()
    steps = []
    for op, kwargs in LOG_STEPS:
        getattr(buf, op)(**kwargs)
        steps.append(dict(op=op, kwargs=kwargs, state=snapshot(buf)))
    return steps


def main():
    import numpy as np
    with np.errstate(invalid='ignore'):  # the count=0 step divides 0 by 0 as MMCV does
        log_buffer = record_log_buffer()
    out = dict(
        source='mmcv 1.7.2 (mmcv/runner/hooks/hook.py, priority.py, log_buffer.py)',
        intervals=INTERVALS,
        generic_methods=GENERIC,
        stages=list(Hook.stages),
        hooks_registry_name=HOOKS.name,
        predicates=record_predicates(),
        hook_classes=record_hook_classes(),
        priorities=record_priorities(),
        log_buffer=log_buffer)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print('wrote', OUT)


if __name__ == '__main__':
    main()
