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
    example = ("lr_config = dict(policy='step', warmup='linear', warmup_iters=500,\n"
               "                 warmup_ratio=0.001, step=[8, 11])\n"
               "runner = dict(type='EpochBasedRunner', max_epochs=12)\n",
               "param_scheduler = [\n"
               "    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=501),\n"
               "    dict(type='MultiStepLR', milestones=[8, 11], gamma=0.1, by_epoch=True,\n"
               "         begin=0, end=12),\n]\n")

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
