"""MIG040: ``log_config`` -> ``default_hooks.logger``, ``log_processor`` and the
visualizer's ``vis_backends``."""
from __future__ import annotations

from typing import Any, Dict, List

from migrate.rules.base import APPROXIMATION, DROPPED, MANUAL, NOTE, Plan, Rule
from migrate.tables import (BACKEND_SAME_ARGS, LOGGER_BASE_ARGS, LOGGER_HOOK_TO_BACKEND,
                            TEXT_LOGGER_SAME_ARGS)


class LogConfigToLogger(Rule):
    id = 'MIG040'
    name = 'log-config-to-logger'
    summary = ('log_config.interval becomes default_hooks.logger.interval and '
               'log_processor.window_size; logger hooks become visualizer back ends')
    legacy_keys = ('log_config',)
    new_keys = ('default_hooks', 'log_processor', 'visualizer')

    def apply(self, plan: Plan) -> None:
        cfg = plan.get('log_config')
        plan.consume('log_config')
        if cfg is None:
            plan.set(('default_hooks', 'logger'), None)
            self.report(plan, NOTE, 'log_config', 'no logging in MMCV: the logger hook is off')
            return
        interval = cfg.get('interval', 10)
        hooks = cfg.get('hooks') or []
        iter_runner = plan.facts.get('runner_type') == 'IterBasedRunner'
        logger: Dict[str, Any] = {'type': 'LoggerHook', 'interval': interval}
        by_epoch = not iter_runner
        backends: List[Dict[str, Any]] = []
        for i, hook in enumerate(hooks):
            if not isinstance(hook, dict):
                self.report(plan, MANUAL, f'log_config.hooks[{i}]', f'{hook!r} is not a dict')
                continue
            hook = dict(hook)
            htype = hook.pop('type', None)
            by_epoch = hook.pop('by_epoch', by_epoch)
            if hook.pop('reset_flag', None) is not None:
                self.report(plan, DROPPED, f'log_config.hooks[{i}].reset_flag',
                            'no equivalent in MMEngine')
            hook.pop('interval', None)
            if htype == 'TextLoggerHook':
                for key in TEXT_LOGGER_SAME_ARGS:
                    if key in hook:
                        logger[key] = hook.pop(key)
            if htype not in LOGGER_HOOK_TO_BACKEND:
                self.report(plan, MANUAL, f'log_config.hooks[{i}].type',
                            f'unknown logger hook {htype!r}: write a VisBackend for it')
                continue
            backend = LOGGER_HOOK_TO_BACKEND[htype]
            if backend is None:
                self.report(plan, DROPPED, f'log_config.hooks[{i}]',
                            f'{htype} has no MMEngine back end')
                continue
            new = {'type': backend}
            for key in BACKEND_SAME_ARGS.get(htype, ()):
                if key in hook:
                    new[key] = hook.pop(key)
            if htype != 'TextLoggerHook' and hook:
                self.report(plan, APPROXIMATION, f'log_config.hooks[{i}]',
                            f'{htype} arguments {sorted(hook)} are not carried over to '
                            f'{backend}', kind='logger-args')
            if htype == 'TensorboardLoggerHook':
                self.report(plan, NOTE, f'log_config.hooks[{i}]',
                            'TensorBoard events go to <work_dir>/<timestamp>/vis_data')
            if new not in backends:
                backends.append(new)
        if not any(b['type'] == 'LocalVisBackend' for b in backends):
            backends.insert(0, {'type': 'LocalVisBackend'})
        if not by_epoch:
            logger['log_metric_by_epoch'] = False
        plan.set(('default_hooks', 'logger'), logger)
        plan.origins[('default_hooks', 'logger', 'interval')] = ('log_config', 'interval')
        # MMCV averaged the logged values over exactly `interval` iterations.
        plan.set(('log_processor',), dict(type='LogProcessor', window_size=interval,
                                          by_epoch=by_epoch))
        plan.origins[('log_processor', 'window_size')] = ('log_config', 'interval')
        plan.set(('visualizer',), dict(type='Visualizer', vis_backends=backends,
                                       name='visualizer'))
        extra = sorted(set(cfg) - {'interval', 'hooks'})
        if extra:
            self.report(plan, DROPPED, 'log_config', f'ignored by MMCV too: {extra}')
