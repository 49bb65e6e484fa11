"""HK010: a custom ``EpochBasedRunner``/``IterBasedRunner`` subclass."""
from __future__ import annotations

from typing import Dict

import libcst as cst

from migrate.hookcode.classes import RUNNER
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules._framework import mark_classes, methods
from migrate.hookcode.rules.base import HookRule


class RunnerSubclass(HookRule):
    id = 'HK010'
    name = 'runner-subclass'
    summary = 'a custom runner is left with its port to a custom loop spelled out'

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        pkg = 'mmengine.runner' if ctx.target == 'mmengine' else 'engine.runner.loops'

        def advice(cls: cst.ClassDef, base: str) -> str:
            return (f'{cls.name.value} subclasses {base} ({methods(cls)}): MMEngine runs '
                    'training in loops, not runner subclasses: move train()/run_iter logic '
                    f'into a subclass of {pkg}.EpochBasedTrainLoop or IterBasedTrainLoop '
                    '(run_epoch/run_iter), register it in LOOPS and select it with '
                    "train_cfg=dict(type='<YourLoop>', ...); the runner config key goes")
        return mark_classes(module, ctx, kinds, RUNNER, self.id, advice)
