"""HK001 for legacy modules used by attribute: ``import mmcv.runner``, ``import mmcv.runner as
mr``, ``from mmcv import runner``, ``from mmcv.runner import hooks``. A use that names a legacy
name with a new home (``mmcv.runner.get_dist_info()``, ``runner.hooks.Hook``) becomes that name,
imported from the target where the legacy module was imported (at top level or inside the
function), used through its module as the legacy one was (``mmengine.dist.get_dist_info()``:
a bare name could meet a local of the same name); the legacy import goes once nothing uses it.
A name with no known counterpart stays as written, marked."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from migrate.hookcode.context import HookContext, add_comment, marker
from migrate.hookcode.names import FRAMEWORK, NEW_HOME, is_legacy_module, new_home
from migrate.hookcode.recognise import dotted, import_module_name

RULE = 'HK001'

#: submodules of mmcv.runner/parallel/utils a use may go through before the name
SUBMODULES = frozenset((
    'runner', 'parallel', 'utils', 'hooks', 'hook', 'dist_utils', 'priority', 'logger',
    'logging', 'registry', 'misc', 'base_runner', 'epoch_based_runner', 'iter_based_runner',
    'checkpoint', 'fp16_utils', 'data_parallel', 'distributed', 'evaluation', 'optimizer',
    'lr_updater', 'momentum_updater', 'iter_timer', 'data_container', 'collate',
    'scatter_gather'))


def _module_path(path: str) -> bool:
    """``mmcv.runner``, ``mmcv.runner.hooks``...: a legacy module reached by attribute."""
    segs = path.split('.')
    return segs[0] == 'mmcv' and len(segs) > 1 and all(s in SUBMODULES for s in segs[1:]) \
        and is_legacy_module(path)


def _legacy_name(path: str) -> Optional[Tuple[str, str]]:
    """(legacy module, name) for ``mmcv.runner.hooks.Hook``-like paths, else None."""
    owner, _, name = path.rpartition('.')
    if not owner or not _module_path(owner) or (name in SUBMODULES and name not in NEW_HOME):
        return None
    return owner, name


@dataclass
class _Binding:
    """A local name an import binds to a legacy module (or to ``mmcv``)."""

    base: str                         # the module the local name stands for
    statement: int                    # id() of the import's statement line
    nested: bool                      # inside a function
    needs: Set[str] = field(default_factory=set)   # the target modules its uses now name
    moved: Dict[str, str] = field(default_factory=dict)   # legacy use -> what it is now
    left: int = 0                     # uses the conversion leaves


def _bindings_of(node: cst.BaseSmallStatement) -> List[Tuple[str, str]]:
    """(local name, module) for the legacy modules an import statement binds."""
    out = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            name = dotted(alias.name)
            if not (name == 'mmcv' or _module_path(name)):
                continue
            if alias.asname is not None:
                if isinstance(alias.asname.name, cst.Name) and _module_path(name):
                    out.append((alias.asname.name.value, name))
            else:
                out.append(('mmcv', 'mmcv'))
    elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        source = import_module_name(node)
        for alias in node.names:
            name = dotted(alias.name)
            if _module_path(f'{source}.{name}'):
                local = alias.asname.name.value if alias.asname is not None and \
                    isinstance(alias.asname.name, cst.Name) else name
                out.append((local, f'{source}.{name}'))
    return out


class _Locals(cst.CSTVisitor):
    """The names a function binds other than by import: parameters (its own and its lambdas'),
    assignment, for, with and comprehension targets."""

    def __init__(self):
        super().__init__()
        self.names: Set[str] = set()

    def visit_Param(self, node: cst.Param) -> None:
        self.names.add(node.name.value)

    def _targets(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            self.names.add(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._targets(element.value)
        elif isinstance(node, cst.StarredElement):
            self._targets(node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._targets(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._targets(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target)

    def visit_Import(self, node: cst.Import) -> bool:
        return False   # an import binds the module itself

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False


class _Scoped:
    """Tracks function scopes whose parameters shadow a bound local name (``runner`` is both
    ``from mmcv import runner`` and every hook method's parameter)."""

    def _init_scopes(self, heads: Set[str]) -> None:
        self.heads = heads
        self.shadowed: List[Set[str]] = []
        self.depth = 0

    def _enter(self, node: cst.FunctionDef) -> None:
        locals_ = _Locals()
        node.params.visit(locals_)
        node.body.visit(locals_)
        self.shadowed.append(locals_.names & self.heads)
        self.depth += 1

    def _leave(self) -> None:
        self.shadowed.pop()
        self.depth -= 1

    def _visible(self, head: str) -> bool:
        return not any(head in s for s in self.shadowed)


class _Collect(cst.CSTVisitor, _Scoped):
    """Pass 1: which imports bind legacy modules."""

    def __init__(self):
        super().__init__()
        self._init_scopes(set())
        self.bindings: Dict[str, _Binding] = {}
        self.ambiguous: Set[str] = set()
        self._line: Optional[cst.SimpleStatementLine] = None

    def visit_FunctionDef(self, node):
        self._enter(node)

    def leave_FunctionDef(self, node):
        self._leave()

    def visit_SimpleStatementLine(self, node):
        self._line = node

    def visit_Import(self, node):
        self._bind(node)
        return False

    def visit_ImportFrom(self, node):
        self._bind(node)
        return False

    def _bind(self, node) -> None:
        for local, base in _bindings_of(node):
            old = self.bindings.get(local)
            if old is not None and (old.base != base or old.statement != id(self._line)):
                self.ambiguous.add(local)
            self.bindings.setdefault(local, _Binding(base, id(self._line), self.depth > 0))


class _Uses(cst.CSTTransformer, _Scoped):
    """Pass 2 (``rewrite`` False: count only) and pass 3 (rewrite): the uses of the bound names."""

    def __init__(self, ctx: HookContext, bindings: Dict[str, _Binding], rewrite: bool,
                 provided: Set[str] = frozenset()):
        super().__init__()
        self._init_scopes(set(bindings))
        self.ctx, self.bindings, self.rewrite = ctx, bindings, rewrite
        self.provided = provided   # names a top-level from-import gives the converted module
        self._notes: List[List[str]] = []

    def visit_FunctionDef(self, node):
        self._enter(node)

    def leave_FunctionDef(self, original, updated):
        self._leave()
        return updated

    def visit_Import(self, node):
        return False

    def visit_ImportFrom(self, node):
        return False

    def visit_SimpleStatementLine(self, node):
        self._notes.append([])

    def leave_SimpleStatementLine(self, original, updated):
        notes = self._notes.pop()
        for text in notes:
            updated = add_comment(updated, marker(RULE, text))
        return self._imports(original, updated)

    def visit_Name(self, node: cst.Name) -> None:
        binding = self.bindings.get(node.value)
        if binding is not None and self._visible(node.value) and not self.rewrite:
            binding.left += 1   # a use of the module itself, or one not converted

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return self._target(node) is None   # a converted use: its head is not a use left

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        target = self._target(original)
        if target is None:
            return updated
        head, path, (module, name) = target
        home = new_home(name, self.ctx.target)
        if home is None:
            return updated
        if self.rewrite:
            return cst.parse_expression(f'{home[1]}.{home[0]}')
        self.bindings[head].needs.add(home[1])
        self.bindings[head].moved[path] = f'{home[1]}.{home[0]}'
        return updated

    def _target(self, node: cst.Attribute):
        path = dotted(node)
        head = path.split('.')[0]
        binding = self.bindings.get(head)
        if not path or binding is None or not self._visible(head):
            return None
        full = binding.base + path[len(head):]
        split = _legacy_name(full)
        if split is None:
            return None
        if new_home(split[1], self.ctx.target) is None:
            if split[1] not in FRAMEWORK:   # a subclassed framework class: its rule says it
                text = (f'{full} has no {self.ctx.target} counterpart the converter knows: left '
                        'as written, so this line still needs MMCV 1.x (MMEngine moved the '
                        'runner, hook, dist and model utilities to mmengine.runner, '
                        'mmengine.hooks, mmengine.dist and mmengine.model)')
                if not self.rewrite:
                    self.ctx.report(RULE, 'manual', full, text)
                elif self._notes and text not in self._notes[-1]:
                    self._notes[-1].append(text)
            return None
        return head, full, split

    # -- the import statements ----------------------------------------------------------------
    def _imports(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if not self.rewrite:
            return updated
        mine = {local: b for local, b in self.bindings.items() if b.statement == id(original)}
        if not mine:
            return updated
        body, dropped, added = [], [], []
        for small in updated.body:
            bound = [local for local, _ in _bindings_of(small) if local in mine]
            gone = [local for local in bound if mine[local].left == 0]
            if not gone:
                body.append(small)
                continue
            dropped.append(cst.Module([]).code_for_node(small))
            kept = [a for a in small.names if _alias_local(a) not in gone]
            if kept:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                body.append(small.with_changes(names=kept))
        for binding in mine.values():
            added.extend(m for m in sorted(binding.needs) if m not in added
                         and (binding.nested or m not in self.provided))
        if not dropped and not added:
            return updated
        out: List[cst.BaseStatement] = []
        if body:
            out.append(updated.with_changes(body=[
                s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) if i == len(body) - 1 else s
                for i, s in enumerate(body)]))
        out.extend(cst.parse_statement(f'import {where}\n') for where in added)
        legacy = '; '.join(cst.Module([]).code_for_node(small).strip().rstrip(';')
                           for small in original.body)
        self._report(mine, legacy, bool(body))
        if not out:   # removed by DropMarked, its comments kept
            out = [dropped_line([])]
        out[0] = out[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(out) if len(out) > 1 else out[0]

    def _report(self, mine: Dict[str, _Binding], legacy: str, kept: bool) -> None:
        moved = {}
        for binding in mine.values():
            moved.update(binding.moved)
        if moved:
            text = f'{legacy}: ' + ', '.join(f'{a} -> {b}' for a, b in sorted(moved.items()))
            text += ' (the import kept for its other uses)' if kept else ''
        else:
            text = f'{legacy}: no longer used by the converted module, dropped'
        self.ctx.report(RULE, 'note', next(iter(mine.values())).base, text)


_DROP = '__migrate_dropped_import__'


def dropped_line(leading_lines) -> cst.SimpleStatementLine:
    """A placeholder for a removed import: DropMarked takes it out, its comments moved on."""
    return cst.SimpleStatementLine([cst.Expr(cst.Name(_DROP))], leading_lines=leading_lines)


def _dropped(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and \
        isinstance(stmt.body[0], cst.Expr) and isinstance(stmt.body[0].value, cst.Name) and \
        stmt.body[0].value.value == _DROP


def _without_dropped(body, empty_ok: bool):
    out, carried = [], []
    for stmt in body:
        if _dropped(stmt):
            carried.extend(stmt.leading_lines)
            continue
        if carried:
            stmt = stmt.with_changes(leading_lines=carried + list(stmt.leading_lines))
            carried = []
        out.append(stmt)
    if not out and not empty_ok:
        out = [cst.SimpleStatementLine([cst.Pass()], leading_lines=carried)]
    return out


class DropMarked(cst.CSTTransformer):
    """Removes the imports nothing uses any more, their comments moved to the next line."""

    def leave_IndentedBlock(self, original, updated):
        return updated.with_changes(body=_without_dropped(updated.body, False))

    def leave_Module(self, original, updated):
        return updated.with_changes(body=_without_dropped(updated.body, True))


def _provided(module: cst.Module) -> Set[str]:
    """The modules the module imports whole at top level (``import mmengine.dist``)."""
    names: Set[str] = set()
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    names.update(dotted(a.name) for a in small.names if a.asname is None)
    return names


def _alias_local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return dotted(alias.name).split('.')[0] if isinstance(alias, cst.ImportAlias) else ''


def convert_module_uses(module: cst.Module, ctx: HookContext) -> cst.Module:
    """The module with its legacy module-style uses converted, each new import where the
    legacy module was imported."""
    collect = _Collect()
    module.visit(collect)
    bindings = {k: v for k, v in collect.bindings.items() if k not in collect.ambiguous}
    if not bindings:
        return module
    module.visit(_Uses(ctx, bindings, rewrite=False))
    module = module.visit(_Uses(ctx, bindings, rewrite=True,
                                provided=_provided(module)))
    return module.visit(DropMarked())
