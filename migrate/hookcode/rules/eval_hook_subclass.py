"""HK009: a custom ``EvalHook``/``DistEvalHook`` subclass."""
from __future__ import annotations

from typing import Dict

import libcst as cst

from migrate.hookcode.classes import EVAL_HOOK
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules._framework import mark_classes, methods
from migrate.hookcode.rules.base import HookRule


class EvalHookSubclass(HookRule):
    id = 'HK009'
    name = 'eval-hook-subclass'
    summary = ('a custom evaluation hook is left with its port to a metric and loop settings '
               'spelled out')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        pkg = 'mmengine.evaluator' if ctx.target == 'mmengine' else 'engine.evaluator'

        def advice(cls: cst.ClassDef, base: str) -> str:
            return (f'{cls.name.value} subclasses {base} ({methods(cls)}): MMEngine '
                    'evaluates in the val loop (after every after_train_epoch hook) with an '
                    f'evaluator: port the scoring into a {pkg}.BaseMetric subclass '
                    '(process/compute_metrics) named in val_evaluator, interval/start into '
                    'train_cfg val_interval/val_begin, save_best/rule into '
                    'default_hooks.checkpoint, and reactions to the results into '
                    'after_val_epoch(runner, metrics) of a plain hook')
        return mark_classes(module, ctx, kinds, EVAL_HOOK, self.id, advice)
