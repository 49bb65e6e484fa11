"""MIG100: ``lr_config`` -> LR schedulers in ``param_scheduler`` (exact forms; closest form
plus a ``# migrate[MIG100]`` comment where MMEngine cannot express the legacy schedule). A
project's own policy ``'<P>'`` becomes its warmup schedulers and ``dict(type='<P>LR', ...)``,
the class HK007 ports ``<P>LrUpdaterHook`` to (:mod:`._custom_policy`)."""
from __future__ import annotations

from migrate.rules._custom_policy import map_custom_policy
from migrate.rules._schedule import keep_as_written, map_into_plan, unconvertible_reason
from migrate.rules.base import Plan, Rule
from migrate.schedule_map.types import Unmappable


class LrConfigToParamScheduler(Rule):
    id = 'MIG100'
    name = 'lr-config-to-param-scheduler'
    summary = ('lr_config (policy + warmup) becomes LR schedulers with the exact ends '
               '(warmup end = warmup_iters + 1, poly/linear end = max + 1, ...)')
    legacy_keys = ('lr_config',)
    new_keys = ('param_scheduler',)

    def applies(self, plan: Plan) -> bool:
        return plan.has('lr_config')

    def apply(self, plan: Plan) -> None:
        from compat.schedules import parse_lr_config

        cfg = plan.get('lr_config')
        reason = unconvertible_reason(plan, 'lr_config', cfg)
        if reason is not None and reason[0] == 'unknown-policy':
            # a project's own updater hook: the scheduler class HK007 ports it to
            map_custom_policy(self, plan, 'lr_config', cfg)
            return
        if reason is not None:
            keep_as_written(self, plan, 'lr_config', reason[1], reason[0])
            return
        plan.consume('lr_config')
        if cfg is None:
            if not isinstance(plan.values.get('param_scheduler'), list):
                plan.set(('param_scheduler',), None)
            return
        policy = parse_lr_config(cfg, runner_type=plan.facts.get('runner_type',
                                                                  'EpochBasedRunner'),
                                 source=plan.source)
        try:
            map_into_plan(self, plan, 'lr_config', policy, None)
        except Unmappable as why:
            plan.consumed.remove('lr_config')
            keep_as_written(self, plan, 'lr_config', f'lr_config left as written: {why}',
                            'no-form-here')
