"""MIG100: ``lr_config`` -> LR schedulers in ``param_scheduler`` (exact forms; closest form
plus a ``# migrate[MIG100]`` comment where MMEngine cannot express the legacy schedule)."""
from __future__ import annotations

from migrate.rules._schedule import map_into_plan
from migrate.rules.base import Plan, Rule


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
        plan.consume('lr_config')
        if cfg is None:
            if not isinstance(plan.values.get('param_scheduler'), list):
                plan.set(('param_scheduler',), None)
            return
        policy = parse_lr_config(cfg, runner_type=plan.facts.get('runner_type',
                                                                  'EpochBasedRunner'),
                                 source=plan.source)
        map_into_plan(self, plan, 'lr_config', policy, None)
