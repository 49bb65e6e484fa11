"""Which keys' statements the rewriter can remove, and which it must leave as written.

The rewriter removes a converted key by dropping its plain top-level statements (``key = ...``)
and by writing its value wherever a kept statement *reads* it. Any other use of the name in a
kept statement cannot be rewritten that way: substituting a value into an assignment target,
a ``del``, a ``for`` target or a parameter gives invalid Python (or code that means something
else). A key bound like that (inside an ``if``/``for``/``with``/``try`` block, by tuple
unpacking, ``:=``, ``del``, next to other statements on one line, ...) is therefore left in
the file as written, and the caller reports it.

An in-place edit that does nothing else (``optimizer['lr'] = 0.02``, ``optimizer.update(...)``)
is already part of the key's evaluated value, so it goes with the key.

Python's own parser does the walk (a CST visit of every statement costs far more); its
top-level nodes are matched to the module's statements the way the rewriter's splice does.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from migrate.convert.rewrite import removable

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp,
           ast.SetComp, ast.DictComp, ast.GeneratorExp)
_BLOCKS = {ast.If: 'an `if` block', ast.For: 'a `for` loop', ast.AsyncFor: 'a `for` loop',
           ast.While: 'a `while` loop', ast.With: 'a `with` block',
           ast.AsyncWith: 'a `with` block', ast.Try: 'a `try` block',
           ast.FunctionDef: 'a function', ast.AsyncFunctionDef: 'a function',
           ast.ClassDef: 'a class'}
if hasattr(ast, 'TryStar'):
    _BLOCKS[ast.TryStar] = 'a `try` block'
if hasattr(ast, 'Match'):
    _BLOCKS[ast.Match] = 'a `match` block'


@dataclass
class Kept:
    """A key whose statements stay as written: ``how`` it is bound there, on ``line``."""

    key: str
    index: int          # the top-level statement (index in module.body) that binds it
    line: int
    how: str


@dataclass
class Removal:
    """What the rewriter may remove: ``keys`` (their plain statements go) and the extra
    top-level statements ``drop`` (in-place edits of those keys); ``kept`` are the keys asked
    for that must stay."""

    keys: Set[str]
    drop: Set[int] = field(default_factory=set)
    kept: Dict[str, Kept] = field(default_factory=dict)
    parsed: Optional[List[ast.stmt]] = None   # the file's ``ast.parse(text).body``


def plan_removal(module: cst.Module, text: str, keys: Set[str]) -> Removal:
    """Split ``keys`` (the keys the converter wants out of the file) into those whose
    statements can go and those that must stay; see the module docstring."""
    keys = set(keys)
    try:
        parsed = ast.parse(text).body
    except (SyntaxError, ValueError):
        return Removal(keys)   # the caller's compile check still guards the output
    statements = _statements(module, parsed)
    if statements is None or not keys:
        return Removal(keys, parsed=parsed)
    pattern = re.compile(r'\b(?:' + '|'.join(map(re.escape, sorted(keys))) + r')\b')
    lines = text.splitlines()
    touched = []
    for index, (stmt, nodes) in enumerate(statements):
        first, last = nodes[0].lineno, max(n.end_lineno or n.lineno for n in nodes)
        decorators = [d.lineno for n in nodes for d in getattr(n, 'decorator_list', ())]
        first = min([first] + decorators)
        segment = '\n'.join(lines[first - 1:last])
        if pattern.search(segment):
            # most are plain ``key = dict(...)``: only a ``:=`` in them needs a walk
            walk = ':=' in segment or not (len(nodes) == 1 and _plain_targets(nodes[0]))
            touched.append((index, stmt, nodes, [_uses(n) for n in nodes] if walk else None))
    kept: Dict[str, Kept] = {}
    while True:   # keeping a key can make a shared statement unremovable: to a fixed point
        found, drop = _unsafe(touched, keys)
        if not found:
            return Removal(keys, drop, kept, parsed)
        for key, why in found.items():
            kept.setdefault(key, why)
        keys -= set(found)


def _unsafe(touched, keys: Set[str]) -> Tuple[Dict[str, Kept], Set[int]]:
    found: Dict[str, Kept] = {}
    drop: Set[int] = set()

    def keep(key: str, index: int, line: int, how: str) -> None:
        found.setdefault(key, Kept(key, index, line, how))

    for index, stmt, nodes, uses in touched:
        if uses is None:   # a plain assignment, no ``:=``: it binds its targets only
            if removable(stmt, keys):
                continue
            uses = [_uses(nodes[0])]
        if removable(stmt, keys):
            # ``a = (b := 1)``: removing the line would lose ``b``
            lost = {name for use in uses for name, _, _ in use.binds} - keys
            if lost:
                for name in _plain_targets(nodes[0]) & keys:
                    keep(name, index, nodes[0].lineno,
                         f'assigned by a statement that also binds {", ".join(sorted(lost))}')
            continue
        single = len(nodes) == 1
        for node, use in zip(nodes, uses):
            for name, line, how in use.binds + use.shadows:
                if name in keys:
                    keep(name, index, line, how if single else 'bound on a line that holds '
                         'other statements too (`;`)')
            edited = {name for name, _ in use.edits} & keys
            if not edited:
                continue
            if single and use.pure_edit and len(edited) == 1 and not use.binds \
                    and {name for name, _ in use.edits} == edited:
                drop.add(index)   # its effect is already in the key's value
                continue
            for name, line in use.edits:
                if name in keys:
                    keep(name, index, line, _edit_how(node, single))
    return found, drop


def _edit_how(node: ast.AST, single: bool) -> str:
    if not single:
        return 'edited on a line that holds other statements too (`;`)'
    block = _BLOCKS.get(type(node))
    if block:
        return f'edited inside {block}'
    return 'edited in place by a statement that does more than that'


@dataclass
class _Uses:
    """How one top-level node uses names other than reading them."""

    binds: List[Tuple[str, int, str]] = field(default_factory=list)     # leak into the module
    shadows: List[Tuple[str, int, str]] = field(default_factory=list)   # local names, params
    edits: List[Tuple[str, int]] = field(default_factory=list)          # in-place edits
    pure_edit: bool = False


def _uses(top: ast.AST) -> _Uses:
    uses = _Uses()
    block = _BLOCKS.get(type(top))
    uses.pure_edit = block is None and _is_pure_edit(top)
    _visit(top, False, top, block, uses)
    return uses


def _visit(node: ast.AST, local: bool, top: ast.AST, block: Optional[str],
           uses: _Uses) -> None:
    """Record ``node``'s non-reading uses of names in ``uses``; ``local``: inside a nested
    scope (a def, class, lambda or comprehension), whose names do not reach the module."""
    def how(default: str) -> str:
        return f'bound inside {block}' if block else default

    names = uses.shadows if local else uses.binds
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.append((node.name, node.lineno, 'defined by `def`/`class`' if node is top
                      else how('defined by `def`/`class`')))
    elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        if isinstance(node.ctx, ast.Del):
            kind = 'deleted with `del`'
        elif local:
            kind = 'a local name (of a comprehension, lambda, def or class)'
        else:
            kind = how(_store_how(top, node))
        names.append((node.id, node.lineno, kind))
    elif isinstance(node, ast.NamedExpr):
        # ``:=`` binds in the enclosing function or module, even inside a comprehension
        uses.binds.append((node.target.id, node.lineno, how('bound by `:=`')))
        _visit(node.value, local, top, block, uses)
        return
    elif isinstance(node, ast.arg):
        uses.shadows.append((node.arg, node.lineno, 'a parameter name'))
    elif isinstance(node, ast.alias):
        names.append(((node.asname or node.name).split('.')[0],
                      getattr(node, 'lineno', top.lineno), how('imported')))
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        for name in node.names:
            uses.shadows.append((name, node.lineno, 'declared `global`/`nonlocal`'))
    elif isinstance(node, ast.ExceptHandler) and node.name:
        names.append((node.name, node.lineno, how('bound by `except ... as`')))
    elif hasattr(ast, 'MatchAs') and isinstance(node, (ast.MatchAs, ast.MatchStar)) \
            and node.name:
        names.append((node.name, node.lineno, how('bound by a `case` pattern')))
    elif hasattr(ast, 'MatchMapping') and isinstance(node, ast.MatchMapping) and node.rest:
        names.append((node.rest, node.lineno, how('bound by a `case` pattern')))
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) \
            else [node.target]
        for target in targets:
            root = _edited_root(target)
            if root is not None:
                uses.edits.append((root, target.lineno))
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
            isinstance(node.value.func, ast.Attribute):
        root = _root(node.value.func.value)
        if root is not None:
            uses.edits.append((root, node.lineno))
    # a def's decorators and defaults run in the enclosing scope: counting them as local
    # only ever keeps more keys as written
    inner = local or isinstance(node, _SCOPES)
    for child in ast.iter_child_nodes(node):
        _visit(child, inner, top, block, uses)


def _store_how(top: ast.AST, name: ast.Name) -> str:
    if isinstance(top, ast.Assign) and name not in [t for t in top.targets]:
        return 'bound by tuple unpacking'
    if isinstance(top, ast.Assign):
        return 'assigned together with other names (`a = b = ...`)'
    if isinstance(top, ast.AugAssign):
        return 'updated with an augmented assignment'
    return 'bound by this statement'


def _is_pure_edit(node: ast.AST) -> bool:
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute)
    if isinstance(node, (ast.Assign, ast.Delete)):
        return all(_edited_root(t) is not None for t in node.targets)
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return _edited_root(node.target) is not None and (
            not isinstance(node, ast.AnnAssign) or node.value is not None)
    return False


def _edited_root(target: ast.AST) -> Optional[str]:
    """``a['b'].c = ...`` edits ``a``; a plain name or a tuple is a binding, not an edit."""
    if isinstance(target, (ast.Subscript, ast.Attribute)):
        return _root(target.value)
    return None


def _root(node: ast.AST) -> Optional[str]:
    while isinstance(node, (ast.Subscript, ast.Attribute, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _plain_targets(node: ast.AST) -> Set[str]:
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


def _statements(module: cst.Module, nodes: List[ast.stmt]
                ) -> Optional[List[Tuple[cst.CSTNode, List[ast.stmt]]]]:
    """Each top-level statement with the Python AST nodes it holds (a line with ``;`` holds
    several); None when the two parsers disagree (never seen: the file parsed with both)."""
    out, k = [], 0
    for stmt in module.body:
        n = len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
        if k + n > len(nodes):
            return None
        out.append((stmt, nodes[k:k + n]))
        k += n
    return out if k == len(nodes) else None
