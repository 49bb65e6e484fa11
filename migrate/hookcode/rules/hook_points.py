"""HK002: legacy hook points become the stages MMEngine calls, with its signatures.

MMEngine calls ``hook.<stage>(runner, **kwargs)``: a legacy ``after_train_iter(self, runner)``
raises TypeError there, and a legacy override of the generic ``before_epoch``/``after_iter``
(which MMCV's base forwarded from both the train and the val stages) is never called.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

import libcst as cst

from migrate.hookcode.classes import HOOK
from migrate.hookcode.context import HookContext
from migrate.hookcode.recognise import dotted
from migrate.hookcode.rules.base import HookRule

#: stage -> the parameters MMEngine 0.10.7 passes after ``runner`` (name, default or None)
_EXTRA = {
    'before_train_iter': [('batch_idx', None), ('data_batch', 'None')],
    'before_val_iter': [('batch_idx', None), ('data_batch', 'None')],
    'before_test_iter': [('batch_idx', None), ('data_batch', 'None')],
    'after_train_iter': [('batch_idx', None), ('data_batch', 'None'), ('outputs', 'None')],
    'after_val_iter': [('batch_idx', None), ('data_batch', 'None'), ('outputs', 'None')],
    'after_test_iter': [('batch_idx', None), ('data_batch', 'None'), ('outputs', 'None')],
    'after_val_epoch': [('metrics', 'None')],
    'after_test_epoch': [('metrics', 'None')],
}
_RUNNER_ONLY = ('before_run', 'after_run', 'before_train_epoch', 'after_train_epoch',
                'before_val_epoch', 'before_test_epoch')
#: legacy generic method -> (train stage, val stage)
_GENERIC = {'before_epoch': ('before_train_epoch', 'before_val_epoch'),
            'after_epoch': ('after_train_epoch', 'after_val_epoch'),
            'before_iter': ('before_train_iter', 'before_val_iter'),
            'after_iter': ('after_train_iter', 'after_val_iter')}


def _param(name: str, default: Optional[str]) -> cst.Param:
    if default is None:
        return cst.Param(cst.Name(name))
    return cst.Param(cst.Name(name), default=cst.parse_expression(default),
                     equal=cst.AssignEqual(cst.SimpleWhitespace(''), cst.SimpleWhitespace('')))


def _legacy_params(fn: cst.FunctionDef) -> Optional[List[str]]:
    """[self, runner] names if ``fn`` has exactly the legacy signature, else None."""
    p = fn.params
    if p.star_arg is not cst.MaybeSentinel.DEFAULT or p.kwonly_params or p.star_kwarg \
            or p.posonly_params or len(p.params) != 2 or any(x.default for x in p.params):
        return None
    return [x.name.value for x in p.params]


def _new_params(fn: cst.FunctionDef, stage: str) -> cst.Parameters:
    params = list(fn.params.params)
    params += [_param(name, default) for name, default in _EXTRA[stage]]
    return fn.params.with_changes(params=[
        x.with_changes(comma=cst.MaybeSentinel.DEFAULT) for x in params])


def _signature_ok(fn: cst.FunctionDef, stage: str) -> bool:
    names = [x.name.value for x in fn.params.params]
    return names[2:] == [n for n, _ in _EXTRA.get(stage, [])]


class _SuperCalls(cst.CSTTransformer):
    """``super().after_train_iter(runner)`` inside a stage gets the stage's new arguments."""

    def __init__(self, stage: str):
        super().__init__()
        self.stage = stage

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in _EXTRA
                and len(updated.args) == 1 and self.stage in _EXTRA
                and func.attr.value == self.stage):
            return updated
        head = func.value
        if not (isinstance(head, cst.Call) and dotted(head.func) == 'super') \
                and dotted(head) != 'self':
            return updated
        extra = [cst.Arg(cst.Name(n)) for n, _ in _EXTRA[self.stage]]
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT)
                for a in list(updated.args) + extra]
        return updated.with_changes(args=args)


class HookPoints(HookRule):
    id = 'HK002'
    name = 'hook-points'
    summary = ('generic before/after_epoch/iter overrides become the train (and val) stages '
               'they stood for; every stage gets the signature MMEngine calls it with')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        body = []
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef) and kinds.get(stmt.name.value) == HOOK:
                stmt = self._convert_class(stmt, ctx)
            body.append(stmt)
        return module.with_changes(body=body)

    def _convert_class(self, cls: cst.ClassDef, ctx: HookContext) -> cst.ClassDef:
        name = cls.name.value
        methods = {s.name.value for s in cls.body.body if isinstance(s, cst.FunctionDef)}
        body: List[cst.BaseStatement] = []
        for stmt in cls.body.body:
            if not isinstance(stmt, cst.FunctionDef):
                body.append(stmt)
                continue
            method = stmt.name.value
            if method in _GENERIC:
                body.extend(self._generic(stmt, name, methods, ctx))
            elif method in _EXTRA or method in _RUNNER_ONLY:
                body.append(self._stage(stmt, method, name, ctx))
            else:
                body.append(stmt)
        return cls.with_changes(body=cls.body.with_changes(body=body))

    def _stage(self, fn: cst.FunctionDef, stage: str, cls: str,
               ctx: HookContext) -> cst.FunctionDef:
        if stage not in _EXTRA or _signature_ok(fn, stage):
            return fn
        if _legacy_params(fn) is None:
            ctx.report(self.id, 'manual', f'{cls}.{stage}',
                       f'{stage} has a signature the converter does not know; MMEngine calls '
                       f'it as {stage}(runner, ' + ', '.join(
                           f'{n}={d or n}' for n, d in _EXTRA[stage]) + '): write it so')
            return fn
        ctx.report(self.id, 'note', f'{cls}.{stage}',
                   f'{stage}(self, runner) now takes ' + ', '.join(
                       n for n, _ in _EXTRA[stage]) + ' as MMEngine passes them')
        fn = fn.with_changes(params=_new_params(fn, stage))
        return fn.visit(_SuperCalls(stage))

    def _generic(self, fn: cst.FunctionDef, cls: str, methods: set,
                 ctx: HookContext) -> List[cst.FunctionDef]:
        generic = fn.name.value
        train, val = _GENERIC[generic]
        reads_mode = re.search(r'\brunner\.mode\b', cst.Module([]).code_for_node(fn)) is not None
        # MMCV's base forwarded both stages to the generic method, unless overridden
        stages = [s for s in (train, val) if s not in methods]
        if train in stages and val in stages and not reads_mode:
            stages = [train]
            ctx.report(self.id, 'note', f'{cls}.{generic}',
                       f'{generic} ran before/after every train and workflow-val phase in '
                       f'MMCV; MMEngine never calls it: it is now {train} (MMEngine\'s val '
                       f'stages belong to evaluation; add {val} if it must run there too)')
        else:
            ctx.report(self.id, 'note', f'{cls}.{generic}',
                       f'{generic} ran in MMCV wherever the class did not override the stage; '
                       f'MMEngine never calls it: it is now {" and ".join(stages)}')
        if not stages:
            ctx.report(self.id, 'manual', f'{cls}.{generic}',
                       f'{generic} was never called (the class overrides {train} and {val}): '
                       'left as written, delete it if unused')
            return [fn]
        out = []
        for stage in stages:
            new = fn.with_changes(name=cst.Name(stage))
            if stage in _EXTRA and _legacy_params(new) is not None:
                new = new.with_changes(params=_new_params(new, stage))
            if out:
                new = new.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
            out.append(new)
        return out
