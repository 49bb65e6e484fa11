"""Profile the first epoch or the first iterations of training with ``torch.profiler``.

MMEngine 0.10.7's ``ProfilerHook`` (same arguments, same profiled iterations): the profiler
starts in ``before_run`` and steps after every training iteration; with ``by_epoch=True`` it
stops after the first epoch, with ``by_epoch=False`` after iteration ``profile_times`` (and at
the latest after the train loop's last ``after_train_epoch``). On stopping it writes the chrome
trace to ``json_trace_path`` when given.

Where the engine differs, on purpose:

- wrong arguments fail when the hook is built (MMEngine: ``on_trace_ready`` only in
  ``before_run``), as engine errors naming the config entry and the fix that are also the
  exception class MMEngine raises;
- ``on_trace_ready=dict(type='tb_trace')`` writes its trace without ``torch-tb-profiler``
  installed (the trace is torch's own; only TensorBoard's viewer needs the plugin) and logs a
  warning, where MMEngine raises ImportError;
- with ``by_epoch=False`` and a ``profile_times`` beyond the first epoch of an epoch-based loop,
  MMEngine stops the profiler at the epoch end and again at iteration ``profile_times``, which
  kills the process (torch 2.13); the engine stops it once, at the epoch end;
- a profiler left running when the run ends (``runner.val()``/``test()`` of a config with a
  train loop) is stopped in ``after_run`` (MMEngine leaves it running), and a hook profiles one
  run only: a later ``before_run`` on the same runner does not start it again.
"""
from __future__ import annotations

import inspect
import os.path as osp
from typing import Any, Callable, Optional, Union

import torch

from engine.errors import BuildError, HookError
from engine.hooks.hook import DATA_BATCH, Hook
from engine.registry import HOOKS

TRACE_TYPES = ('log_trace', 'tb_trace')

# Argument errors are BuildErrors so the hook registry passes them on unchanged (with their
# key and MMEngine's exception class) instead of wrapping them.


class ProfilerArgumentError(BuildError, ValueError):
    """A value MMEngine refuses with ValueError (``profile_times``, the trace type)."""


class ProfilerTypeError(BuildError, AssertionError):
    """A value of the wrong type, which MMEngine asserts against."""


class ProfilerKwargsError(BuildError, TypeError):
    """Keys that ``torch.profiler.schedule`` or the trace handler do not take."""


class ProfilerRunError(HookError, ValueError):
    """``profile_times`` beyond the run's length, known only from the runner."""


class ProfilerTraceSavedError(HookError, RuntimeError):
    """``json_trace_path`` after ``on_trace_ready`` already saved the trace."""


class ProfilerUnavailableError(BuildError, ImportError):
    """This torch build has no Kineto, which ``torch.profiler`` needs."""


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ProfilerTypeError(f'{name} must be True or False, got {value!r}', key=name,
                                fix=f'write {name}=True or {name}=False')
    return value


def _check_kwargs(target: Callable, given: dict, key: str, what: str) -> None:
    accepted = [n for n in inspect.signature(target).parameters if n != 'self']
    unknown = sorted(set(given) - set(accepted))
    if unknown:
        raise ProfilerKwargsError(f'{what} does not take {unknown}', key=key,
                                  fix=f'use only {accepted}')


def _kineto_available() -> bool:
    try:
        return bool(torch.autograd.kineto_available())
    except AttributeError:
        return False


