"""ProfilerHook on short engine runs: the files it writes open with torch's own tooling (chrome
trace JSON; TensorBoard plugin trace files where the plugin looks for them), the engine-only
behaviour its docstring states, and errors naming the config entry."""
import gzip
import json
import os
import re

import pytest
import torch

from engine.config import Config
from engine.errors import EngineError
from engine.hooks import ProfilerHook
from engine.runner import Runner

# torch-tb-profiler's rule for the files of a run (its consts.WORKER_PATTERN): a run is a folder
# holding `<worker>[.<span>].pt.trace.json[.gz]` files directly
PLUGIN_TRACE_FILE = re.compile(r'^(.*?)(\.\d+)?\.pt\.trace\.json(?:\.gz)?$')

VAL = dict(val_dataloader=dict(batch_size=4, num_workers=0,
                               sampler=dict(type='DefaultSampler', shuffle=False),
                               collate_fn=dict(type='default_collate'),
                               dataset=dict(type='ToyDataset', num_samples=8, seed=0)),
           val_cfg=dict(type='ValLoop'), val_evaluator=dict(type='Accuracy'))


def make_cfg(work_dir, hook=None, default_hook=None, train_cfg=None, train=True, **extra):
    cfg = dict(model=dict(type='ToyClassifier'), work_dir=str(work_dir),
               default_hooks=dict(checkpoint=None), log_level='INFO')
    if train:
        cfg.update(
            train_dataloader=dict(batch_size=4, num_workers=0,
                                  sampler=dict(type='DefaultSampler', shuffle=False),
                                  collate_fn=dict(type='default_collate'),
                                  dataset=dict(type='ToyDataset', num_samples=16, seed=0)),
            train_cfg=train_cfg or dict(by_epoch=False, max_iters=6),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)))
    if hook is not None:
        cfg['custom_hooks'] = [dict(type='ProfilerHook', **hook)]
    if default_hook is not None:
        cfg['default_hooks']['profiler'] = dict(type='ProfilerHook', **default_hook)
    cfg.update(extra)
    return Config(cfg)


def chrome_events(path):
    opener = gzip.open if str(path).endswith('.gz') else open
    with opener(path, 'rt') as f:
        return json.load(f)['traceEvents']


def step_numbers(events):
    return sorted(int(e['name'].split('#')[1]) for e in events
                  if e.get('name', '').startswith('ProfilerStep#'))


def test_chrome_trace_parses_and_holds_the_training_ops(tmp_path):
    trace = tmp_path / 'trace.json'
    runner = Runner.from_cfg(make_cfg(tmp_path / 'wd', dict(
        by_epoch=False, profile_times=4, schedule=dict(wait=1, warmup=1, active=2),
        record_shapes=True, json_trace_path=str(trace))))
    runner.train()
    events = chrome_events(trace)
    names = {e.get('name') for e in events}
    # the active steps of the cycle (ProfilerStep#0 is the wait step before them)
    assert step_numbers(events) == [2, 3]
    assert {'aten::addmm', 'aten::relu'} <= names
    assert any(n.startswith('autograd::engine::evaluate_function: AddmmBackward')
               for n in names if n)
    addmm = next(e for e in events if e.get('name') == 'aten::addmm')
    assert addmm['args']['Input Dims'][0] == [16] or [4, 8] in addmm['args']['Input Dims']


def test_tb_trace_is_where_the_tensorboard_plugin_finds_it(tmp_path, caplog):
    runner = Runner.from_cfg(make_cfg(tmp_path / 'wd', dict(
        by_epoch=False, profile_times=3, schedule=dict(wait=0, warmup=1, active=2),
        on_trace_ready=dict(type='tb_trace', worker_name='rank0'))))
    runner.train()
    run_dir = os.path.join(runner.log_dir, 'tf_tracing_logs')
    files = os.listdir(run_dir)
    assert len(files) == 1
    match = PLUGIN_TRACE_FILE.match(files[0])
    assert match and match.group(1) == 'rank0'
    assert step_numbers(chrome_events(os.path.join(run_dir, files[0]))) == [1, 2]
    assert f'trace_files of ProfilerHook will be saved to {run_dir}.' in caplog.messages
    try:
        from torch_tb_profiler import consts
    except ImportError:
        assert any('torch-tb-profiler is not installed' in m for m in caplog.messages)
    else:  # the plugin itself, where installed
        assert consts.WORKER_PATTERN.match(files[0])


