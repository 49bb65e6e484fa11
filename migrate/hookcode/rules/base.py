"""What a hook-code rule is, and the transformer most of them are built on.

A hook-code rule rewrites one part of a legacy hook module (imports, hook points, runner
attributes, ...) with libcst and reports what it did or could not do. Rules have stable ids
(``HKnnn``, never reused), apart from the config rules' ``MIGnnn``; their golden pairs are the
modules under ``fixtures/legacy_hooks/`` and ``fixtures/converted_hooks/<target>/``.
"""
from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst

from migrate.hookcode.classes import HOOK
from migrate.hookcode.context import HookContext, add_comment, marker, wrapped

ITER_STAGES = ('before_train_iter', 'after_train_iter', 'before_val_iter', 'after_val_iter',
               'before_test_iter', 'after_test_iter')
EPOCH_STAGES = ('before_train_epoch', 'after_train_epoch', 'before_val_epoch',
                'after_val_epoch', 'before_test_epoch', 'after_test_epoch')


class HookRule:
    """One hook-code rule: ``id`` (``HKnnn``), ``name`` (a slug), ``summary`` (one line)."""

    id: str = ''
    name: str = ''
    summary: str = ''

    def apply(self, module: cst.Module, ctx: HookContext,
              kinds: Dict[str, str]) -> cst.Module:  # pragma: no cover - abstract
        raise NotImplementedError


def phase_of(method: str) -> Optional[str]:
    """'train'/'val'/'test' for a stage method name, else None."""
    for phase in ('train', 'val', 'test'):
        if f'_{phase}_' in method:
            return phase
    return None


class MethodTransformer(cst.CSTTransformer):
    """Visits the methods of the module's hook classes (of ``kinds``), knowing the class and
    method it is in, and hangs marker comments on the innermost statement."""

    def __init__(self, rule: HookRule, ctx: HookContext, kinds: Dict[str, str],
                 only: str = HOOK):
        super().__init__()
        self.rule, self.ctx, self.kinds, self.only = rule, ctx, kinds, only
        self.cls: Optional[str] = None
        self.method: Optional[str] = None
        self._depth = 0              # function nesting depth inside a hook class
        self._class_depth = 0
        self._statements: List[tuple] = []   # (statement, its new comments)

    # -- where we are --------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.cls is not None and self.method is not None

    def key(self) -> str:
        return f'{self.cls}.{self.method}' if self.method else str(self.cls)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._class_depth += 1
        if self._class_depth == 1 and self.kinds.get(node.name.value) == self.only:
            self.cls = node.name.value
        return True

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.CSTNode:
        self._class_depth -= 1
        if self._class_depth == 0:
            self.cls = None
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if self.cls is not None:
            self._depth += 1
            if self._depth == 1:
                self.method = node.name.value
        return True

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.CSTNode:
        if self.cls is not None:
            self._depth -= 1
            if self._depth == 0:
                self.method = None
        return updated

    # -- marker comments -----------------------------------------------------------------------
    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self._statements.append((node, []))
        return super().on_visit(node)

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        result = super().on_leave(original, updated)
        if isinstance(original, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            _, comments = self._statements.pop()
            if isinstance(result, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                for comment in comments:
                    result = add_comment(result, comment)
            elif isinstance(result, cst.FlattenSentinel) and comments:
                nodes = list(result.nodes)
                for comment in comments:
                    nodes[0] = add_comment(nodes[0], comment)
                result = cst.FlattenSentinel(nodes)
        return result

    def mark(self, severity: str, message: str, comment: Optional[str] = None) -> None:
        """Report ``message`` for the current method and hang ``comment`` (default: the
        message) on the statement being visited."""
        text = marker(self.rule.id, comment or message)
        if self._statements:
            node, comments = self._statements[-1]
            first = wrapped(text)[0]
            if any(line.comment is not None and line.comment.value == first
                   for line in getattr(node, 'leading_lines', ())):
                return   # said already (a converted module converted again)
            if text not in comments:
                comments.append(text)
        self.ctx.report(self.rule.id, severity, self.key(), message)

    def note(self, message: str) -> None:
        self.ctx.report(self.rule.id, 'note', self.key(), message)

    def changed(self) -> None:
        if self.rule.id not in self.ctx.applied:
            self.ctx.applied.append(self.rule.id)
