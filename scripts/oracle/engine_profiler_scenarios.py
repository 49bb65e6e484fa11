"""The ProfilerHook runs compared between MMEngine 0.10.7 and the engine.

Imports neither MMEngine nor our packages (torch and the standard library only), so the oracle
recorder (scripts/oracle/record_engine_profiler_goldens.py) and the engine's tests
(tests/engine/hooks/test_profiler_hook_vs_mmengine.py) load it by path and run the same configs.

Each run trains the toy classifier (``ToyClassifier``/``ToyDataset``, registered by each side)
with one ``ProfilerHook`` and a ``ProfileMarkerHook`` (priority LOWEST, defined by each side
with :func:`mark`) that records, in one list with the profiler's log lines, the training stages
it sees: where the profiler stopped is where ``profiler may take a few minutes...`` falls.
Trace files are summarised by :func:`trace_summary` (which ``ProfilerStep#N`` spans a trace
holds, whether the recorded ops, shapes, memory and flops are there), never by timings.
"""
import glob
import json
import os

ITERS_PER_EPOCH = 4
# the profiler's own log lines, kept in the event list (the others vary with timing)
PROFILER_LOG_PREFIXES = ('profiler ', 'trace_files of ProfilerHook')


def epoch_loop(max_epochs=2):
    return dict(by_epoch=True, max_epochs=max_epochs)


def iter_loop(max_iters):
    return dict(by_epoch=False, max_iters=max_iters)


TRACE_DIR = '<TRACE_DIR>'  # replaced by a folder of the run: the callable writes there
JSON_TRACE = '<JSON_TRACE>'  # replaced by the path json_trace_path names

SCENARIOS = {
    'epoch_first_epoch_no_schedule': dict(
        train_cfg=epoch_loop(), hook=dict(json_trace_path=JSON_TRACE)),
    'epoch_schedule_callable_memory': dict(
        train_cfg=epoch_loop(), hook=dict(
            schedule=dict(wait=1, warmup=1, active=1), on_trace_ready=TRACE_DIR,
            profile_memory=True)),
    'iter_3_of_6_shapes': dict(
        train_cfg=iter_loop(6), hook=dict(
            by_epoch=False, profile_times=3, schedule=dict(wait=0, warmup=1, active=1),
            on_trace_ready=TRACE_DIR, record_shapes=True)),
    # profile_times=6 in 4-iteration epochs: the first after_train_epoch stops it at 4
    'iter_count_in_epoch_loop_stops_at_epoch_end': dict(
        train_cfg=epoch_loop(), hook=dict(
            by_epoch=False, profile_times=6, schedule=dict(wait=0, warmup=0, active=1),
            on_trace_ready=TRACE_DIR)),
    'epoch_in_iter_loop_repeat': dict(
        train_cfg=iter_loop(5), hook=dict(
            schedule=dict(wait=1, warmup=0, active=2, repeat=1), on_trace_ready=TRACE_DIR)),
    'iter_2_no_schedule_flops': dict(
        train_cfg=iter_loop(4), hook=dict(
            by_epoch=False, profile_times=2, with_flops=True, json_trace_path=JSON_TRACE)),
    'iter_schedule_json_only': dict(
        train_cfg=iter_loop(6), hook=dict(
            by_epoch=False, profile_times=5, schedule=dict(wait=1, warmup=1, active=2),
            json_trace_path=JSON_TRACE)),
    'iter_skip_first_two_cycles': dict(
        train_cfg=iter_loop(8), hook=dict(
            by_epoch=False, profile_times=7,
            schedule=dict(skip_first=1, wait=1, warmup=0, active=2, repeat=2),
            on_trace_ready=TRACE_DIR)),
    'log_trace_table_per_cycle': dict(
        train_cfg=iter_loop(4), hook=dict(
            by_epoch=False, profile_times=4, schedule=dict(wait=0, warmup=0, active=2),
            on_trace_ready=dict(type='log_trace', sort_by='self_cpu_time_total',
                                row_limit=3))),
    # torch saves a trace once: a handler that exported the last cycle leaves nothing for
    # json_trace_path, and the stop fails (MMEngine: RuntimeError mid-training)
    'callable_and_json_trace_conflict': dict(
        train_cfg=iter_loop(6), hook=dict(
            by_epoch=False, profile_times=3, schedule=dict(wait=0, warmup=1, active=1),
            on_trace_ready=TRACE_DIR, json_trace_path=JSON_TRACE)),
}

