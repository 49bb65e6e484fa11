"""Shared by the rules for subclasses of MMCV framework classes (HK007-HK010): the class is
left as written with a marker above it, and the report says what, where, why, and what to
write instead."""
from __future__ import annotations

from typing import Callable, Dict

import libcst as cst

from migrate.hookcode.context import HookContext, add_comment, marker, wrapped


def mark_classes(module: cst.Module, ctx: HookContext, kinds: Dict[str, str], kind: str,
                 rule: str, advice: Callable[[cst.ClassDef, str], str]) -> cst.Module:
    body = []
    for stmt in module.body:
        if isinstance(stmt, cst.ClassDef) and kinds.get(stmt.name.value) == kind:
            base = next((cst.Module([]).code_for_node(a.value) for a in stmt.bases), '?')
            message = advice(stmt, base)
            text = marker(rule, message)
            said = any(line.comment is not None and line.comment.value == wrapped(text)[0]
                       for line in stmt.leading_lines)
            if not said:
                ctx.report(rule, 'manual', stmt.name.value, message)
                stmt = add_comment(stmt, text)
        body.append(stmt)
    return module.with_changes(body=body)


def methods(cls: cst.ClassDef) -> str:
    names = [s.name.value for s in cls.body.body if isinstance(s, cst.FunctionDef)]
    return ', '.join(names) or 'no methods'
