"""compat's ProfilerHook profiles the same epochs/iterations as MMCV 1.7.2's, calls the trace
handler at the same step, exports the same Chrome trace and fails with MMCV's error types at
the same stage (goldens: scripts/oracle/record_legacy_extra_hook_goldens.py)."""
import json
import logging
import os
import sys
import types

import pytest
import torch

import compat.runner
import compat.runner.hooks
from compat.runner.hooks import ProfilerHook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_extra_hook_scenarios import (PROFILER_ERRORS, PROFILER_SCENARIOS,  # noqa: E402
                                         profiler_error, run_profiler, runtime_of)
from legacy_runner_scenarios import ToyModel, make_loader  # noqa: E402

RT = runtime_of(compat.runner, compat.runner.hooks)
with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_extra_hooks.json')) as f:
    GOLDEN = json.load(f)['profiler']


@pytest.mark.parametrize('name', sorted(PROFILER_SCENARIOS))
def test_profiled_steps_equal_mmcv(name, tmp_path):
    assert run_profiler(RT, name, str(tmp_path)) == GOLDEN[name]


@pytest.mark.parametrize('name', sorted(PROFILER_ERRORS))
def test_errors_have_mmcv_type_and_stage(name, tmp_path):
    assert profiler_error(RT, name, str(tmp_path)) == GOLDEN['errors'][name]


@pytest.mark.parametrize('kwargs, words', [
    (dict(profile_iters=0), ['profile_iters', 'at least 1']),
    (dict(activities='cpu'), ['activities', 'list']),
    (dict(activities=['tpu']), ['"cpu" or "cuda"', "'tpu'"]),
])
def test_construction_errors_name_the_argument(kwargs, words):
    with pytest.raises(ValueError) as info:
        ProfilerHook(**kwargs)
    assert all(word in str(info.value) for word in words)


def _runner(tmp_path, max_epochs=1):
    model = ToyModel()
    return RT.EpochBasedRunner(model=model, optimizer=torch.optim.SGD(model.parameters(), 0.1),
                               work_dir=str(tmp_path), logger=logging.getLogger('t'),
                               max_epochs=max_epochs)


def test_profile_iters_above_the_run_names_the_limit(tmp_path):
    runner = _runner(tmp_path, max_epochs=2)
    runner.register_hook(ProfilerHook(profile_iters=3, activities=['cpu']))
    with pytest.raises(ValueError, match='profile_iters=3 is more than the 2 epochs'):
        runner.run([make_loader(0)], [('train', 1)])


def test_tb_trace_without_plugin_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, 'torch_tb_profiler', None)
    runner = _runner(tmp_path)
    runner.register_hook(ProfilerHook(activities=['cpu'], on_trace_ready=dict(type='tb_trace')))
    with pytest.raises(ImportError, match='pip install torch-tb-profiler'):
        runner.run([make_loader(0)], [('train', 1)])


@pytest.mark.parametrize('dir_name, where', [(None, 'tf_tracing_logs'), ('traces', 'traces')])
def test_tb_trace_writes_under_work_dir(tmp_path, monkeypatch, dir_name, where):
    # the plugin is only imported as a check (MMCV does the same); torch writes the files
    monkeypatch.setitem(sys.modules, 'torch_tb_profiler', types.ModuleType('torch_tb_profiler'))
    handler = dict(type='tb_trace') if dir_name is None else dict(type='tb_trace',
                                                                   dir_name=dir_name)
    runner = _runner(tmp_path)
    runner.register_hook(ProfilerHook(activities=['cpu'], on_trace_ready=handler))
    runner.run([make_loader(0)], [('train', 1)])
    written = os.listdir(tmp_path / where)
    assert len(written) == 1 and written[0].endswith('.pt.trace.json')


def test_log_trace_prints_the_table_with_the_given_arguments(tmp_path, capsys):
    runner = _runner(tmp_path)
    runner.register_hook(ProfilerHook(activities=['cpu'], on_trace_ready=dict(
        type='log_trace', sort_by='self_cpu_time_total', row_limit=2)))
    runner.run([make_loader(0)], [('train', 1)])
    table = capsys.readouterr().out
    assert 'Self CPU time total' in table
    # the header ('Self CPU %') and the two rows
    assert sum(1 for line in table.splitlines() if '%' in line) == 1 + 2
