"""Whole legacy training runs, observed the same way on MMCV 1.7.2 and on compat.

Imports neither MMCV nor our packages. Each runtime hands in its own ``Hook`` base class and
``HOOKS`` registry (:func:`register_probe_hooks`), runs a config from ``fixtures/legacy_runs/``
through its downstream train flow with :func:`add_recorder` applied to the config, then calls
:func:`collect` on the work dir. Everything in the result is plain JSON (floats as
``float.hex``), so a golden recorded from MMCV and a compat run compare bit for bit, except
the final weights, which are also compared to 1e-6 by value. A fixture's own custom hooks are
the fixture project's legacy hook code (``fixtures/legacy_runs/run_hooks/``, ``from mmcv.runner
import ...``), which its ``custom_imports`` imports in each runtime (MMCV, or compat with
``mmcv`` aliased), the project root on ``sys.path`` as its users had it on ``PYTHONPATH``.

What a run records:

* ``calls``: every hook stage the runner called, in order, with the runner attributes a legacy
  hook reads at that moment (epoch, iter, inner_iter, mode, max_epochs/max_iters, rank,
  world_size, current lr and momentum, the outputs' log_vars, the log buffer's output, the
  length of the data loader, whether a data batch is present);
* ``hooks``: the registered hooks (class, priority, and a custom hook's ``probe_name``) = the
  call order of every stage;
* ``hook_state`` (runs with custom hooks that have a ``probe_name``: those of
  ``fixtures/legacy_runs/run_hooks/``): each one's data attributes after the run;
* ``weights``: the final state dict; ``checkpoints``: every file in the work dir (symlinks with
  their target) and, per checkpoint, its meta (without time/env/config) and state digests;
* ``log_json``: the ``<timestamp>.log.json`` records without the wall-clock fields.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Any, Dict, List

#: the stages MMCV 1.7.2's runners call (``Hook.stages`` order)
STAGES = ('before_run', 'before_train_epoch', 'before_train_iter', 'after_train_iter',
          'after_train_epoch', 'before_val_epoch', 'before_val_iter', 'after_val_iter',
          'after_val_epoch', 'after_run')
#: JSON log fields that depend on the wall clock or the machine
CLOCK_FIELDS = ('time', 'data_time', 'memory', 'eta')
#: checkpoint meta fields that depend on the clock, the machine or the library versions
VOLATILE_META = ('time', 'mmcv_version', 'env_info', 'config', 'mmdet_version')
TIMESTAMP = '20260101_000000'
#: the legacy-run fixtures' project root: ``custom_imports`` names its modules (its custom
#: hooks, ``run_hooks.priority_probes``) as a project's configs did with the root on PYTHONPATH
PROJECT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'fixtures', 'legacy_runs')


def _hex(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value).hex()
    if hasattr(value, 'item'):
        return float(value.item()).hex()
    if isinstance(value, dict):
        return {str(k): _hex(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_hex(v) for v in value]
    return repr(value)


def _plain_state(hook) -> Dict[str, Any]:
    """A custom hook's own attributes that are data (what it kept of what it saw)."""
    return {k: v for k, v in vars(hook).items()
            if k != 'priority' and isinstance(v, (list, tuple, dict, str, int, float, bool))}


def register_probe_hooks(hook_base, hooks_registry) -> Dict[str, type]:
    """Define the recorder on ``hook_base`` and register it; put the fixture project on
    ``sys.path`` (:data:`PROJECT`)."""
    if PROJECT not in sys.path:
        sys.path.insert(0, PROJECT)

    class LegacyRunRecorderHook(hook_base):
        """Records every stage with the runner attributes (registered LOWEST)."""
        instances: List['LegacyRunRecorderHook'] = []

        def __init__(self):
            self.calls: List[list] = []
            self.hooks: List[list] = []
            self.hook_state: List[list] = []
            LegacyRunRecorderHook.instances.append(self)

        def _observe(self, stage, runner):
            outputs = getattr(runner, 'outputs', None)
            log_vars = outputs.get('log_vars') if isinstance(outputs, dict) else None
            loader = getattr(runner, 'data_loader', None)
            try:
                loader_len = None if loader is None else len(loader)
            except TypeError:
                loader_len = 'unsized'
            self.calls.append([
                stage, runner.epoch, runner.iter, runner.inner_iter, runner.mode,
                runner.max_epochs, runner.max_iters, runner.rank, runner.world_size,
                _hex(runner.current_lr()), _hex(runner.current_momentum()),
                _hex(log_vars) if log_vars is not None else None,
                _hex(dict(runner.log_buffer.output)), runner.log_buffer.ready,
                loader_len, getattr(runner, 'data_batch', None) is not None,
            ])

        def before_run(self, runner):
            self.hooks = [[type(h).__name__, h.priority if isinstance(h.priority, int)
                           else repr(h.priority), getattr(h, 'probe_name', None)]
                          for h in runner.hooks]
            self._observe('before_run', runner)

        def after_run(self, runner):
            self._observe('after_run', runner)
            self.model = runner.model
            self.hook_state = [[h.probe_name, _hex(_plain_state(h))] for h in runner.hooks
                               if getattr(h, 'probe_name', None) is not None]

    for _stage in STAGES[1:-1]:
        setattr(LegacyRunRecorderHook, _stage,
                (lambda s: lambda self, runner: self._observe(s, runner))(_stage))

    classes = dict(LegacyRunRecorderHook=LegacyRunRecorderHook)
    for name, cls in classes.items():
        hooks_registry.register_module(name=name, module=cls, force=True)
    return classes


