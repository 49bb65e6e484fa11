"""MIG040: ``log_config`` -> ``default_hooks.logger`` and ``log_processor`` (the text
logger; the other logger hooks become visualizer back ends in MIG041)."""
from __future__ import annotations

from typing import Any, Dict

from migrate.rules._logger_settings import logger_settings
from migrate.rules.base import DROPPED, MANUAL, NOTE, Plan, Rule
from migrate.tables import LOGGER_BASE_ARGS, TEXT_LOGGER_SAME_ARGS


class LogConfigToLogger(Rule):
    id = 'MIG040'
    name = 'log-config-to-logger'
    summary = ('log_config.interval (or the TextLoggerHook\'s own) becomes '
               'default_hooks.logger.interval and log_processor.window_size; TextLoggerHook '
               'arguments go to the LoggerHook')
    legacy_keys = ('log_config',)
    new_keys = ('default_hooks', 'log_processor')

    def apply(self, plan: Plan) -> None:
        cfg = plan.get('log_config')
        plan.consume('log_config')
        if cfg is None:
            plan.set(('default_hooks', 'logger'), None)
            self.report(plan, NOTE, 'log_config', 'no logging in MMCV: the logger hook is off')
            return
        iter_runner = plan.facts.get('runner_type') == 'IterBasedRunner'
        settings = logger_settings(cfg, iter_runner)
        logger: Dict[str, Any] = {'type': 'LoggerHook', 'interval': settings.interval}
        for i, hook in enumerate(cfg.get('hooks') or []):
            if not isinstance(hook, dict):
                self.report(plan, MANUAL, f'log_config.hooks[{i}]', f'{hook!r} is not a dict')
        if settings.text_index is not None:
            self._text_hook(plan, cfg['hooks'][settings.text_index], settings.text_index,
                            logger)
        if not settings.by_epoch:
            logger['log_metric_by_epoch'] = False
        plan.set(('default_hooks', 'logger'), logger)
        plan.origins[('default_hooks', 'logger', 'interval')] = (
            ('log_config', 'hooks', settings.text_index, 'interval')
            if settings.text_index is not None
            and 'interval' in cfg['hooks'][settings.text_index]
            else ('log_config', 'interval'))
        # MMCV averaged the logged values over exactly `interval` iterations.
        plan.set(('log_processor',), dict(type='LogProcessor', window_size=settings.interval,
                                          by_epoch=settings.by_epoch))
        plan.origins[('log_processor', 'window_size')] = \
            plan.origins[('default_hooks', 'logger', 'interval')]
        extra = sorted(set(cfg) - {'interval', 'hooks'})
        if extra:
            self.report(plan, DROPPED, 'log_config', f'ignored by MMCV too: {extra}')

    def _text_hook(self, plan: Plan, hook: Dict[str, Any], index: int,
                   logger: Dict[str, Any]) -> None:
        for key in TEXT_LOGGER_SAME_ARGS:
            if key in hook:
                logger[key] = hook[key]
                plan.origins[('default_hooks', 'logger', key)] = \
                    ('log_config', 'hooks', index, key)
        if hook.get('reset_flag') is not None:
            self.report(plan, DROPPED, f'log_config.hooks[{index}].reset_flag',
                        'no equivalent in MMEngine')
        unknown = [k for k in hook if k != 'type' and k not in LOGGER_BASE_ARGS
                   and k not in TEXT_LOGGER_SAME_ARGS]
        if unknown:
            self.report(plan, MANUAL, f'log_config.hooks[{index}]',
                        f'TextLoggerHook takes no {unknown} (MMCV: TypeError when built): '
                        'not carried over', path=('default_hooks',), marked=True)
