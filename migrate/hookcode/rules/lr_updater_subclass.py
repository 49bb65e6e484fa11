"""HK007: a custom ``LrUpdaterHook``/``MomentumUpdaterHook`` subclass (``get_lr``/``get_momentum``)."""
from __future__ import annotations

from typing import Dict

import libcst as cst

from migrate.hookcode.classes import LR_UPDATER
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules._framework import mark_classes, methods
from migrate.hookcode.rules.base import HookRule


class LrUpdaterSubclass(HookRule):
    id = 'HK007'
    name = 'lr-updater-subclass'
    summary = ('a custom LR/momentum updater hook is left with its port to a parameter '
               'scheduler class spelled out')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        where = ('mmengine.optim.scheduler (LRSchedulerMixin, _ParamScheduler; registry '
                 'mmengine.registry.PARAM_SCHEDULERS)' if ctx.target == 'mmengine' else
                 'engine.schedulers (LRSchedulerMixin, ParamScheduler; registry '
                 'engine.registry.PARAM_SCHEDULERS)')

        def advice(cls: cst.ClassDef, base: str) -> str:
            return (f'{cls.name.value} subclasses {base} ({methods(cls)}): MMEngine has no '
                    'LR updater hooks, ParamSchedulerHook steps param schedulers after each '
                    'iteration/epoch instead; port it to a scheduler class from '
                    f'{where} whose value at step self.last_step (= runner.epoch if by_epoch '
                    'else runner.iter) is get_lr(runner, base_lr) for each base value, '
                    'register it and replace lr_config by param_scheduler=[dict(type=...)]; '
                    'warmup becomes a LinearLR/ConstantLR entry before it')
        return mark_classes(module, ctx, kinds, LR_UPDATER, self.id, advice)
