"""Load a legacy config and its ``_base_`` tree statically: :func:`load_config_tree`.

Each file is read and parsed once per content (a loader caches parses by path, mtime and size,
and whole trees until one of their files changes), so converting a directory whose leaves
share bases parses every base once.
"""
from __future__ import annotations

import ast
import os.path as osp
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import libcst as cst

from .budget import WorkBudget, using
from .errors import StaticConfigError
from .evaluator import Evaluator
from .executor import StatementRunner
from .known import KnownFunction, Unknown
from .merge import combine_bases, merge_tree, substitute_base_vars
from .source import (ParsedSource, SourceCache, Stamp, detect_newline, file_stamp, line_of,
                     parse_config_text, split_bare_cr)
from .values import FunctionValue, ModuleValue, Opaque, detached_copy, fresh_copy

BASE_KEY = '_base_'
DEPRECATION_KEY = '_deprecation_'
RESERVED_KEYS = ('filename', 'text', 'pretty_text')


class ConfigFile:
    """One legacy config file as read statically.

    Attributes:
        path: absolute path. text: the file's text as written. newline: '\\n' or '\\r\\n'.
        module: the libcst Module parsed from ``text`` (``module.code == text``).
        base_paths: absolute paths of its ``_base_`` files, in order.
        own: its own top-level keys, evaluated, in MMCV's order (``_base_`` and
            ``_deprecation_`` left out; ``_delete_`` kept; ``{{_base_.x}}`` substituted).
        statements: key -> the top-level statement that last bound it (a SimpleStatementLine,
            several keys may share one; or the compound statement, e.g. an ``if``, that did).
            Also holds ``_base_``/``_deprecation_`` when present.
        mutations: key -> top-level statements that later edited its value in place
            (``model['backbone']['depth'] = 101``, ``train_pipeline.append(...)``).
        side_effects: (line, code, what) of the imports and calls MMCV would run when loading
            the file beyond building values (``os.system(...)``, ``open(...)``,
            ``import torch``), in line order; the reader ran none of them.
    """

    def __init__(self, source: ParsedSource, base_paths: List[str], own: Dict[str, Any],
                 statements: Dict[str, cst.CSTNode], mutations: Dict[str, List[cst.CSTNode]],
                 side_effects: Sequence[Tuple[int, str, str]] = ()):
        self.path = source.path
        self.text = source.text
        self.newline = source.newline
        self.module = source.module
        self.base_paths = base_paths
        self._own = own  # shared with the merged views of the trees; never handed out
        self._own_copy: Optional[dict] = None
        self.statements = statements
        self.mutations = mutations
        self.side_effects = list(side_effects)
        self._positions: list = [None]

    @property
    def own(self) -> Dict[str, Any]:
        if self._own_copy is None:
            self._own_copy = detached_copy(self._own)
        return self._own_copy

    def expr(self, path: Sequence) -> Optional[cst.BaseExpression]:
        """The node written for ``path`` in this file's last assignment of ``path[0]``.

        ``expr(('optimizer', 'lr'))`` on ``optimizer = dict(type='SGD', lr=0.02)`` -> the
        ``Float`` node ``0.02``. Walks ``dict(...)`` keywords, ``{...}`` string keys and list or
        tuple indexes; None when the key is not written there as a literal entry.
        """
        if not path:
            return None
        node = _assigned_value(self.statements.get(path[0]), path[0])
        for key in path[1:]:
            if node is None:
                return None
            node = _entry(node, key)
        return node

    def line_of(self, node: cst.CSTNode) -> Optional[int]:
        """1-based line of a node of ``module`` (None for a node not in it)."""
        return line_of(self.module, node, self._positions)

    def __repr__(self) -> str:
        return f'ConfigFile({self.path!r})'


