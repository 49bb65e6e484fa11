"""HK003: the Hook base's helpers under their MMEngine names and signatures."""
from __future__ import annotations

from typing import Dict

import libcst as cst

from migrate.hookcode.context import HookContext
from migrate.hookcode.recognise import dotted
from migrate.hookcode.rules.base import ITER_STAGES, HookRule, MethodTransformer, phase_of

_RENAMED = {'every_n_iters': 'every_n_train_iters', 'is_last_epoch': 'is_last_train_epoch',
            'is_last_iter': 'is_last_train_iter'}
_NEEDS_BATCH = ('every_n_inner_iters', 'end_of_epoch')


class _Helpers(MethodTransformer):
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not self.active or not isinstance(func, cst.Attribute) or dotted(func.value) != 'self':
            return updated
        helper = func.attr.value
        if helper in _RENAMED:
            self.changed()
            return updated.with_changes(func=func.with_changes(attr=cst.Name(_RENAMED[helper])))
        if helper not in _NEEDS_BATCH or not updated.args:
            return updated
        if dotted(updated.args[0].value) != 'runner':
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
               'their MMEngine names and arguments')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        return module.visit(_Helpers(self, ctx, kinds))
