"""HK011: a custom ``LoggerHook`` subclass (``log(runner)``, ``get_loggable_tags``, ...).

MMEngine's ``LoggerHook`` is one hook that formats through ``LogProcessor`` and writes through
the visualizer's backends; it has no ``log(runner)``, ``get_loggable_tags``, ``get_mode`` or
``get_iter``, so a legacy logger subclass has no method-by-method port. It is left as written
with a marker saying what to write instead, and reported as manual.
"""
from __future__ import annotations

from typing import Dict

import libcst as cst

from migrate.hookcode.classes import LOGGER_HOOK
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules._framework import mark_classes, methods
from migrate.hookcode.rules.base import HookRule


class LoggerHookSubclass(HookRule):
    id = 'HK011'
    name = 'logger-hook-subclass'
    summary = ('a custom logger hook is left with its port to a visualization backend (or a '
               'hook reading the message hub) spelled out')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        where = 'mmengine.visualization (BaseVisBackend, registry mmengine.registry.VISBACKENDS)' \
            if ctx.target == 'mmengine' else \
            'engine.visualization (a backend class, registry engine.registry.VISBACKENDS)'

        def advice(cls: cst.ClassDef, base: str) -> str:
            return (f'{cls.name.value} subclasses {base} ({methods(cls)}): MMEngine\'s '
                    'LoggerHook formats records with LogProcessor and writes them through the '
                    'visualizer\'s backends, and has no log(runner)/get_loggable_tags/'
                    'get_mode/get_iter to override; port the writing to a backend class from '
                    f'{where} (add_scalars(scalar_dict, step)) listed in '
                    'visualizer.vis_backends, or to a Hook whose after_train_iter reads '
                    "runner.message_hub.get_scalar('train/<name>')")
        return mark_classes(module, ctx, kinds, LOGGER_HOOK, self.id, advice)