# wrong arguments: (hook arguments, train_cfg); the recorder stores where MMEngine raised
ERRORS = {
    'profile_times_zero': (dict(profile_times=0), epoch_loop()),
    'by_epoch_more_than_one_epoch': (dict(profile_times=2), epoch_loop()),
    'by_epoch_not_bool': (dict(by_epoch=1), epoch_loop()),
    'activity_flag_not_bool': (dict(activity_with_cpu='yes'), epoch_loop()),
    'schedule_not_a_dict': (dict(schedule=[1, 1, 1]), epoch_loop()),
    'schedule_without_active': (dict(schedule=dict(wait=1, warmup=1)), epoch_loop()),
    'trace_type_unknown': (dict(on_trace_ready=dict(type='chrome')), epoch_loop()),
    'trace_not_callable_or_dict': (dict(on_trace_ready=3), epoch_loop()),
    'profile_times_beyond_the_run': (dict(by_epoch=False, profile_times=10), iter_loop(6)),
    'log_trace_unknown_table_argument': (
        dict(by_epoch=False, profile_times=2, schedule=dict(wait=0, warmup=0, active=1),
             on_trace_ready=dict(type='log_trace', rows=3)), iter_loop(2)),
    'tb_trace_without_plugin': (dict(on_trace_ready=dict(type='tb_trace')), epoch_loop()),
}


def make_config(train_cfg, hook_args, work_dir):
    """A plain config dict both runners accept (``default_scope`` aside)."""
    return dict(
        model=dict(type='ToyClassifier', num_features=8, hidden=16, num_classes=4, init_seed=0),
        work_dir=work_dir,
        train_dataloader=dict(batch_size=4, num_workers=0,
                              sampler=dict(type='DefaultSampler', shuffle=False),
                              collate_fn=dict(type='default_collate'),
                              dataset=dict(type='ToyDataset', num_samples=4 * ITERS_PER_EPOCH,
                                           seed=0)),
        train_cfg=dict(train_cfg),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        default_hooks=dict(checkpoint=None, logger=dict(type='LoggerHook', interval=100)),
        custom_hooks=[dict(type='ProfilerHook', **hook_args),
                      dict(type='ProfileMarkerHook', priority='LOWEST')],
        randomness=dict(seed=0),
        log_level='INFO')


class TraceToFolder:
    """An ``on_trace_ready`` callable: each trace goes to ``folder/trace_<n>.json``.

    Keeps no state in the object (configs are deep-copied): the count is the folder's.
    """

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, prof):
        n = len(glob.glob(os.path.join(self.folder, 'trace_*.json')))
        prof.export_chrome_trace(os.path.join(self.folder, f'trace_{n}.json'))


def with_paths(hook_args, trace_dir, json_trace):
    out = dict(hook_args)
    if out.get('on_trace_ready') == TRACE_DIR:
        out['on_trace_ready'] = TraceToFolder(trace_dir)
    if out.get('json_trace_path') == JSON_TRACE:
        out['json_trace_path'] = json_trace
    return out


def trace_summary(path):
    """What a chrome trace holds, timings aside."""
    with open(path) as f:
        events = json.load(f)['traceEvents']
    names = [e.get('name', '') for e in events]
    addmm = [e for e in events if e.get('name') == 'aten::addmm']
    return dict(
        steps=sorted(int(n.split('#', 1)[1]) for n in set(names) if n.startswith('ProfilerStep#')),
        has_addmm=bool(addmm),
        has_backward=any(n.startswith('autograd::engine::evaluate_function') for n in names),
        has_shapes=any('Input Dims' in e.get('args', {}) for e in addmm),
        has_memory=any(n == '[memory]' for n in names),
        has_flops=any('flops' in e.get('args', {}) for e in addmm))


def folder_summaries(trace_dir):
    paths = sorted(glob.glob(os.path.join(trace_dir, 'trace_*.json')),
                   key=lambda p: int(p.rsplit('_', 1)[1].split('.')[0]))
    return [trace_summary(p) for p in paths]


def mark(events, stage, runner):
    """What ProfileMarkerHook appends at a stage."""
    events.append(['stage', stage, runner.epoch, runner.iter])


def keep_log(events, message):
    if message.startswith(PROFILER_LOG_PREFIXES):
        events.append(['log', message.split(' saved to ')[0]])


def log_trace_summary(stdout):
    """How many tables ``log_trace`` printed (each ends with the total self CPU time)."""
    return dict(tables=stdout.count('Self CPU time total'))
