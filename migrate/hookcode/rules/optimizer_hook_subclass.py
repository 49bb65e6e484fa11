"""HK008: a custom ``OptimizerHook`` subclass -> an ``OptimWrapper`` subclass.

A direct subclass of ``OptimizerHook`` whose code maps exactly (see
``migrate/hookcode/rules/_optimizer_port.py``) becomes a subclass of ``OptimWrapper``
(``mmengine.optim`` / ``engine.optim``) with the same class name, registered in
``OPTIM_WRAPPERS`` under that name when it was registered in ``HOOKS``: its
``after_train_iter`` is ``update_params``, which ``model.train_step`` calls. The config's
``optimizer_config=dict(type=NAME, ...)`` becomes ``optim_wrapper=dict(type=NAME, ...)``
(MIG002), which needs this module imported (``custom_imports``).

Not ported, left as written with a marker above the class and on each blocking line: a class
whose code does not map (other runner reads, per-parameter tricks, several optimizers, other
hook methods), subclasses of ``Fp16OptimizerHook`` and the gradient-cumulative hooks (their
base's own state - loss scaler in ``runner.meta``, remainder iterations - is not a wrapper's),
and classes built on another class of the module.
"""
from __future__ import annotations

from typing import Dict, List

import libcst as cst

from migrate.hookcode.classes import OPTIMIZER_HOOK
from migrate.hookcode.context import HookContext, add_comment, marker
from migrate.hookcode.names import OPTIMIZER_HOOKS
from migrate.hookcode.recognise import base_names
from migrate.hookcode.rules._framework import methods
from migrate.hookcode.rules._optimizer_port import port_class
from migrate.hookcode.rules._optimizer_port_read import code_text
from migrate.hookcode.rules.base import HookRule

PORTABLE = {'OptimizerHook': 'OptimWrapper'}