class ConfigTree:
    """A config file with its bases, merged the MMCV 1.x way.

    ``merged`` is what ``mmcv.Config.fromfile(path)`` holds; ``base_merged`` what the file
    inherits ({} without bases); ``bases`` the trees of its direct bases. Both dicts are copies
    made on first access, shared by later accesses (trees are cached): copy one before changing
    it if the tree may be loaded again.
    """

    def __init__(self, file: ConfigFile, bases: List['ConfigTree'], base_merged: dict,
                 merged: dict, stamps: Dict[str, Stamp]):
        self.file = file
        self.bases = bases
        # structure shared with the bases' trees and the file's own keys: never handed out
        self._base_merged = base_merged
        self._merged = merged
        self._copies: Dict[str, dict] = {}
        self.stamps = stamps

    @property
    def merged(self) -> Dict[str, Any]:
        if 'merged' not in self._copies:
            self._copies['merged'] = detached_copy(self._merged)
        return self._copies['merged']

    def merged_copying(self, keys) -> Dict[str, Any]:
        """The merged view with only the values of ``keys`` copied; the others are the tree's
        own (shared with the bases' trees and later loads): the caller must not change them.
        For readers that change a few keys only (the converter's rules: runtime keys)."""
        return {k: detached_copy(v) if k in keys else v for k, v in self._merged.items()}

    @property
    def base_merged(self) -> Dict[str, Any]:
        if 'base' not in self._copies:
            self._copies['base'] = detached_copy(self._base_merged)
        return self._copies['base']

    def files(self) -> List[ConfigFile]:
        """This file then every file of its bases, depth first, each once."""
        seen: Dict[str, ConfigFile] = {}
        stack = [self]
        while stack:
            tree = stack.pop()
            seen.setdefault(tree.file.path, tree.file)
            stack.extend(reversed(tree.bases))
        return list(seen.values())

    def __repr__(self) -> str:
        return f'ConfigTree({self.file.path!r}, bases={[b.file.path for b in self.bases]})'


class ConfigLoader:
    """Loads config trees with caches shared between calls (one per converter run).

    With ``check_changes=True`` (the default) a cached tree is reused only while none of its
    files changed (mtime and size); a one-shot run over a directory can pass False to skip
    those checks.
    """

    def __init__(self, check_changes: bool = True):
        self.sources = SourceCache()
        self.check_changes = check_changes
        self._trees: Dict[str, ConfigTree] = {}

    def load(self, path: str) -> ConfigTree:
        return self._load(osp.abspath(osp.expanduser(str(path))), ())

    def clear(self) -> None:
        self.sources.clear()
        self._trees.clear()

    def release(self, path: str) -> None:
        """Drop the cached tree and parse of ``path`` (loaded again on the next request);
        trees of other files that use it as a base keep theirs."""
        path = osp.abspath(osp.expanduser(str(path)))
        self._trees.pop(path, None)
        self.sources.discard(path)

    def _fresh(self, tree: ConfigTree) -> bool:
        if not self.check_changes:
            return True
        try:
            return all(file_stamp(p) == s for p, s in tree.stamps.items())
        except OSError:
            return False

    def _load(self, path: str, stack: Tuple[str, ...]) -> ConfigTree:
        cached = self._trees.get(path)
        if cached is not None and self._fresh(cached):
            return cached
        if not path.endswith('.py'):
            raise StaticConfigError('only Python (.py) configs can be read statically',
                                    file=path, fix='convert the config to a .py file')
        stamp, source = self.sources.get(path)
        tree = _FileLoad(self, source, stack + (path,)).run(stamp)
        self._trees[path] = tree
        return tree