def add_recorder(cfg) -> None:
    """Append the recorder to ``cfg.custom_hooks`` (a Config/ConfigDict or a dict)."""
    hooks = list(cfg.get('custom_hooks', None) or [])
    hooks.append(dict(type='LegacyRunRecorderHook', priority='LOWEST'))
    cfg['custom_hooks'] = hooks


def _digest(state: Dict[str, Any]) -> Dict[str, str]:
    out = {}
    for key, tensor in state.items():
        values = tensor.detach().cpu().double().flatten().tolist()
        out[key] = hashlib.sha256(','.join(float(v).hex() for v in values).encode()).hexdigest()
    return out


def _plain(value: Any, work_dir: str) -> Any:
    if isinstance(value, str):
        return value.replace(work_dir, '<work_dir>')
    if isinstance(value, dict):
        return {str(k): _plain(v, work_dir) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, work_dir) for v in value]
    if isinstance(value, float):
        return value.hex()
    if hasattr(value, 'tolist'):
        return _plain(value.tolist(), work_dir)
    return value


def _checkpoint(path: str, work_dir: str) -> Dict[str, Any]:
    import torch
    ckpt = torch.load(path, map_location='cpu', weights_only=False)
    meta = {k: v for k, v in ckpt.get('meta', {}).items() if k not in VOLATILE_META}
    optimizer = ckpt.get('optimizer')
    opt_summary = None
    if optimizer is not None:
        opts = optimizer if 'state' not in optimizer else {'': optimizer}
        opt_summary = {name: {'param_groups': _plain([{k: v for k, v in g.items()
                                                       if k != 'params'}
                                                      for g in o['param_groups']], work_dir),
                              'state': {str(i): _digest({k: v for k, v in s.items()
                                                         if hasattr(v, 'detach')})
                                        for i, s in o['state'].items()}}
                       for name, o in opts.items()}
    return dict(keys=sorted(ckpt), meta=_plain(meta, work_dir),
                state_dict=_digest(ckpt['state_dict']), optimizer=opt_summary)


def _log_json(work_dir: str) -> List[dict]:
    path = os.path.join(work_dir, f'{TIMESTAMP}.log.json')
    if not os.path.exists(path):
        return []
    records = []
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            for field in CLOCK_FIELDS:
                record.pop(field, None)
            if 'env_info' in record:
                record = {'header_keys': sorted(record)}
            records.append(_plain(record, work_dir))
    return records


def collect(work_dir: str, recorder) -> Dict[str, Any]:
    """The run's observable result (see the module docstring)."""
    model = recorder.model
    work_dir = os.path.abspath(work_dir)
    files = {}
    checkpoints = {}
    for root, _dirs, names in os.walk(work_dir):
        for name in sorted(names):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, work_dir)
            if os.path.islink(path):
                files[rel] = 'link:' + os.readlink(path).replace(work_dir, '<work_dir>')
            elif name.endswith('.pth'):
                files[rel] = 'checkpoint'
                checkpoints[rel] = _checkpoint(path, work_dir)
            else:
                files[rel] = 'file'
    # tensorboard event and log file names carry the host and the time: count them instead
    files = {k: v for k, v in files.items() if 'events.out' not in k}
    net = model.module if hasattr(model, 'module') else model
    weights = {k: [float(v).hex() for v in t.detach().double().flatten().tolist()]
               for k, t in net.state_dict().items()}
    result = dict(calls=recorder.calls, hooks=recorder.hooks, weights=weights, files=files,
                  checkpoints=checkpoints, log_json=_log_json(work_dir))
    if recorder.hook_state:
        result['hook_state'] = recorder.hook_state
    return result