class OptimizerHookSubclass(HookRule):
    id = 'HK008'
    name = 'optimizer-hook-subclass'
    summary = ('an OptimizerHook subclass becomes an OptimWrapper subclass of the same name '
               '(after_train_iter -> update_params) where its code maps exactly; otherwise it '
               'is left with the blocking lines and the port spelled out')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        body = []
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef) and kinds.get(stmt.name.value) == OPTIMIZER_HOOK:
                stmt = self._one(stmt, ctx)
            body.append(stmt)
        return module.with_changes(body=body)

    def _one(self, cls: cst.ClassDef, ctx: HookContext) -> cst.ClassDef:
        name = cls.name.value
        bases = base_names(cls)
        base = next((b for b in bases if b in PORTABLE), None)
        if _said(cls, self.id):
            return cls
        if base is None or len(bases) != 1:
            if len(bases) != 1:
                why = 'it has several bases'
            elif 'Fp16' in bases[0]:
                why = (f'{bases[0]} keeps state of its own that a port of the subclass alone '
                       'does not carry: the fp16 model wrapping of before_run (@auto_fp16 '
                       'methods; AmpOptimWrapper autocasts the whole forward), its loss scaler '
                       'in runner.meta, a static loss_scale of 512 by default (AmpOptimWrapper: '
                       "'dynamic'). Write a subclass of AmpOptimWrapper: its backward scales "
                       'the loss, its step unscales, clips and steps through self.loss_scaler '
                       '(a GradScaler), its state_dict holds the scaler')
            elif bases[0] in OPTIMIZER_HOOKS:
                why = (f'{bases[0]} keeps state of its own (the remainder iterations it '
                       'divides the tail by) that a port of the subclass alone does not carry; '
                       'OptimWrapper(accumulative_counts=N) is that base')
            else:
                why = f'it is built on {bases[0]}, not directly on OptimizerHook'
            return self._leave(cls, ctx, why, [])
        plan = port_class(cls, base, PORTABLE[base], 'OPTIM_WRAPPERS')
        if plan.ported is None:
            return self._leave(cls, ctx, 'code that does not map to the wrapper: ' + '; '.join(
                why for _, why in plan.blocked), plan.blocked)
        ctx.needed.add(PORTABLE[base])
        registration = next(
            (d.decorator for d in plan.ported.decorators
             if code_text(d.decorator).startswith('OPTIM_WRAPPERS.register_module')), None)
        registered = registration is not None
        if registered:
            ctx.needed.add('OPTIM_WRAPPERS')
        pkg = 'mmengine' if ctx.target == 'mmengine' else 'engine'
        message = (f'{name} is now an {PORTABLE[base]} ({pkg}.optim): after_train_iter is '
                   'update_params, which model.train_step calls before any after_train_iter '
                   "hook; configure it as optim_wrapper=dict(type="
                   f"'{_registered_name(registration, name)}', optimizer=..., clip_grad=..., "
                   '<its arguments>) and import this module (custom_imports)')
        if not registered:
            message += ('; it was not registered in HOOKS, so it is not in OPTIM_WRAPPERS: '
                        'register it there to name it in optim_wrapper')
        for old, new in plan.renamed.items():
            message += (f"; the hook's own self.{old} is self.{new} (OptimWrapper has a "
                        f'{old} of its own)')
        ctx.report(self.id, 'note', name, message + ''.join(f'; {n}' for n in plan.notes))
        return add_comment(plan.ported, marker(self.id, message))

    def _leave(self, cls: cst.ClassDef, ctx: HookContext, why: str, blocked: List) -> cst.ClassDef:
        pkg = 'mmengine.optim' if ctx.target == 'mmengine' else 'engine.optim'
        base = next((cst.Module([]).code_for_node(a.value) for a in cls.bases), '?')
        message = (f'{cls.name.value} subclasses {base} ({methods(cls)}), not ported: {why}. '
                   'MMEngine does backward, clipping and the step in model.train_step through '
                   'the optim wrapper, before any after_train_iter hook; gradient accumulation '
                   'is optim_wrapper=dict(accumulative_counts=N), clipping clip_grad=..., AMP '
                   f'type=AmpOptimWrapper; other logic goes into a subclass of {pkg}.OptimWrapper '
                   'overriding update_params/backward/step, registered in OPTIM_WRAPPERS and '
                   'named by optim_wrapper.type')
        ctx.report(self.id, 'manual', cls.name.value, message)
        marks: Dict[int, List[str]] = {}
        for node, text in blocked:
            if node is not None and node is not cls:
                marks.setdefault(id(node), []).append(text)
        if marks:
            for node, text in blocked:
                if node is not None and node is not cls:
                    method, why = text.split(': ', 1)
                    ctx.report(self.id, 'manual', f'{cls.name.value}.{method}',
                               f'{_code_line(node)}: {why}')
            cls = cls.visit(_MarkLines(self.id, marks))
        return add_comment(cls, marker(self.id, message))


def _registered_name(decorator, default: str) -> str:
    """The name ``register_module(name=...)`` (or its first argument) gives, else the class's."""
    if isinstance(decorator, cst.Call):
        for i, arg in enumerate(decorator.args):
            if (arg.keyword is not None and arg.keyword.value == 'name'
                    or arg.keyword is None and i == 0) \
                    and isinstance(arg.value, cst.SimpleString):
                return arg.value.evaluated_value
    return default


def _code_line(node: cst.CSTNode) -> str:
    """The first line of a statement, shortened."""
    if isinstance(node, cst.FunctionDef):
        return f'def {node.name.value}'
    text = ' '.join(cst.Module([]).code_for_node(node).strip().splitlines()[0].split())
    return text if len(text) <= 60 else text[:57] + '...'


def _said(cls: cst.ClassDef, rule: str) -> bool:
    return any(line.comment is not None and line.comment.value.startswith(f'# migrate[{rule}]')
               for line in cls.leading_lines)


class _MarkLines(cst.CSTTransformer):
    def __init__(self, rule: str, marks: Dict[int, List[str]]):
        super().__init__()
        self.rule, self.marks = rule, marks

    def on_leave(self, original, updated):
        result = super().on_leave(original, updated)
        for text in self.marks.get(id(original), ()):
            result = add_comment(result, marker(self.rule, text))
        return result