class _FileLoad:
    """Evaluates one file; loads its bases when ``_base_.x`` needs them or at the end."""

    def __init__(self, loader: ConfigLoader, source: ParsedSource, stack: Tuple[str, ...]):
        self.loader = loader
        self.source = source
        self.stack = stack
        self.namespace: Dict[str, Any] = {}
        self.budget = WorkBudget(source.path)
        self.ev = Evaluator(source.module, self.namespace, self._base_value,
                            lambda: _templates(source.path), self.budget)
        self._bases: Optional[Tuple[list, list, dict]] = None

    def run(self, stamp: Stamp) -> ConfigTree:
        try:
            with using(self.budget):
                return self._run(stamp)
        finally:
            # the evaluator calls back into this object: without this, each file's load is
            # a reference cycle that only the cycle collector (off while converting) frees
            self.ev = None

    def _run(self, stamp: Stamp) -> ConfigTree:
        runner = StatementRunner(self.ev)
        runner.run(self.source.module)
        ns = self.namespace
        keys = {k: _key_value(k, v) for k, v in ns.items() if _is_key(k, v)}
        statements = {k: v for k, v in runner.statements.items() if k in keys}
        mutations = {k: v for k, v in runner.mutations.items() if k in keys}
        own = {k: v for k, v in keys.items() if k not in (BASE_KEY, DEPRECATION_KEY)}
        if BASE_KEY in keys:
            paths, trees, base = self._load_bases(keys[BASE_KEY], runner.statements[BASE_KEY])
            own = substitute_base_vars(own, base, self.source.path)
        else:
            paths, trees = [], []
            own = substitute_base_vars(own, None, self.source.path)
        reserved = [k for k in RESERVED_KEYS if k in own]
        if reserved:
            raise StaticConfigError(
                f'{reserved[0]!r} is reserved by MMCV\'s Config and cannot be a config key',
                file=self.source.path, key=reserved[0], fix='rename the key')
        base_merged, merged = merge_tree(own, [t._merged for t in trees], paths,
                                         self.source.path)
        stamps = {self.source.path: stamp}
        for t in trees:
            stamps.update(t.stamps)
        file = ConfigFile(self.source, paths, own, statements, mutations,
                          _side_effects(self.ev, runner))
        return ConfigTree(file, trees, base_merged, merged, stamps)

    # -- bases -----------------------------------------------------------------------------
    def _load_bases(self, spec: Any, stmt: Optional[cst.CSTNode]):
        if self._bases is None:
            paths = self._resolve(spec, stmt)
            trees = [self.loader._load(p, self.stack) for p in paths]
            base = combine_bases([t._merged for t in trees], paths, self.source.path)
            self._bases = (paths, trees, base)
        return self._bases

    def _resolve(self, spec: Any, stmt: Optional[cst.CSTNode]) -> List[str]:
        file = self.source.path

        def line():  # only errors need it (positions cost a walk of the whole file)
            return self.ev.line_of(stmt) if stmt is not None else None

        items = spec if isinstance(spec, list) else [spec]
        if not all(isinstance(p, str) for p in items):
            raise StaticConfigError(
                '_base_ cannot be read statically (it must be a path or a list of paths)',
                file=file, line=line(), key=BASE_KEY,
                fix="write _base_ as a string or a list of strings, e.g. ['../_base_/x.py']")
        paths = []
        for item in items:
            full = osp.abspath(osp.expanduser(osp.join(osp.dirname(file), item)))
            if full in self.stack:
                raise StaticConfigError(f'base {item!r} includes this file again (a cycle)',
                                        file=file, line=line(), key=BASE_KEY,
                                        fix='remove the cycle from the _base_ chain')
            known = not self.loader.check_changes and full in self.loader._trees
            if not known and not osp.isfile(full):
                raise StaticConfigError(
                    f'base config {item!r} does not exist (looked for {full})', file=file,
                    line=line(), key=BASE_KEY,
                    fix='correct the path in _base_ (it is relative to the file)')
            paths.append(full)
        return paths

    def _base_value(self, path: tuple, node: cst.CSTNode) -> Any:
        """``_base_.a.b`` (MMEngine style): the value of ``a.b`` in the merged bases."""
        if BASE_KEY in self.namespace:
            spec, stmt = self.namespace[BASE_KEY], None
        else:
            spec, stmt = _first_base_assignment(self.source.module)
        if spec is None:
            raise StaticConfigError(
                f'_base_.{".".join(path)} is used but the file has no _base_',
                file=self.source.path, line=self.ev.line_of(node), key='.'.join(path),
                fix='add _base_ = [...] before this line or write the value itself')
        _, _, base = self._load_bases(spec, stmt)
        value: Any = base
        for i, key in enumerate(path):
            if not isinstance(value, dict) or key not in value:
                raise StaticConfigError(
                    f'_base_.{".".join(path)}: the bases do not define '
                    f'{".".join(path[:i + 1])!r}', file=self.source.path,
                    line=self.ev.line_of(node), key='.'.join(path),
                    fix='correct the name or define the key in a base')
            value = value[key]
        return fresh_copy(value)


def _side_effects(ev: Evaluator, runner: StatementRunner) -> List[Tuple[int, str, str]]:
    found = [(node, 'import') for node in runner.imports]
    found += [(node, 'call') for node in ev.unknown_calls.values()]
    out = []
    for node, what in found:
        code = ' '.join(ev.code(node).split())
        out.append((ev.line_of(node) or 0, code if len(code) <= 80 else code[:77] + '...', what))
    return sorted(set(out))