def test_tb_trace_relative_and_absolute_dir_name_and_gzip(tmp_path):
    runner = Runner.from_cfg(make_cfg(tmp_path / 'wd', dict(
        by_epoch=False, profile_times=2, schedule=dict(wait=0, warmup=0, active=1),
        on_trace_ready=dict(type='tb_trace', dir_name='prof', use_gzip=True))))
    runner.train()
    files = os.listdir(os.path.join(runner.log_dir, 'prof'))
    # one trace per one-step cycle, and the step under way when the profiler stops
    assert len(files) == 3 and all(f.endswith('.pt.trace.json.gz') for f in files)
    assert all(PLUGIN_TRACE_FILE.match(f) for f in files)
    assert sorted(step_numbers(chrome_events(os.path.join(runner.log_dir, 'prof', f)))[0]
                  for f in files) == [0, 1, 2]

    absolute = tmp_path / 'abs_traces'
    runner = Runner.from_cfg(make_cfg(tmp_path / 'wd2', dict(
        by_epoch=False, profile_times=1, schedule=dict(wait=0, warmup=0, active=1),
        on_trace_ready=dict(type='tb_trace', dir_name=str(absolute)))))
    runner.train()
    assert len(os.listdir(absolute)) == 2  # the step-0 cycle and the step under way at the stop


def test_tb_trace_with_json_trace_path_warns_then_fails_naming_the_key(tmp_path, caplog):
    """MMEngine warns at the start, and its stop fails as the handler saved the trace."""
    runner = Runner.from_cfg(make_cfg(tmp_path / 'wd', dict(
        on_trace_ready=dict(type='tb_trace'), json_trace_path=str(tmp_path / 't.json'))))
    with pytest.raises(EngineError) as info:
        runner.train()
    assert isinstance(info.value, RuntimeError)
    assert info.value.key == 'custom_hooks[0].json_trace_path'
    assert len(os.listdir(os.path.join(runner.log_dir, 'tf_tracing_logs'))) == 1
    assert any('setting ``worker_name`` instead of setting ``json_trace_path``' in m
               for m in caplog.messages)


def test_hook_from_default_hooks_errors_name_that_entry(tmp_path):
    with pytest.raises(EngineError) as info:
        Runner.from_cfg(make_cfg(tmp_path / 'a', default_hook=dict(profile_times=0)))
    assert info.value.key == 'default_hooks.profiler.profile_times'
    assert isinstance(info.value, ValueError)

    runner = Runner.from_cfg(make_cfg(tmp_path / 'b', default_hook=dict(
        by_epoch=False, profile_times=7)))
    with pytest.raises(EngineError) as info:
        runner.train()
    assert info.value.key == 'default_hooks.profiler.profile_times'
    assert 'at most 6' in info.value.fix


def test_a_run_without_training_is_refused_with_the_fix(tmp_path):
    runner = Runner.from_cfg(make_cfg(tmp_path, hook={}, train=False, **VAL))
    with pytest.raises(EngineError) as info:
        runner.val()
    assert info.value.key == 'custom_hooks[0].profile_times'
    assert 'no train loop' in info.value.message and 'remove ProfilerHook' in info.value.fix


def test_val_of_a_training_config_is_profiled_and_stopped_at_the_end(tmp_path):
    """MMEngine leaves this profiler running; the engine stops it in after_run."""
    trace = tmp_path / 'val.json'
    runner = Runner.from_cfg(make_cfg(tmp_path / 'wd', dict(json_trace_path=str(trace)), **VAL))
    runner.val()
    names = {e.get('name') for e in chrome_events(trace)}
    assert 'aten::addmm' in names
    assert not any(n and n.startswith('autograd::engine') for n in names)  # no backward


def test_one_run_is_profiled_per_hook(tmp_path):
    trace = tmp_path / 'train.json'
    runner = Runner.from_cfg(make_cfg(tmp_path / 'wd', dict(json_trace_path=str(trace)), **VAL))
    runner.train()
    stamp = trace.stat().st_mtime_ns
    hook = next(h for h in runner.hooks if isinstance(h, ProfilerHook))
    profiler = hook.profiler
    runner.val()
    assert hook.profiler is profiler and trace.stat().st_mtime_ns == stamp


def test_refused_without_kineto(monkeypatch):
    monkeypatch.setattr(torch.autograd, 'kineto_available', lambda: False)
    with pytest.raises(EngineError) as info:
        ProfilerHook()
    assert isinstance(info.value, ImportError)
    assert 'Kineto' in info.value.message and info.value.fix


def test_priority_and_arguments_are_mmengines():
    assert ProfilerHook.priority == 'VERY_LOW'
    with pytest.raises(TypeError):
        ProfilerHook(True)  # keyword-only, as in MMEngine
    hook = ProfilerHook(activity_with_cuda=True, schedule=dict(wait=1, warmup=1, active=1))
    assert hook.activities == [torch.profiler.ProfilerActivity.CPU,
                               torch.profiler.ProfilerActivity.CUDA]
    assert callable(hook.schedule)
