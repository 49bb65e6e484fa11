"""HK010: a custom ``EpochBasedRunner``/``IterBasedRunner`` subclass -> a train loop subclass.

A runner whose ``train``/``run_iter`` add code around the base runner's own call becomes a
subclass of ``EpochBasedTrainLoop``/``IterBasedTrainLoop`` registered in ``LOOPS`` as
``loop_name(<runner name>)`` (``NanSkipEpochBasedRunner`` -> ``NanSkipEpochBasedTrainLoop``;
see :mod:`migrate.hookcode.ports.runner_loop` for what ports and where each extra lands). The
config side (MIG010) selects it: ``runner=dict(type='X', max_epochs=N)`` ->
``train_cfg=dict(type=loop_name('X'), max_epochs=N)``. A runner that does not port (another
method, a rewritten loop, an attribute with no loop equivalent) is left as written with a
marker saying why and what to write instead.
"""
from __future__ import annotations

from typing import Dict, Tuple

import libcst as cst

from migrate.hookcode.classes import RUNNER
from migrate.hookcode.context import HookContext, add_comment, marker, wrapped
from migrate.hookcode.ports.runner_loop import LOOP_BASE, loop_name, port_runner
from migrate.hookcode.recognise import base_names
from migrate.hookcode.rules._framework import methods
from migrate.hookcode.rules.base import HookRule


class RunnerSubclass(HookRule):
    id = 'HK010'
    name = 'runner-subclass'
    summary = ('a custom runner that adds code around train()/run_iter() becomes a train loop '
               'registered in LOOPS; any other is left with its port spelled out')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        ported: Dict[str, Tuple[str, str]] = {}
        body = []
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef) and kinds.get(stmt.name.value) == RUNNER:
                stmt = self._class(stmt, ctx, ported)
            body.append(stmt)
        return module.with_changes(body=body)

    def _class(self, cls: cst.ClassDef, ctx: HookContext,
               ported: Dict[str, Tuple[str, str]]) -> cst.ClassDef:
        name = cls.name.value
        base = (base_names(cls) or ['?'])[0]
        port = port_runner(cls, base, ported, self.id)
        if port.loop is None:
            return self._keep(cls, ctx, base, port.reason)
        loop = port.loop.name.value
        ported[name] = (loop, port.kind)
        for severity, method, message in port.findings:
            ctx.report(self.id, severity, f'{loop}.{method}', message)
        ctx.needed.update(port.needed)
        length = 'max_epochs' if port.kind == 'epoch' else 'max_iters'
        loop_base = ported[base][0] if base in ported else LOOP_BASE[port.kind]
        message = (f'the runner {name}({base}) is now the loop {loop}({loop_base}) '
                   f"registered in LOOPS: select it with train_cfg=dict(type='{loop}', "
                   f'{length}=...) and import this module (custom_imports)')
        ctx.report(self.id, 'note', name, message)
        return add_comment(port.loop, marker(self.id, message))

    def _keep(self, cls: cst.ClassDef, ctx: HookContext, base: str, reason: str) -> cst.ClassDef:
        pkg = 'mmengine.runner' if ctx.target == 'mmengine' else 'engine.runner'
        name = cls.name.value
        message = (f'{name} subclasses {base} ({methods(cls)}) and is not ported: {reason}. '
                   'MMEngine runs training in loops: write a subclass of '
                   f'{pkg}.EpochBasedTrainLoop or IterBasedTrainLoop (run_epoch/run_iter), '
                   f"register it in LOOPS as '{loop_name(name)}' (the name the converted "
                   "config's train_cfg selects)")
        text = marker(self.id, message)
        if any(line.comment is not None and line.comment.value == wrapped(text)[0]
               for line in cls.leading_lines):
            return cls
        ctx.report(self.id, 'manual', name, message)
        return add_comment(cls, text)
