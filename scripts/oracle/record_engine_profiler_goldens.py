"""Record MMEngine 0.10.7's ProfilerHook: which iterations each trace holds, where the profiler
stops, what the traces contain, and which wrong arguments fail where.

Run with the MMEngine oracle interpreter (never imports our packages; the scenarios come from
scripts/oracle/engine_profiler_scenarios.py and the toy model from
scripts/oracle/record_engine_goldens.py, both loaded by path)::

    .oracle/mmengine/bin/python scripts/oracle/record_engine_profiler_goldens.py          # write
    .oracle/mmengine/bin/python scripts/oracle/record_engine_profiler_goldens.py --check  # compare

Writes ``fixtures/goldens/engine_profiler.json``: per scenario the event list (profiler log
lines and the marker hook's stages, in order), the summary of the ``json_trace_path`` trace, the
summaries of the traces the ``on_trace_ready`` callable received, and the ``log_trace`` table
count; per wrong argument the stage MMEngine raised at (``build`` or ``train``) and the class.
"""
import concurrent.futures
import contextlib
import importlib.util
import io
import json
import logging
import multiprocessing
import os
import re
import sys
import tempfile
import warnings

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'engine_profiler.json')


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sc = _load('engine_profiler_scenarios', 'scripts/oracle/engine_profiler_scenarios.py')
_load('record_engine_goldens', 'scripts/oracle/record_engine_goldens.py')  # toy registrations

import torch  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.registry import HOOKS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402


@HOOKS.register_module()
class ProfileMarkerHook(Hook):
    def __init__(self):
        self.events = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        sc.mark(self.events, 'after_train_iter', runner)

    def after_train_epoch(self, runner):
        sc.mark(self.events, 'after_train_epoch', runner)

    def after_run(self, runner):
        sc.mark(self.events, 'after_run', runner)


class _Keep(logging.Handler):
    def __init__(self, events):
        super().__init__()
        self.events = events

    def emit(self, record):
        sc.keep_log(self.events, record.getMessage())


def build_runner(train_cfg, hook_args, folder):
    os.makedirs(os.path.join(folder, 'traces'))
    args = sc.with_paths(hook_args, os.path.join(folder, 'traces'),
                         os.path.join(folder, 'trace.json'))
    cfg = sc.make_config(train_cfg, args, os.path.join(folder, 'wd'))
    return Runner(**cfg)


class _Events(list):
    """The event list, also appended to a file: a run that kills the process keeps it."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def append(self, item):
        super().append(item)
        with open(self.path, 'a') as f:
            f.write(json.dumps(item) + '\n')


def _read_events(folder):
    path = os.path.join(folder, 'events.jsonl')
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f]


def run_scenario(scenario, folder):
    runner = build_runner(scenario['train_cfg'], scenario['hook'], folder)
    events = _Events(os.path.join(folder, 'events.jsonl'))
    marker = next(h for h in runner.hooks if isinstance(h, ProfileMarkerHook))
    marker.events = events
    handler = _Keep(events)
    runner.logger.addHandler(handler)  # MMEngine's logger outlives the runner: remove it
    stdout = io.StringIO()
    raised = None
    try:
        with contextlib.redirect_stdout(stdout):
            runner.train()
    except Exception as e:  # noqa: BLE001 - recording what MMEngine raises
        raised = [type(e).__name__, str(e).split('\n')[0][:300]]
    finally:
        runner.logger.removeHandler(handler)
    json_trace = os.path.join(folder, 'trace.json')
    return dict(
        events=list(events), raised=raised,
        json_trace=sc.trace_summary(json_trace) if os.path.exists(json_trace) else None,
        callable_traces=sc.folder_summaries(os.path.join(folder, 'traces')),
        log_trace=sc.log_trace_summary(stdout.getvalue()))


def run_error(hook_args, train_cfg, folder):
    stage = 'build'
    try:
        runner = build_runner(train_cfg, hook_args, folder)
        stage = 'train'
        with contextlib.redirect_stdout(io.StringIO()):
            runner.train()
    except Exception as e:  # noqa: BLE001 - recording what MMEngine raises
        message = re.sub(r' at 0x[0-9a-f]+', '', str(e).split('\n')[0])[:300]
        return dict(stage=stage, raised=type(e).__name__, message=message)
    return dict(stage=None, raised=None)


def _isolated(fn, *args):
    """``fn(*args)`` in a forked child, None if the child died: a run MMEngine aborts
    mid-profiling leaves torch's profiler switched on (the next run in the same process would
    crash), and a second stop of one profiler can kill the process."""
    ctx = multiprocessing.get_context('fork')
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx) as pool:
        try:
            return pool.submit(fn, *args).result()
        except concurrent.futures.process.BrokenProcessPool:
            return None


def scenario_result(scenario, folder):
    result = _isolated(run_scenario, scenario, folder)
    if result is None:  # what the dead process had recorded
        result = dict(events=_read_events(folder), raised=['process died', ''],
                      json_trace=None,
                      callable_traces=sc.folder_summaries(os.path.join(folder, 'traces')),
                      log_trace=None)
    return result


def record():
    import mmengine
    warnings.filterwarnings('ignore')
    with tempfile.TemporaryDirectory() as tmp:
        scenarios = {name: scenario_result(s, os.path.join(tmp, name))
                     for name, s in sc.SCENARIOS.items()}
        errors = {name: _isolated(run_error, args, train_cfg, os.path.join(tmp, 'err_' + name))
                  for name, (args, train_cfg) in sc.ERRORS.items()}
    return dict(recorded_with=f'mmengine {mmengine.__version__}, torch {torch.__version__}',
                scenarios=scenarios, errors=errors)


def main(argv):
    text = json.dumps(record(), indent=1) + '\n'
    if '--check' in argv:
        with open(OUT) as f:
            same = f.read() == text
        print('engine_profiler.json is ' + ('up to date' if same else 'STALE'))
        return 0 if same else 1
    with open(OUT, 'w') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
