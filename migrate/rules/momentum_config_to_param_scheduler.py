"""MIG101: ``momentum_config`` -> momentum schedulers appended to ``param_scheduler``."""
from __future__ import annotations

from migrate.rules._custom_policy import map_custom_policy
from migrate.rules._schedule import keep_as_written, map_into_plan, unconvertible_reason
from migrate.rules.base import Plan, Rule
from migrate.schedule_map.types import Unmappable


class MomentumConfigToParamScheduler(Rule):
    id = 'MIG101'
    name = 'momentum-config-to-param-scheduler'
    summary = ('momentum_config becomes momentum schedulers (step gamma 0.5 written '
               'explicitly; warmups and OneCycle momentum have no MMEngine form)')
    legacy_keys = ('momentum_config',)
    new_keys = ('param_scheduler',)

    def apply(self, plan: Plan) -> None:
        from compat.schedules import parse_momentum_config

        cfg = plan.get('momentum_config')
        reason = unconvertible_reason(plan, 'momentum_config', cfg)
        if reason is not None and reason[0] == 'unknown-policy':
            # a project's own updater hook: the scheduler class HK007 ports it to
            map_custom_policy(self, plan, 'momentum_config', cfg)
            return
        if reason is not None:
            keep_as_written(self, plan, 'momentum_config', reason[1], reason[0])
            return
        plan.consume('momentum_config')
        if cfg is None:
            return
        policy = parse_momentum_config(cfg, runner_type=plan.facts.get('runner_type',
                                                                        'EpochBasedRunner'),
                                       source=plan.source)
        try:
            map_into_plan(self, plan, 'momentum_config', None, policy)
        except Unmappable as why:
            plan.consumed.remove('momentum_config')
            keep_as_written(self, plan, 'momentum_config', f'momentum_config left as written: {why}',
                            'no-form-here')
