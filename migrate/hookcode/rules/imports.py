"""HK001: the legacy names a hook module imports, from where the target defines them.

``from mmcv.runner import HOOKS, Hook, master_only`` (and the ``mmcv.runner.hooks``,
``mmcv.runner.dist_utils``, ``mmcv.parallel``, ``mmcv.utils`` forms) becomes one import per
new module; names without an equivalent (an LR updater, an optimizer hook, a runner) stay in
the legacy import, which their own rule reports. Runs last: it also imports what the other
rules' rewrites need (``is_model_wrapper``, ``unwrap_model``). A downstream codebase's import
(``from mmdet.core import ...``) is left alone and reported. An import inside a function is
converted where it is; a legacy module used by attribute (``import mmcv.runner``,
``from mmcv import runner``) is ``_module_uses``'; a ``print_log`` call's logger and level
are ``_print_log``'s.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Set, Tuple

import libcst as cst

from migrate.hookcode.context import HookContext
from migrate.hookcode.import_edits import drop_imported, used_names
from migrate.hookcode.names import ADDED, is_legacy_module, new_home
from migrate.hookcode.recognise import dotted, import_module_name, top_level_imports
from migrate.hookcode.rules._module_uses import DropMarked, convert_module_uses, dropped_line
from migrate.hookcode.rules._print_log import PrintLogCalls, print_log_names
from migrate.hookcode.rules.base import HookRule

_DOWNSTREAM = ('mmdet', 'mmcls', 'mmseg', 'mmselfsup', 'mmpose', 'mmdet3d', 'mmocr',
               'mmaction', 'mmtrack', 'mmrotate', 'mmedit', 'mmgen', 'mmyolo')


def _alias(name: cst.ImportAlias) -> Tuple[str, str]:
    """(imported name, local name)."""
    imported = dotted(name.name)
    local = name.asname.name.value if name.asname is not None else imported
    return imported, local


def _import(module: str, names: List[Tuple[str, str]]) -> cst.SimpleStatementLine:
    aliases = [cst.ImportAlias(cst.Name(n), asname=cst.AsName(cst.Name(local))
                               if local != n else None) for n, local in names]
    aliases = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(' ')))
               for a in aliases[:-1]] + aliases[-1:]
    node = cst.ImportFrom(module=cst.parse_expression(module), names=aliases)
    return cst.SimpleStatementLine([node])


class _Rename(cst.CSTTransformer):
    def __init__(self, renamed: Dict[str, str]):
        super().__init__()
        self.renamed = renamed

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        return updated.with_changes(value=self.renamed.get(updated.value, updated.value))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)   # only the head of a dotted name is a local name
        return True

    def leave_Attribute(self, original, updated):
        return updated.with_changes(attr=original.attr)


def _import_logging(body: List[cst.BaseStatement]) -> List[cst.BaseStatement]:
    """``import logging`` first among the imports (after ``__future__`` ones), or after the
    module docstring, for print_log's loggers."""
    def is_import(s):
        return isinstance(s, cst.SimpleStatementLine) and \
            isinstance(s.body[0], (cst.Import, cst.ImportFrom))

    def is_future(s):
        return is_import(s) and isinstance(s.body[0], cst.ImportFrom) and \
            import_module_name(s.body[0]) == '__future__'

    new = cst.parse_statement('import logging\n')
    at = next((i for i, s in enumerate(body) if is_import(s) and not is_future(s)), None)
    if at is not None:
        new = new.with_changes(leading_lines=body[at].leading_lines)
        return body[:at] + [new, body[at].with_changes(leading_lines=[])] + body[at + 1:]
    at = 0
    while at < len(body) and (is_future(body[at]) or (at == 0 and isinstance(
            body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr))):
        at += 1
    return body[:at] + [new] + body[at:]


class _NestedImports(cst.CSTTransformer):
    """A ``from mmcv.runner import ...`` inside a function or class is converted where it is
    (code imports there to import lazily)."""

    def __init__(self, convert: Callable[[cst.SimpleStatementLine], List[cst.BaseStatement]]):
        super().__init__()
        self.convert = convert
        self.depth = 0

    def visit_FunctionDef(self, node) -> None:
        self.depth += 1

    def leave_FunctionDef(self, original, updated):
        self.depth -= 1
        return updated

    def visit_ClassDef(self, node) -> None:
        self.depth += 1

    def leave_ClassDef(self, original, updated):
        self.depth -= 1
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        if not self.depth:
            return updated
        out = self.convert(updated)
        return out[0] if len(out) == 1 else cst.FlattenSentinel(out)


