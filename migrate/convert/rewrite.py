"""Edit one config module with libcst: remove converted legacy statements, insert the new ones.

Everything else (comments, blank lines, ordering, formatting of untouched statements) is kept
byte for byte. A removed statement's leading comments stay in the file: they move onto the
statement that replaces it, or onto the next statement that survives.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst


def assigned_names(stmt: cst.CSTNode) -> List[str]:
    """Top-level names a statement binds (``a = ...``, ``a: T = ...``, ``a = b = ...``)."""
    if not isinstance(stmt, cst.SimpleStatementLine):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            return [stmt.name.value]
        return []
    names = []
    for small in stmt.body:
        if isinstance(small, cst.Assign):
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    names.append(target.target.value)
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)) and \
                isinstance(small.target, cst.Name):
            names.append(small.target.value)
    return names


def binding_positions(module: cst.Module) -> Dict[str, int]:
    """Name -> index of the first top-level statement binding it."""
    out: Dict[str, int] = {}
    for index, stmt in enumerate(module.body):
        for name in assigned_names(stmt):
            out.setdefault(name, index)
    return out


def names_used(node: cst.CSTNode) -> Set[str]:
    found: Set[str] = set()

    class _Visitor(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

        def visit_Attribute(self, attr: cst.Attribute) -> bool:
            attr.value.visit(self)
            return False   # `a.b`: only `a` is a name

        def visit_Arg(self, arg: cst.Arg) -> bool:
            arg.value.visit(self)
            return False   # keyword names are not references

    node.visit(_Visitor())
    return found


def removable(stmt: cst.CSTNode, keys: Set[str]) -> bool:
    """True when ``stmt`` only assigns keys in ``keys`` (so removing it loses nothing else)."""
    names = assigned_names(stmt)
    return bool(names) and isinstance(stmt, cst.SimpleStatementLine) \
        and len(stmt.body) == 1 and all(n in keys for n in names)


class _Inline(cst.CSTTransformer):
    """Replace references to removed keys by their values (``max_epochs=total_epochs`` after
    ``total_epochs`` is converted away becomes ``max_epochs=24``)."""

    def __init__(self, values: Dict[str, str]):
        self.values = values

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        code = self.values.get(original.value)
        return cst.parse_expression(code) if code is not None else updated

    def visit_Arg(self, node: cst.Arg) -> bool:
        return True

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        # A keyword's name is not a reference: keep it as written.
        return updated.with_changes(keyword=original.keyword)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return True

    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)


def rewrite_module(module: cst.Module, remove: Set[str],
                   inserts: Sequence[Tuple[Optional[int], str]],
                   inline: Optional[Dict[str, str]] = None) -> cst.Module:
    """Return ``module`` without the statements assigning ``remove`` and with ``inserts``
    (statement index -> source of new statements; ``None`` appends at the end).

    An insert at index ``i`` goes where statement ``i`` was (it must be a removed one) and
    inherits its leading comments.
    """
    inliner = _Inline(inline) if inline else None
    by_index: Dict[Optional[int], List[str]] = {}
    for index, code in inserts:
        by_index.setdefault(index, []).append(code)
    body: List[cst.CSTNode] = []
    pending_lines: List[cst.EmptyLine] = []
    for index, stmt in enumerate(module.body):
        gone = removable(stmt, remove)
        new = [_parse_statements(code) for code in by_index.get(index, [])]
        new_stmts = [s for group in new for s in group]
        if gone:
            pending_lines.extend(stmt.leading_lines)
            if new_stmts:
                first = new_stmts[0]
                new_stmts[0] = first.with_changes(
                    leading_lines=list(pending_lines) + list(first.leading_lines))
                pending_lines = []
                body.extend(new_stmts)
            continue
        if new_stmts:
            body.extend(new_stmts)
        if inliner is not None and names_used(stmt) & set(inliner.values):
            stmt = stmt.visit(inliner)
        if pending_lines:
            stmt = stmt.with_changes(leading_lines=list(pending_lines) + list(stmt.leading_lines))
            pending_lines = []
        body.append(stmt)
    tail = [s for code in by_index.get(None, []) for s in _parse_statements(code)]
    if tail:
        if body and not pending_lines:
            tail[0] = tail[0].with_changes(leading_lines=[cst.EmptyLine()] +
                                           list(tail[0].leading_lines))
        elif pending_lines:
            tail[0] = tail[0].with_changes(leading_lines=pending_lines +
                                           list(tail[0].leading_lines))
            pending_lines = []
        body.extend(tail)
    footer = list(module.footer)
    if pending_lines:
        footer = pending_lines + footer
    return module.with_changes(body=body, footer=footer)


def _parse_statements(code: str) -> List[cst.CSTNode]:
    return list(cst.parse_module(code + '\n').body)
