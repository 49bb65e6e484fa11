"""HK008: a custom ``OptimizerHook``/``Fp16OptimizerHook`` subclass."""
from __future__ import annotations

from typing import Dict

import libcst as cst

from migrate.hookcode.classes import OPTIMIZER_HOOK
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules._framework import mark_classes, methods
from migrate.hookcode.rules.base import HookRule


class OptimizerHookSubclass(HookRule):
    id = 'HK008'
    name = 'optimizer-hook-subclass'
    summary = ('a custom optimizer hook is left with its port to optim_wrapper settings or an '
               'OptimWrapper subclass spelled out')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        pkg = 'mmengine.optim' if ctx.target == 'mmengine' else 'engine.optim'

        def advice(cls: cst.ClassDef, base: str) -> str:
            return (f'{cls.name.value} subclasses {base} ({methods(cls)}): MMEngine does '
                    'backward, clipping and the step in model.train_step through the optim '
                    'wrapper, before any after_train_iter hook; gradient accumulation is '
                    'optim_wrapper=dict(accumulative_counts=N), clipping clip_grad=..., AMP '
                    'type=AmpOptimWrapper; other logic goes into a subclass of '
                    f'{pkg}.OptimWrapper overriding update_params/backward/step, registered '
                    'in OPTIM_WRAPPERS and named by optim_wrapper.type')
        return mark_classes(module, ctx, kinds, OPTIMIZER_HOOK, self.id, advice)
