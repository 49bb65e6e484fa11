"""Dropping names from a module's top-level ``from X import ...`` statements, shared by the
rules that leave an import unused (HK001 for mmcv names, HK009 for the downstream eval hooks
it ports away from)."""
from __future__ import annotations

from typing import Callable, List, Sequence, Set, Tuple

import libcst as cst

from migrate.hookcode.recognise import dotted, import_module_name


class _UsedNames(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.names: Set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        # a name listed in __all__ is still exported
        self.names.add(node.value.strip('\'"'))


def used_names(module: cst.Module) -> Set[str]:
    """The names a module uses outside its import statements (heads of dotted names, and the
    strings of ``__all__``)."""
    found = _UsedNames()
    module.visit(found)
    return found.names


def drop_imported(module: cst.Module, drop: Callable[[str, str, str], bool],
                  replacement: Sequence[cst.BaseStatement] = ()
                  ) -> Tuple[cst.Module, List[Tuple[str, List[str]]], bool]:
    """``module`` without the top-level imported names ``drop(source, name, local)`` picks:
    an import left empty goes, replaced by ``replacement`` the first time (which takes its
    comments) or else with its comments carried above the next statement. Returns the module,
    ``(source, names dropped)`` per import, and whether ``replacement`` was used."""
    body: List[cst.BaseStatement] = []
    carried: List[cst.EmptyLine] = []
    dropped: List[Tuple[str, List[str]]] = []
    replaced = False
    for stmt in module.body:
        if carried and hasattr(stmt, 'leading_lines'):
            stmt = stmt.with_changes(leading_lines=carried + list(stmt.leading_lines))
            carried = []
        node = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) \
            and len(stmt.body) == 1 else None
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar) \
                or node.relative:
            body.append(stmt)
            continue
        source = import_module_name(node)
        names = [(dotted(a.name), a.asname.name.value if a.asname else dotted(a.name), a)
                 for a in node.names]
        gone = [name for name, local, _ in names if drop(source, name, local)]
        if not gone:
            body.append(stmt)
            continue
        dropped.append((source, gone))
        keep = [a for name, local, a in names if not drop(source, name, local)]
        if keep:
            keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            body.append(stmt.with_changes(body=[node.with_changes(
                names=keep, lpar=None if len(keep) < 3 else node.lpar,
                rpar=None if len(keep) < 3 else node.rpar)]))
        elif replacement and not replaced:
            body.append(replacement[0].with_changes(leading_lines=stmt.leading_lines))
            body.extend(replacement[1:])
            replaced = True
        else:
            carried.extend(stmt.leading_lines)
    return module.with_changes(body=body), dropped, replaced