class Imports(HookRule):
    id = 'HK001'
    name = 'hook-imports'
    summary = ('mmcv.runner/mmcv.parallel/mmcv.utils imports of hook names (at top level, '
               'inside functions, or used by attribute as mmcv.runner.<name>) come from the '
               'target (mmengine.* or engine.*); downstream imports are left and reported')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        body: List[cst.BaseStatement] = []
        imported: Set[str] = set()
        renamed: Dict[str, str] = {}
        module = convert_module_uses(module, ctx)
        names = print_log_names(module)
        calls = PrintLogCalls(ctx, names)
        if names:
            module = module.visit(calls)
        used = used_names(module)
        nested: Set[str] = set()   # imported inside a function: not for the module's needs
        module = module.visit(_NestedImports(
            lambda stmt: self._nested(stmt, ctx, nested, renamed, used)))
        module = module.visit(DropMarked())
        for stmt in module.body:
            new = self._statement(stmt, ctx, imported, renamed, used)
            body.extend(new)
        missing = sorted(n for n in ctx.needed if n not in imported)
        if missing:
            body = self._add(body, missing, ctx)
        if calls.needs_logging and 'logging' not in top_level_imports(module):
            body = _import_logging(body)
        module = module.with_changes(body=body)
        if renamed:
            module = module.visit(_Rename(renamed))
        return self._drop_unused_legacy(module, ctx)

    def _drop_unused_legacy(self, module: cst.Module, ctx: HookContext) -> cst.Module:
        """A legacy name left in its import (no new home) that nothing uses any more (a
        port rule replaced the base class it named) is dropped, and the import with it when
        it was the last name: a converted module must not need mmcv to import."""
        used = used_names(module)
        module, dropped, _ = drop_imported(
            module, lambda source, name, local: is_legacy_module(source) and local not in used)
        for source, gone in dropped:
            ctx.report(self.id, 'note', source,
                       f'from {source} import {", ".join(gone)}: no longer used by the '
                       'converted module, import dropped')
        return module

    def _nested(self, stmt, ctx, imported, renamed, used) -> List[cst.BaseStatement]:
        """A legacy import inside a function or class, converted; the names nothing uses any
        more are dropped there (with the statement when none is left, its comments kept)."""
        out = self._statement(stmt, ctx, imported, renamed, used)
        node = out[0].body[0] if isinstance(out[0], cst.SimpleStatementLine) \
            and len(out[0].body) == 1 else None
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar) \
                or not is_legacy_module(import_module_name(node)):
            return out
        keep = [a for a in node.names if _alias(a)[1] in used]
        gone = [_alias(a)[0] for a in node.names if _alias(a)[1] not in used]
        if not gone:
            return out
        source = import_module_name(node)
        ctx.report(self.id, 'note', source,
                   f'from {source} import {", ".join(gone)}: no longer used by the converted '
                   'module, import dropped')
        if not keep:
            return [dropped_line(out[0].leading_lines)] + out[1:]
        keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return [out[0].with_changes(body=[node.with_changes(
            names=keep, lpar=None if len(keep) < 3 else node.lpar,
            rpar=None if len(keep) < 3 else node.rpar)])] + out[1:]

    def _statement(self, stmt, ctx, imported, renamed, used) -> List[cst.BaseStatement]:
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 \
                or not isinstance(stmt.body[0], cst.ImportFrom):
            return [stmt]
        node = stmt.body[0]
        source = import_module_name(node)
        if source.split('.')[0] in _DOWNSTREAM:
            names = [] if isinstance(node.names, cst.ImportStar) else \
                [_alias(a)[0] for a in node.names]
            ctx.report(self.id, 'note', source,
                       f'from {source} import {", ".join(names) or "*"}: a downstream '
                       'codebase\'s names, left as written; their MMEngine-based versions '
                       'moved (e.g. mmdet.registry.HOOKS, mmdet.engine.hooks)')
            return [stmt]
        if not is_legacy_module(source) or isinstance(node.names, cst.ImportStar):
            if not isinstance(node.names, cst.ImportStar):
                imported.update(_alias(a)[1] for a in node.names)
            return [stmt]
        groups: Dict[str, List[Tuple[str, str]]] = {}
        kept: List[cst.ImportAlias] = []
        unused: List[str] = []
        for alias in node.names:
            name, local = _alias(alias)
            home = new_home(name, ctx.target)
            if home is None:
                kept.append(alias)
                continue
            if _alias(alias)[1] not in used:
                unused.append(name)   # nothing uses it any more (a port replaced its use)
                continue
            new_name, where = home
            if local == name:
                local = new_name
                if new_name != name:
                    renamed[name] = new_name
            groups.setdefault(where, []).append((new_name, local))
            imported.add(local)
        if not groups:
            return [stmt]
        ctx.report(self.id, 'note', source, f'from {source} import ' + ', '.join(
            _alias(a)[0] for a in node.names) + ' -> ' + '; '.join(
            f'from {m} import {", ".join(n for n, _ in names)}' for m, names in groups.items())
            + (f' ({", ".join(unused)}: no longer used, dropped)' if unused else ''))
        out: List[cst.BaseStatement] = []
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            out.append(stmt.with_changes(body=[node.with_changes(
                names=kept, lpar=None if len(kept) < 3 else node.lpar,
                rpar=None if len(kept) < 3 else node.rpar)]))
        for where, names in groups.items():
            out.append(_import(where, names))
        out[0] = out[0].with_changes(leading_lines=stmt.leading_lines)
        for i in range(1, len(out)):
            out[i] = out[i].with_changes(leading_lines=[])
        # a comment at the end of the line stays with it
        out[-1] = out[-1].with_changes(trailing_whitespace=stmt.trailing_whitespace)
        return out

    def _add(self, body, missing, ctx) -> List[cst.BaseStatement]:
        last = max((i for i, s in enumerate(body) if isinstance(s, cst.SimpleStatementLine)
                    and isinstance(s.body[0], (cst.Import, cst.ImportFrom))), default=-1)
        new = []
        for name in missing:
            where = ADDED[name][ctx.target]
            # one more name on an import from the same module, if there is one
            for i, s in enumerate(body):
                if isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.ImportFrom) \
                        and import_module_name(s.body[0]) == where \
                        and not isinstance(s.body[0].names, cst.ImportStar):
                    names = [_alias(a) for a in s.body[0].names] + [(name, name)]
                    body[i] = _import(where, names).with_changes(leading_lines=s.leading_lines)
                    break
            else:
                same = [j for j, s in enumerate(new) if import_module_name(s.body[0]) == where]
                if same:   # two added names from one module share one import
                    new[same[0]] = _import(where, [_alias(a) for a in new[same[0]].body[0].names]
                                           + [(name, name)])
                else:
                    new.append(_import(where, [(name, name)]))
        return body[:last + 1] + new + body[last + 1:]
