"""HK003: the Hook base's helpers under their MMEngine names and signatures.

A helper the class defines itself (or inherits from a class of the same module) is the user's
method, not MMCV's: its calls stay on it, and only ``super().<helper>(...)`` inside it, which
reached MMCV's Hook, is rewritten.
"""
from __future__ import annotations

from typing import Dict, Set

import libcst as cst

from migrate.hookcode.context import HookContext
from migrate.hookcode.recognise import base_names, dotted
from migrate.hookcode.rules.base import ITER_STAGES, HookRule, MethodTransformer, phase_of

_RENAMED = {'every_n_iters': 'every_n_train_iters', 'is_last_epoch': 'is_last_train_epoch',
            'is_last_iter': 'is_last_train_iter'}
_NEEDS_BATCH = ('every_n_inner_iters', 'end_of_epoch')
_NEW_SIGNATURE = {'every_n_inner_iters': 'every_n_inner_iters(batch_idx, n)',
                  'end_of_epoch': 'end_of_epoch(dataloader, batch_idx)'}


def defined_methods(module: cst.Module, inherited_only: bool = False) -> Dict[str, Set[str]]:
    """Top-level class name -> the methods it defines or inherits from classes of the same
    module (``inherited_only``: only those it inherits)."""
    classes = {s.name.value: s for s in module.body if isinstance(s, cst.ClassDef)}
    memo: Dict[str, Set[str]] = {}

    def inherited(name: str, seen: frozenset) -> Set[str]:
        out: Set[str] = set()
        for base in base_names(classes[name]):
            if base in classes and base not in seen:
                out |= methods(base, seen | {base})
        return out

    def methods(name: str, seen: frozenset) -> Set[str]:
        if name not in memo:
            memo[name] = {s.name.value for s in classes[name].body.body
                          if isinstance(s, cst.FunctionDef)} | inherited(name, seen)
        return memo[name]

    if inherited_only:
        return {name: inherited(name, frozenset({name})) for name in classes}
    return {name: methods(name, frozenset({name})) for name in classes}


def _is_super(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and dotted(node.func) == 'super'


class _Helpers(MethodTransformer):
    def __init__(self, *args, defined: Dict[str, Set[str]], inherited: Dict[str, Set[str]],
                 **kw):
        super().__init__(*args, **kw)
        self.defined, self.inherited = defined, inherited

    def _own(self, helper: str, table: Dict[str, Set[str]]) -> bool:
        return helper in table.get(self.cls or '', ())

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not self.active or not isinstance(func, cst.Attribute):
            return updated
        helper = func.attr.value
        if helper not in _RENAMED and helper not in _NEEDS_BATCH:
            return updated
        if dotted(func.value) == 'Hook':   # Hook.<helper>(self, runner, ...): MMCV's own
            if helper in _RENAMED:
                self.changed()
                return updated.with_changes(
                    func=func.with_changes(attr=cst.Name(_RENAMED[helper])))
            if len(updated.args) < 2 or dotted(updated.args[1].value) != 'runner':
                return updated   # converted already
            self.mark('manual', f'Hook.{helper}(self, runner, ...): MMEngine\'s is '
                      f'Hook.{_NEW_SIGNATURE[helper].replace("(", "(self, ")}: pass those')
            return updated
        if _is_super(func.value):
            if self._own(helper, self.inherited):   # reaches the user's own helper
                return updated
        elif dotted(func.value) != 'self':
            return updated
        elif self._own(helper, self.defined):
            new = _RENAMED.get(helper) or _NEW_SIGNATURE[helper]
            self.note(f'{self.cls} has its own {helper} (defined in this module): '
                      f'self.{helper}(...) calls stay on it (MMEngine\'s Hook helper is {new}, '
                      'which would bypass it)')
            return updated
        return self._rewrite(helper, updated, func)

    def _rewrite(self, helper: str, updated: cst.Call,
                 func: cst.Attribute) -> cst.BaseExpression:
        if helper in _RENAMED:
            self.changed()
            return updated.with_changes(func=func.with_changes(attr=cst.Name(_RENAMED[helper])))
        if not updated.args or dotted(updated.args[0].value) != 'runner':
            return updated   # converted already: (batch_idx, n) / (dataloader, batch_idx)
        if self.method not in ITER_STAGES:
            self.mark('manual', f'self.{helper}(runner, ...) needs the batch index, which '
                      'MMEngine passes only to the iteration stages: call it from one of '
                      'them with batch_idx')
            return updated
        self.changed()
        if helper == 'every_n_inner_iters':
            return updated.with_changes(args=[cst.Arg(cst.Name('batch_idx'),
                                                      comma=updated.args[0].comma)]
                                        + list(updated.args[1:]))
        loader = f'runner.{phase_of(self.method)}_dataloader'
        return updated.with_changes(args=[
            cst.Arg(cst.parse_expression(loader), comma=cst.Comma(
                whitespace_after=cst.SimpleWhitespace(' '))),
            cst.Arg(cst.Name('batch_idx'))])


class Helpers(HookRule):
    id = 'HK003'
    name = 'hook-helpers'
    summary = ('every_n_iters, is_last_epoch/iter, every_n_inner_iters and end_of_epoch under '
               'their MMEngine names and arguments, unless the class defines its own')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        return module.visit(_Helpers(self, ctx, kinds, defined=defined_methods(module),
                                     inherited=defined_methods(module, inherited_only=True)))
