"""The engine's ProfilerHook against MMEngine 0.10.7 (fixtures/goldens/engine_profiler.json,
recorded by scripts/oracle/record_engine_profiler_goldens.py from the runs of
scripts/oracle/engine_profiler_scenarios.py): the same stop point in the hook timeline, the same
profiled steps in every trace (``ProfilerStep#N`` spans, recorded ops, shapes, memory), the same
number of ``log_trace`` tables; wrong arguments raise MMEngine's exception class as an engine
error naming the config entry, except where the tables below say what differs and why."""
import builtins
import contextlib
import importlib.util
import io
import json
import logging
from pathlib import Path

import pytest
import torch

from engine.config import Config
from engine.errors import EngineError
from engine.hooks import Hook
from engine.registry import HOOKS
from engine.runner import Runner

REPO = Path(__file__).resolve().parents[3]
GOLDEN = json.loads((REPO / 'fixtures' / 'goldens' / 'engine_profiler.json').read_text())
_spec = importlib.util.spec_from_file_location(
    'engine_profiler_scenarios', REPO / 'scripts' / 'oracle' / 'engine_profiler_scenarios.py')
sc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sc)

STOP = 'profiler may take a few minutes...'
# MMEngine stops the profiler twice in this run and the process dies at the second stop
DOUBLE_STOP = 'iter_count_in_epoch_loop_stops_at_epoch_end'
# wrong arguments MMEngine finds only in before_run (train); the engine refuses them when the
# hook is built
REFUSED_EARLIER = {'trace_type_unknown', 'trace_not_callable_or_dict',
                   'log_trace_unknown_table_argument'}
ERROR_KEYS = {
    'profile_times_zero': 'custom_hooks[0].profile_times',
    'by_epoch_more_than_one_epoch': 'custom_hooks[0].profile_times',
    'by_epoch_not_bool': 'custom_hooks[0].by_epoch',
    'activity_flag_not_bool': 'custom_hooks[0].activity_with_cpu',
    'schedule_not_a_dict': 'custom_hooks[0].schedule',
    'schedule_without_active': 'custom_hooks[0].schedule',
    'trace_type_unknown': 'custom_hooks[0].on_trace_ready.type',
    'trace_not_callable_or_dict': 'custom_hooks[0].on_trace_ready',
    'profile_times_beyond_the_run': 'custom_hooks[0].profile_times',
    'log_trace_unknown_table_argument': 'custom_hooks[0].on_trace_ready',
}


@HOOKS.register_module(force=True)
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
    (folder / 'traces').mkdir(parents=True)
    args = sc.with_paths(hook_args, str(folder / 'traces'), str(folder / 'trace.json'))
    return Runner.from_cfg(Config(sc.make_config(train_cfg, args, str(folder / 'wd'))))


def run_scenario(scenario, folder):
    runner = build_runner(scenario['train_cfg'], scenario['hook'], folder)
    events = []
    next(h for h in runner.hooks if isinstance(h, ProfileMarkerHook)).events = events
    handler = _Keep(events)
    runner.logger.addHandler(handler)
    stdout = io.StringIO()
    raised = None
    try:
        with contextlib.redirect_stdout(stdout):
            runner.train()
    except EngineError as e:
        raised = e
    finally:
        runner.logger.removeHandler(handler)
    json_trace = folder / 'trace.json'
    return dict(events=events, raised=raised,
                json_trace=sc.trace_summary(json_trace) if json_trace.exists() else None,
                callable_traces=sc.folder_summaries(str(folder / 'traces')),
                log_trace=sc.log_trace_summary(stdout.getvalue()))


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    return {name: run_scenario(s, tmp_path_factory.mktemp(name))
            for name, s in sc.SCENARIOS.items()}


def test_recorded_for_every_scenario_on_the_same_torch():
    assert set(GOLDEN['scenarios']) == set(sc.SCENARIOS)
    assert set(GOLDEN['errors']) == set(sc.ERRORS)
    assert GOLDEN['recorded_with'].endswith(f'torch {torch.__version__}')


@pytest.mark.parametrize('name', sorted(set(sc.SCENARIOS) - {DOUBLE_STOP}))
def test_profiled_steps_and_stop_point_equal_mmengine(name, runs):
    got, golden = runs[name], GOLDEN['scenarios'][name]
    assert got['events'] == golden['events']
    assert got['json_trace'] == golden['json_trace']
    assert got['callable_traces'] == golden['callable_traces']
    assert got['log_trace'] == golden['log_trace']
    if golden['raised'] is None:
        assert got['raised'] is None, got['raised']
    else:
        assert isinstance(got['raised'], getattr(builtins, golden['raised'][0]))


def test_a_run_mmengine_stops_twice_is_stopped_once(runs):
    """by_epoch=False with profile_times beyond the first epoch: up to MMEngine's crash the
    timeline and traces are the same; then the engine trains on with the profiler stopped."""
    got, golden = runs[DOUBLE_STOP], GOLDEN['scenarios'][DOUBLE_STOP]
    assert golden['raised'][0] == 'process died'
    assert golden['events'][-1] == ['log', STOP] and golden['events'].count(['log', STOP]) == 2
    assert got['events'][:len(golden['events']) - 1] == golden['events'][:-1]
    assert got['events'].count(['log', STOP]) == 1
    assert got['events'][-1] == ['stage', 'after_run', 2, 8]
    assert got['callable_traces'] == golden['callable_traces']
    assert got['raised'] is None


def test_callable_and_json_trace_conflict_names_the_key(runs):
    err = runs['callable_and_json_trace_conflict']['raised']
    assert isinstance(err, RuntimeError)  # what MMEngine raised
    assert err.key == 'custom_hooks[0].json_trace_path'
    assert 'on_trace_ready' in err.fix


@pytest.mark.parametrize('name', sorted(ERROR_KEYS))
def test_wrong_arguments_raise_like_mmengine_naming_the_entry(name, tmp_path):
    golden = GOLDEN['errors'][name]
    hook_args, train_cfg = sc.ERRORS[name]
    stage = 'build'
    with pytest.raises(EngineError) as info:
        runner = build_runner(train_cfg, hook_args, tmp_path)
        stage = 'train'
        with contextlib.redirect_stdout(io.StringIO()):
            runner.train()
    assert stage == ('build' if name in REFUSED_EARLIER else golden['stage'])
    assert isinstance(info.value, getattr(builtins, golden['raised'])), info.value
    assert info.value.key == ERROR_KEYS[name]
    assert info.value.fix


def test_every_recorded_error_is_compared_or_documented():
    assert set(ERROR_KEYS) | {'tb_trace_without_plugin'} == set(GOLDEN['errors'])


def test_mmengine_refuses_tb_trace_without_the_plugin():
    """The recorded difference the engine's docstring states: MMEngine needs torch-tb-profiler
    to write a tb_trace; the engine writes it and warns (checked in test_profiler_hook.py)."""
    assert GOLDEN['errors']['tb_trace_without_plugin']['raised'] == 'ImportError'
    assert 'torch-tb-profiler' in GOLDEN['errors']['tb_trace_without_plugin']['message']
