"""MIG062: MMCV's ``ProfilerHook`` in ``custom_hooks`` -> MMEngine's (``profile_iters`` ->
``profile_times``, ``activities`` -> ``activity_with_cpu``/``activity_with_cuda``, MMCV's
NORMAL priority written out); what MMEngine's hook does differently is reported."""
from __future__ import annotations

from typing import Any, Dict, List

from migrate.rules import _custom_hook_list as hook_list
from migrate.rules.base import APPROXIMATION, MANUAL, NOTE, Plan, Rule
from migrate.tables import MMCV_PROFILER_DEFAULTS, is_legacy_form

_ACTIVITIES = ('cpu', 'cuda')


class ProfilerHookRule(Rule):
    id = 'MIG062'
    name = 'profiler-hook'
    summary = ("MMCV's ProfilerHook becomes MMEngine's: profile_iters -> profile_times, "
               'activities -> activity_with_cpu/activity_with_cuda, priority NORMAL kept')
    legacy_keys = ('custom_hooks',)
    new_keys = ('custom_hooks',)

    def applies(self, plan: Plan) -> bool:
        return any(is_legacy_form(h, 'ProfilerHook') for h in hook_list.legacy_hooks(plan))

    def apply(self, plan: Plan) -> None:
        hooks = hook_list.take_over(plan)
        for new_index, old_index, hook in list(hook_list.entries(plan)):
            if is_legacy_form(hook, 'ProfilerHook'):
                hooks[new_index] = self._convert(plan, hook, new_index, old_index)

    def _convert(self, plan: Plan, hook: Dict[str, Any], at: int, old: int) -> Dict[str, Any]:
        key, path = f'custom_hooks[{old}]', ('custom_hooks', at)
        args = {**MMCV_PROFILER_DEFAULTS, **{k: v for k, v in hook.items() if k != 'type'}}
        new: Dict[str, Any] = {'type': 'ProfilerHook'}
        renames = {'profile_iters': 'profile_times'}
        for arg in ('by_epoch', 'profile_iters'):
            if arg in hook:
                new[renames.get(arg, arg)] = hook[arg]
                hook_list.keep_origin(plan, at, renames.get(arg, arg), old, arg)
        activities = _activities(args['activities'])
        if activities is None:
            new['activities'] = args['activities']
            self.report(plan, MANUAL, f'{key}.activities',
                        f"activities={args['activities']!r}: MMCV takes a list of 'cpu'/'cuda' "
                        '(ValueError when built); kept as written: give activity_with_cpu/'
                        'activity_with_cuda', kind='profiler-args', path=path, marked=True)
        else:
            # MMCV's default profiles both; MMEngine's defaults to the CPU alone
            new['activity_with_cpu'] = 'cpu' in activities
            new['activity_with_cuda'] = 'cuda' in activities
        for arg, value in hook.items():
            if arg in ('type', 'by_epoch', 'profile_iters', 'activities'):
                continue
            new[arg] = value
            hook_list.keep_origin(plan, at, arg, old, arg)
            if arg not in MMCV_PROFILER_DEFAULTS and arg != 'priority':
                self.report(plan, MANUAL, f'{key}.{arg}',
                            f"MMCV's ProfilerHook takes no argument {arg!r} (TypeError when "
                            'built): kept as written', kind='profiler-args', path=path,
                            marked=True)
        if 'priority' not in hook:
            new['priority'] = 'NORMAL'
            self.report(plan, NOTE, key, "priority='NORMAL' written: MMCV registered custom "
                        "hooks at NORMAL, MMEngine's ProfilerHook defaults to VERY_LOW")
        self._report_span(plan, key, path, new, args)
        self._report_schedule(plan, key, path, new, args)
        self._report_trace_dir(plan, key, path, args)
        return new

    def _report_span(self, plan: Plan, key: str, path: tuple, new: Dict[str, Any],
                     args: Dict[str, Any]) -> None:
        by_epoch, times = args['by_epoch'], args['profile_iters']
        if not (isinstance(times, int) and not isinstance(times, bool) and times >= 1):
            self.report(plan, MANUAL, f'{key}.profile_iters',
                        f'profile_iters={times!r}: MMCV needs an int >= 1 (ValueError when '
                        'built); kept as written', kind='profiler-args', path=path, marked=True)
            return
        if by_epoch and plan.facts.get('runner_type') == 'IterBasedRunner':
            self.report(plan, MANUAL, f'{key}.by_epoch',
                        "under IterBasedRunner MMCV's ProfilerHook(by_epoch=True) failed in "
                        'before_run (TypeError: runner.max_epochs is None); MMEngine would '
                        'profile the whole run: set by_epoch=False and profile_times=<iterations>',
                        kind='profiler-span', path=path, marked=True)
            return
        if by_epoch and times > 1:
            if plan.epoch_len:
                rest = {k: v for k, v in new.items() if k not in ('type', 'by_epoch')}
                new.clear()
                new.update(type='ProfilerHook', by_epoch=False, **rest)
                new['profile_times'] = times * plan.epoch_len
                self.report(plan, APPROXIMATION, f'{key}.profile_iters',
                            f"MMEngine's ProfilerHook profiles one epoch at most: the first "
                            f'{times} epochs are the first {times * plan.epoch_len} iterations '
                            f'(--epoch-len {plan.epoch_len}); the profiler now stops after that '
                            'iteration, before the epoch-end hooks MMCV still profiled',
                            kind='profiler-span', path=path)
            else:
                self.report(plan, MANUAL, f'{key}.profile_iters',
                            f'MMCV profiled the first {times} epochs; MMEngine refuses '
                            'by_epoch=True with profile_times > 1 (ValueError when built): '
                            'convert with --epoch-len N, or set by_epoch=False and '
                            'profile_times=<iterations>', kind='profiler-span', path=path,
                            marked=True)

    def _report_schedule(self, plan: Plan, key: str, path: tuple, new: Dict[str, Any],
                         args: Dict[str, Any]) -> None:
        schedule = args['schedule']
        by_epoch = new.get('by_epoch', args['by_epoch'])
        span = new.get('profile_times', args['profile_iters'])
        if schedule is None or _schedule_done(schedule, by_epoch, span):
            return
        self.report(plan, APPROXIMATION, f'{key}.schedule',
                    'MMCV kept stepping the profiler after it stopped, so a schedule whose '
                    'cycles outlast the profiled iterations (repeat=0: forever) traced again; '
                    'MMEngine stops stepping it', kind='profiler-schedule',
                    path=path)

    def _report_trace_dir(self, plan: Plan, key: str, path: tuple,
                          args: Dict[str, Any]) -> None:
        trace = args['on_trace_ready']
        if not (isinstance(trace, dict) and trace.get('type') == 'tb_trace'):
            return
        dir_name = trace.get('dir_name', 'tf_tracing_logs')
        if isinstance(dir_name, str) and dir_name.startswith('/'):
            return
        self.report(plan, NOTE, f'{key}.on_trace_ready',
                    f'TensorBoard traces go to <work_dir>/<timestamp>/{dir_name} (MMCV: '
                    f'<work_dir>/{dir_name}): MMEngine joins dir_name to the log dir',
                    kind='profiler-trace-dir', path=path, marked=True)


def _activities(value: Any) -> Any:
    """The lower-cased activities MMCV accepted, or None where it raised."""
    if not isinstance(value, list):
        return None
    out: List[str] = []
    for activity in value:
        if not isinstance(activity, str) or activity.lower() not in _ACTIVITIES:
            return None
        out.append(activity.lower())
    return out


def _schedule_done(schedule: Any, by_epoch: Any, span: Any) -> bool:
    """Does ``torch.profiler.schedule(**schedule)`` finish its cycles within the ``span``
    profiled iterations (so MMCV's steps after the stop record nothing)?"""
    if not isinstance(schedule, dict) or by_epoch:
        return False
    parts = [schedule.get(k, 0) for k in ('wait', 'warmup', 'active', 'repeat', 'skip_first')]
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
        return False
    wait, warmup, active, repeat, skip_first = parts
    return repeat > 0 and isinstance(span, int) and \
        skip_first + repeat * (wait + warmup + active) <= span
