"""MIG101: ``momentum_config`` -> momentum schedulers appended to ``param_scheduler``."""
from __future__ import annotations

from migrate.rules._schedule import map_into_plan
from migrate.rules.base import Plan, Rule


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
        plan.consume('momentum_config')
        if cfg is None:
            return
        policy = parse_momentum_config(cfg, runner_type=plan.facts.get('runner_type',
                                                                        'EpochBasedRunner'),
                                       source=plan.source)
        map_into_plan(self, plan, 'momentum_config', None, policy)
