"""MMCV 1.7.2's ``ProfilerHook``: ``torch.profiler`` over the first epochs or iterations."""
from __future__ import annotations

import os.path as osp
import warnings
from typing import Callable, List, Optional, Union

import torch
from torch import profiler

from compat.runner.dist_utils import master_only
from compat.runner.hooks.hook import HOOKS, Hook

_ACTIVITIES = {'cpu': profiler.ProfilerActivity.CPU, 'cuda': profiler.ProfilerActivity.CUDA}


@HOOKS.register_module()
class ProfilerHook(Hook):
    """Profile the first ``profile_iters`` epochs (``by_epoch``) or iterations.

    The profiler starts in ``before_run`` and stops after train epoch (or iteration)
    ``profile_iters - 1``, then writes ``json_trace_path`` (Chrome trace) if given; it is
    stepped after every train iteration, before and after it stops, as in MMCV.
    ``on_trace_ready`` is a handler, ``dict(type='log_trace', **table_kwargs)`` (prints
    ``key_averages().table``), ``dict(type='tb_trace', dir_name=...)`` (TensorBoard trace
    files, ``dir_name`` relative to ``work_dir``, default ``tf_tracing_logs``; needs
    ``torch_tb_profiler``) or None. ``schedule`` holds ``torch.profiler.schedule``'s
    arguments. On a machine without CUDA, torch drops the 'cuda' activity with a warning.
    As in MMCV, the steps after the stop reach the schedule too: give a schedule that
    repeats (``repeat=0``, torch's default) a ``repeat`` count, or it starts tracing again.
    """

    def __init__(self, by_epoch: bool = True, profile_iters: int = 1,
                 activities: List[str] = ['cpu', 'cuda'],  # noqa: B006 (MMCV's default)
                 schedule: Optional[dict] = None,
                 on_trace_ready: Optional[Union[Callable, dict]] = None,
                 record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False,
                 json_trace_path: Optional[str] = None) -> None:
        if not isinstance(by_epoch, bool):
            raise AssertionError(f'ProfilerHook: by_epoch must be a bool, got {by_epoch!r}')
        self.by_epoch = by_epoch
        if profile_iters < 1:
            raise ValueError(f'ProfilerHook: profile_iters must be at least 1, got '
                             f'{profile_iters} (MMCV raises ValueError too)')
        self.profile_iters = profile_iters
        if not isinstance(activities, list):
            raise ValueError(f'ProfilerHook: activities must be a list such as [\'cpu\'], got '
                             f'{type(activities)} (MMCV raises ValueError too)')
        self.activities = []
        for activity in activities:
            if activity.lower() not in _ACTIVITIES:
                raise ValueError(f'ProfilerHook: activity must be "cpu" or "cuda", got '
                                 f'{activity.lower()!r} (MMCV raises ValueError too)')
            self.activities.append(_ACTIVITIES[activity.lower()])
        # torch checks the schedule's arguments (TypeError for an unknown one), as in MMCV
        self.schedule = profiler.schedule(**schedule) if schedule is not None else None
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.json_trace_path = json_trace_path

    @master_only
    def before_run(self, runner) -> None:
        unit, limit = (('epochs', runner.max_epochs) if self.by_epoch
                       else ('iterations', runner.max_iters))
        if limit < self.profile_iters:
            raise ValueError(f'ProfilerHook: profile_iters={self.profile_iters} is more than '
                             f'the {limit} {unit} of the run (MMCV raises ValueError too); '
                             f'use profile_iters <= {limit}')
        handler = self._trace_handler(runner)
        if self.by_epoch and runner.max_epochs > 1:
            warnings.warn(f'profiler will profile {runner.max_epochs} epochs instead of 1 '
                          'epoch. Since profiler will slow down the training, it is '
                          'recommended to train 1 epoch with ProfilerHook and adjust your '
                          'setting according to the profiler summary. During normal training '
                          '(epoch > 1), you may disable the ProfilerHook.')
        self.profiler = torch.profiler.profile(
            activities=self.activities, schedule=self.schedule, on_trace_ready=handler,
            record_shapes=self.record_shapes, profile_memory=self.profile_memory,
            with_stack=self.with_stack, with_flops=self.with_flops)
        self.profiler.__enter__()
        runner.logger.info('profiler is profiling...')

    def _trace_handler(self, runner) -> Optional[Callable]:
        if callable(self.on_trace_ready):
            return self.on_trace_ready
        if self.on_trace_ready is None:
            return None
        if not isinstance(self.on_trace_ready, dict):
            raise ValueError('ProfilerHook: on_trace_ready must be a handler, a dict or None, '
                             f'got {type(self.on_trace_ready)} (MMCV raises ValueError too)')
        trace_cfg = self.on_trace_ready.copy()
        if 'type' not in trace_cfg:
            raise KeyError("ProfilerHook: the on_trace_ready dict needs type='log_trace' or "
                           "'tb_trace' (MMCV raises KeyError: 'type')")
        trace_type = trace_cfg.pop('type')
        if trace_type == 'log_trace':
            def log_trace(prof) -> None:
                print(prof.key_averages().table(**trace_cfg))
            return log_trace
        if trace_type == 'tb_trace':
            try:
                import torch_tb_profiler  # noqa: F401
            except ImportError as err:
                raise ImportError("ProfilerHook's on_trace_ready=dict(type='tb_trace') needs "
                                  "the 'torch-tb-profiler' package: pip install "
                                  'torch-tb-profiler') from err
            dir_name = trace_cfg.get('dir_name', 'tf_tracing_logs')
            # an absolute dir_name is kept by join
            trace_cfg['dir_name'] = osp.join(runner.work_dir, dir_name)
            runner.logger.info('tracing files of ProfilerHook will be saved to '
                               f"{trace_cfg['dir_name']}.")
            return torch.profiler.tensorboard_trace_handler(**trace_cfg)
        raise ValueError(f"ProfilerHook: on_trace_ready type must be 'log_trace' or 'tb_trace', "
                         f'got {trace_type!r} (MMCV raises ValueError too)')

    @master_only
    def after_train_epoch(self, runner) -> None:
        if self.by_epoch and runner.epoch == self.profile_iters - 1:
            self._stop(runner)

    @master_only
    def after_train_iter(self, runner) -> None:
        self.profiler.step()
        if not self.by_epoch and runner.iter == self.profile_iters - 1:
            self._stop(runner)

    def _stop(self, runner) -> None:
        runner.logger.info('profiler may take a few minutes...')
        self.profiler.__exit__(None, None, None)
        if self.json_trace_path is not None:
            self.profiler.export_chrome_trace(self.json_trace_path)