@HOOKS.register_module()
class ProfilerHook(Hook):
    """Profile training with ``torch.profiler`` (MMEngine 0.10.7's arguments).

    Args:
        by_epoch: profile the first epoch (``profile_times`` must then be 1) or, if False,
            the first ``profile_times`` iterations.
        profile_times: how many iterations (or epochs) to profile.
        activity_with_cpu / activity_with_cuda: the activities recorded.
        schedule: keyword arguments of ``torch.profiler.schedule`` (``wait``, ``warmup``,
            ``active``, ``repeat``, ``skip_first``); None profiles every step.
        on_trace_ready: a callable taking the profiler, ``dict(type='log_trace', **table_args)``
            (prints ``key_averages().table(**table_args)``) or ``dict(type='tb_trace',
            dir_name=..., worker_name=..., use_gzip=...)`` (``*.pt.trace.json`` files for
            TensorBoard's profiler plugin under ``dir_name``, default
            ``<log_dir>/tf_tracing_logs``; a relative ``dir_name`` is under the log dir).
        record_shapes / profile_memory / with_stack / with_flops: passed to the profiler.
        json_trace_path: write the chrome trace (``chrome://tracing``, Perfetto) here on stop.

    Example: ``custom_hooks = [dict(type='ProfilerHook', by_epoch=False, profile_times=10,
    schedule=dict(wait=1, warmup=1, active=3), on_trace_ready=dict(type='tb_trace'))]``.
    """

    priority = 'VERY_LOW'

    def __init__(self, *, by_epoch: bool = True, profile_times: int = 1,
                 activity_with_cpu: bool = True, activity_with_cuda: bool = False,
                 schedule: Optional[dict] = None,
                 on_trace_ready: Union[Callable, dict, None] = None,
                 record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False,
                 json_trace_path: Optional[str] = None) -> None:
        if not _kineto_available():
            raise ProfilerUnavailableError(
                'this torch build has no Kineto, which torch.profiler needs',
                fix='install a torch build with Kineto (the official wheels have it), or '
                    'remove ProfilerHook')
        self.by_epoch = _check_bool('by_epoch', by_epoch)
        if not isinstance(profile_times, int) or isinstance(profile_times, bool):
            raise ProfilerTypeError(f'profile_times must be an int, got {profile_times!r}',
                                    key='profile_times', fix='write profile_times=<int >= 1>')
        if profile_times < 1:
            raise ProfilerArgumentError(f'profile_times must be at least 1, got '
                                        f'{profile_times}', key='profile_times',
                                        fix='profile at least one iteration or epoch')
        if by_epoch and profile_times > 1:
            raise ProfilerArgumentError(
                f'by_epoch=True profiles one epoch only, got profile_times={profile_times} '
                '(profiling slows training down; MMEngine refuses more than one epoch too)',
                key='profile_times',
                fix='keep profile_times=1, or set by_epoch=False and count iterations')
        self.profile_times = profile_times
        self.activities = []
        if _check_bool('activity_with_cpu', activity_with_cpu):
            self.activities.append(torch.profiler.ProfilerActivity.CPU)
        if _check_bool('activity_with_cuda', activity_with_cuda):
            self.activities.append(torch.profiler.ProfilerActivity.CUDA)
        self.schedule = self._build_schedule(schedule)
        self.on_trace_ready = self._check_trace_config(on_trace_ready)
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.json_trace_path = json_trace_path
        self.profiler = None
        self._closed = False

    # -- arguments --------------------------------------------------------------------------
    @staticmethod
    def _build_schedule(schedule: Optional[dict]) -> Optional[Callable]:
        if schedule is None:
            return None
        if not isinstance(schedule, dict):
            raise ProfilerTypeError(f'schedule must be a dict, got {schedule!r}', key='schedule',
                                    fix='write schedule=dict(wait=1, warmup=1, active=3)')
        try:
            return torch.profiler.schedule(**schedule)
        except TypeError as e:
            raise ProfilerKwargsError(
                f'torch.profiler.schedule refused {schedule}: {e}', key='schedule',
                fix='give wait, warmup and active (ints), and optionally repeat and '
                    'skip_first') from e
        except AssertionError as e:
            raise ProfilerTypeError(f'torch.profiler.schedule refused {schedule}: {e}',
                                    key='schedule',
                                    fix='use non-negative wait/warmup/repeat/skip_first and '
                                        'active >= 1') from e

    @staticmethod
    def _check_trace_config(on_trace_ready: Any) -> Any:
        if on_trace_ready is None or callable(on_trace_ready):
            return on_trace_ready
        if not isinstance(on_trace_ready, dict):
            raise ProfilerArgumentError(
                f'on_trace_ready must be a callable, a dict or None, got {on_trace_ready!r}',
                key='on_trace_ready',
                fix="write on_trace_ready=dict(type='tb_trace') or dict(type='log_trace')")
        args = dict(on_trace_ready)
        kind = args.pop('type', None)
        if kind not in TRACE_TYPES:
            raise ProfilerArgumentError(
                f"on_trace_ready type must be 'log_trace' or 'tb_trace', got {kind!r}",
                key='on_trace_ready.type',
                fix="use type='log_trace' (a table printed per trace) or type='tb_trace' "
                    '(TensorBoard trace files)')
        if kind == 'log_trace':
            from torch.autograd.profiler_util import EventList
            _check_kwargs(EventList.table, args, 'on_trace_ready',
                          "log_trace (prof.key_averages().table's arguments)")
        else:
            _check_kwargs(torch.profiler.tensorboard_trace_handler, args, 'on_trace_ready',
                          "tb_trace (torch.profiler.tensorboard_trace_handler's arguments)")
        return dict(on_trace_ready)

    def _trace_handler(self, runner) -> Optional[Callable]:
        if not isinstance(self.on_trace_ready, dict):
            return self.on_trace_ready
        args = dict(self.on_trace_ready)
        kind = args.pop('type')
        if kind == 'log_trace':
            def print_table(prof) -> None:
                print(prof.key_averages().table(**args))
            return print_table
        args['dir_name'] = osp.join(runner.log_dir, args.get('dir_name', 'tf_tracing_logs'))
        runner.logger.info(f'trace_files of ProfilerHook will be saved to {args["dir_name"]}.')
        try:
            import torch_tb_profiler  # noqa: F401
        except ImportError:
            runner.logger.warning(
                'torch-tb-profiler is not installed: the trace files are written, but '
                "TensorBoard's PyTorch Profiler tab needs the plugin to show them (pip install "
                'torch-tb-profiler; MMEngine 0.10.7 refuses tb_trace without it)')
        if self.json_trace_path is not None:
            runner.logger.warning('When using tensorboard_trace, it is recommended to save json '
                                  'files by setting ``worker_name`` instead of setting '
                                  '``json_trace_path``')
        return torch.profiler.tensorboard_trace_handler(**args)

    # -- stages -----------------------------------------------------------------------------
    def before_run(self, runner) -> None:
        if self._closed:
            return  # profiled an earlier run of this runner already
        max_times = runner.max_epochs if self.by_epoch else runner.max_iters
        if max_times < self.profile_times:
            unit = 'epochs' if self.by_epoch else 'iterations'
            raise ProfilerRunError(
                f'profile_times={self.profile_times} but the run has {max_times} training '
                f'{unit}' + (' (no train loop: ProfilerHook profiles training)'
                             if runner.train_loop is None else ''),
                file=getattr(runner.cfg, 'filename', None) if hasattr(runner, 'cfg') else None,
                key=f'{_config_entry(runner)}.profile_times',
                fix=f'set profile_times to at most {max_times}' if max_times else
                    'remove ProfilerHook from the hooks of a run that does not train')
        self.profiler = torch.profiler.profile(
            activities=self.activities, schedule=self.schedule,
            on_trace_ready=self._trace_handler(runner), record_shapes=self.record_shapes,
            profile_memory=self.profile_memory, with_stack=self.with_stack,
            with_flops=self.with_flops)
        self.profiler.__enter__()
        runner.logger.info('profiler is profiling...')

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        if self._closed:
            return
        self.profiler.step()
        if not self.by_epoch and runner.iter == self.profile_times - 1:
            self._stop(runner)

    def after_train_epoch(self, runner) -> None:
        # fires once at the end of iteration-based training too
        if not self._closed:
            self._stop(runner)

    def after_run(self, runner) -> None:
        if self.profiler is not None and not self._closed:
            self._stop(runner)

    def _stop(self, runner) -> None:
        self._closed = True
        runner.logger.info('profiler may take a few minutes...')
        self.profiler.__exit__(None, None, None)
        if self.json_trace_path is None:
            return
        try:
            self.profiler.export_chrome_trace(self.json_trace_path)
        except RuntimeError as e:
            if 'already saved' not in str(e):
                raise
            # torch saves a trace once; on_trace_ready exported the last one already
            raise ProfilerTraceSavedError(
                f'json_trace_path {self.json_trace_path!r} cannot be written: on_trace_ready '
                'already saved the last trace, and torch saves a trace once (MMEngine fails '
                'here too)', key=f'{_config_entry(runner)}.json_trace_path',
                fix='drop json_trace_path and export from on_trace_ready, or drop '
                    'on_trace_ready') from e


def _config_entry(runner) -> str:
    """The config entry this hook came from (``custom_hooks[1]``), when one entry is a
    ProfilerHook; else the class name."""
    cfg = getattr(runner, 'cfg', None)
    if cfg is None:
        return 'ProfilerHook'
    plain = cfg.to_dict() if hasattr(cfg, 'to_dict') else dict(cfg)
    found = [f'default_hooks.{name}' for name, h in (plain.get('default_hooks') or {}).items()
             if _is_profiler_cfg(h)]
    found += [f'custom_hooks[{i}]' for i, h in enumerate(plain.get('custom_hooks') or [])
              if _is_profiler_cfg(h)]
    return found[0] if len(found) == 1 else 'ProfilerHook'


def _is_profiler_cfg(cfg: Any) -> bool:
    return isinstance(cfg, dict) and cfg.get('type') in ('ProfilerHook', ProfilerHook)