def _first_base_assignment(module: cst.Module):
    """(value, statement) of the first top-level ``_base_ = <literal>`` (MMEngine's rule)."""
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if (isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name)
                    and small.targets[0].target.value == BASE_KEY):
                ev = Evaluator(module, {}, _no_bases, dict)
                value = ev.value_or_opaque(small.value)
                return (None if isinstance(value, Opaque) else value), stmt
    return None, None


def _is_key(name: str, value: Any) -> bool:
    """MMCV keeps every module-level name but dunders, modules and Python functions."""
    if name.startswith('__') or isinstance(value, (ModuleValue, FunctionValue)):
        return False
    return not (isinstance(value, KnownFunction) and value.python_function)


def _key_value(name: str, value: Any) -> Any:
    # a builtin bound to a name (`f = len`) is a key in MMCV, with a value we do not model;
    # so is a half-consumed iterator (`g = (i for i in r)`)
    if isinstance(value, KnownFunction):
        return Opaque(value.name)
    if isinstance(value, Iterator):
        return Opaque(name)
    return value


def _no_bases(path, node):
    raise Unknown('_base_')


def _templates(path: str) -> Dict[str, str]:
    """MMCV's predefined ``{{ fileDirname }}``-style variables for ``path``."""
    base = osp.basename(path)
    return {'fileDirname': osp.dirname(path), 'fileBasename': base,
            'fileBasenameNoExtension': osp.splitext(base)[0], 'fileExtname': osp.splitext(path)[1]}


def _assigned_value(stmt: Optional[cst.CSTNode], name: str) -> Optional[cst.BaseExpression]:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return None
    value = None
    for small in stmt.body:
        if isinstance(small, cst.Assign):
            if any(isinstance(t.target, cst.Name) and t.target.value == name
                   for t in small.targets):
                value = small.value
        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            if small.target.value == name:
                value = small.value
        elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            if small.target.value == name:
                value = None
    return value


def _entry(node: cst.CSTNode, key: Any) -> Optional[cst.BaseExpression]:
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
            and node.func.value == 'dict'):
        found = None
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == key:
                found = arg.value
        return found
    if isinstance(node, cst.Dict):
        found = None
        for el in node.elements:
            if isinstance(el, cst.DictElement) and _literal(el.key) == key:
                found = el.value
        return found
    if isinstance(node, (cst.List, cst.Tuple)) and type(key) is int:
        elements = node.elements
        if any(isinstance(el, cst.StarredElement) for el in elements):
            return None
        if -len(elements) <= key < len(elements):
            return elements[key].value
    return None


def _literal(node: cst.CSTNode) -> Any:
    if isinstance(node, (cst.SimpleString, cst.Integer)):
        try:
            return ast.literal_eval(node.value)
        except (ValueError, SyntaxError):
            return None
    return None


def evaluate_text(text: str, path: str = '<text>') -> Dict[str, Any]:
    """The keys a config without bases defines, from its text: ``evaluate_text('a = 1 + 2')``
    -> ``{'a': 3}``. ``{{_base_.x}}`` is Opaque here and ``_base_.x`` an error."""
    text = split_bare_cr(text)
    module = parse_config_text(path, text)
    source = ParsedSource(path, text, detect_newline(text), module)
    load = _FileLoad(ConfigLoader(), source, (path,))
    tree = load.run((0, 0))
    if tree.file.base_paths:
        raise StaticConfigError('evaluate_text reads files without _base_', file=path,
                                key=BASE_KEY, fix='use load_config_tree on the file')
    return tree.file._own


_default_loader = ConfigLoader()


def load_config_tree(path: str, loader: Optional[ConfigLoader] = None) -> ConfigTree:
    """Read the legacy config at ``path`` and its ``_base_`` tree, never executing them.

    ``load_config_tree('configs/retinanet_r50_fpn_2x.py').merged['lr_config']`` ->
    ``{'policy': 'step', 'warmup': 'linear', ..., 'step': [16, 22]}``. Raises
    :class:`StaticConfigError` for a file that is missing, not UTF-8 or not valid Python, and
    for a missing base or a key that two sibling bases define.
    """
    return (loader or _default_loader).load(path)
