"""Run a config file's top-level statements on the static evaluator, as MMCV's import would.

Assignments (also tuple unpacking, ``+=``, annotated), ``del``, imports, ``def``/``class``,
in-place edits (``d['k'] = v``, ``pipeline.append(...)``), ``if`` with a known test and ``for``
over a known iterable are followed. A statement that cannot be followed (``while``, ``try``,
``with``, an ``if`` whose test is unknown) leaves every name it binds or edits Opaque.
"""
from __future__ import annotations

import operator
from typing import Any, Dict, List

import libcst as cst

from .budget import BudgetExceeded
from .evaluator import EVAL_ERRORS, Evaluator, bind_target
from .operators import BINARY, require_data, require_known
from .known import MAX_ITEMS, MODULE_ALIASES, MODULE_ATTRS, Unknown
from .sizes import measure, usable
from .values import FunctionValue, ModuleValue, Opaque

MAX_FOR_ITEMS = 10_000
INPLACE = {
    cst.AddAssign: operator.iadd, cst.SubtractAssign: operator.isub,
    cst.MultiplyAssign: operator.imul, cst.DivideAssign: operator.itruediv,
    cst.FloorDivideAssign: operator.ifloordiv, cst.ModuloAssign: operator.imod,
    cst.PowerAssign: operator.ipow, cst.LeftShiftAssign: operator.ilshift,
    cst.RightShiftAssign: operator.irshift, cst.BitOrAssign: operator.ior,
    cst.BitAndAssign: operator.iand, cst.BitXorAssign: operator.ixor,
}


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _GiveUp(Exception):
    """A loop body met a statement it cannot follow: the whole loop becomes unknown."""


def root_name(node: cst.CSTNode):
    """``a['b'].c[0]`` -> 'a'; the object a statement edits in place."""
    while isinstance(node, (cst.Subscript, cst.Attribute, cst.Call)):
        node = node.func if isinstance(node, cst.Call) else node.value
    return node.value if isinstance(node, cst.Name) else None


class StatementRunner:
    """Executes top-level statements, recording which statement last bound or edited a name.

    ``statements[name]`` is the top-level statement that last bound ``name``;
    ``mutations[name]`` lists top-level statements that edited its value in place afterwards.
    """

    def __init__(self, evaluator: Evaluator):
        self.ev = evaluator
        self.namespace = evaluator.namespace
        self.statements: Dict[str, cst.CSTNode] = {}
        self.mutations: Dict[str, List[cst.CSTNode]] = {}
        #: imports of modules the evaluator does not model: they run code when MMCV loads
        #: the file (kept in the output, never run here)
        self.imports: List[cst.CSTNode] = []
        self._loop_depth = 0

    def run(self, module: cst.Module) -> None:
        for stmt in module.body:
            try:
                self._statement(stmt, stmt)
            except BudgetExceeded as err:
                if err.line is None:   # name the statement that spent the budget
                    raise BudgetExceeded(err.message, budget=err.budget, file=err.file,
                                         line=self.ev.line_of(stmt), fix=err.fix) from None
                raise

    # -- bookkeeping -----------------------------------------------------------------------
    def _bind(self, name: str, value: Any, top: cst.CSTNode) -> None:
        if not usable(value):   # too large written out, cyclic or too deep: as written
            value = Opaque(name)
        self.namespace[name] = value
        self.statements[name] = top
        self.mutations.pop(name, None)

    def _edited(self, name, top: cst.CSTNode, known: bool) -> None:
        if name is None or isinstance(self.namespace.get(name, FunctionValue),
                                      (type, ModuleValue, FunctionValue)):
            return  # unbound, a module (`os.makedirs(...)`) or a function: no config value
        if not known or not usable(self.namespace.get(name)):
            self.namespace[name] = Opaque(name)
        edits = self.mutations.setdefault(name, [])
        if not edits or edits[-1] is not top:
            edits.append(top)

    def _give_up(self, stmt: cst.CSTNode, top: cst.CSTNode) -> None:
        collector = _BindingCollector()
        stmt.visit(collector)
        for name in collector.bound:
            self._bind(name, Opaque(name), top)
        for name in collector.edited - collector.bound:
            self._edited(name, top, known=False)

    # -- statements ------------------------------------------------------------------------
    def _statement(self, stmt: cst.CSTNode, top: cst.CSTNode) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self._small(small, top)
        elif isinstance(stmt, cst.FunctionDef):
            self._bind(stmt.name.value, FunctionValue(stmt.name.value), top)
        elif isinstance(stmt, cst.ClassDef):  # MMCV keeps a class as a config key
            self._bind(stmt.name.value, Opaque(f'class {stmt.name.value}'), top)
        elif isinstance(stmt, cst.If):
            self._if(stmt, top)
        elif isinstance(stmt, cst.For):
            self._for(stmt, top)
        else:
            if self._loop_depth:
                raise _GiveUp()
            self._give_up(stmt, top)

    def _block(self, suite, top: cst.CSTNode) -> None:
        if isinstance(suite, cst.SimpleStatementSuite):
            for small in suite.body:
                self._small(small, top)
        else:
            for stmt in suite.body:
                self._statement(stmt, top)

    def _if(self, stmt: cst.If, top: cst.CSTNode) -> None:
        try:
            taken = bool(require_data(self.ev.eval(stmt.test)))
        except EVAL_ERRORS:
            if self._loop_depth:
                raise _GiveUp() from None
            self._give_up(stmt, top)
            return
        if taken:
            self._block(stmt.body, top)
        elif isinstance(stmt.orelse, cst.If):
            self._if(stmt.orelse, top)
        elif stmt.orelse is not None:
            self._block(stmt.orelse.body, top)

    def _for(self, stmt: cst.For, top: cst.CSTNode) -> None:
        outermost = self._loop_depth == 0
        self._loop_depth += 1
        try:
            if stmt.asynchronous is not None:
                raise _GiveUp()
            try:
                iterable = require_data(self.ev.eval(stmt.iter))
                if hasattr(iterable, '__len__') and len(iterable) > MAX_FOR_ITEMS:
                    raise _GiveUp()
                items = list(iterable)
            except EVAL_ERRORS:
                raise _GiveUp() from None
            for item in items:
                try:
                    self._assign(stmt.target, item, top)
                    self._block(stmt.body, top)
                except _Continue:
                    continue
                except _Break:
                    break
            else:
                if stmt.orelse is not None:
                    self._block(stmt.orelse.body, top)
        except _GiveUp:
            if not outermost:
                raise
            self._give_up(stmt, top)
        finally:
            self._loop_depth -= 1

    def _small(self, small: cst.CSTNode, top: cst.CSTNode) -> None:
        if isinstance(small, cst.Assign):
            value = self.ev.value_or_opaque(small.value)
            for target in small.targets:
                self._assign(target.target, value, top)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self._assign(small.target, self.ev.value_or_opaque(small.value), top)
        elif isinstance(small, cst.AugAssign):
            self._aug_assign(small, top)
        elif isinstance(small, cst.Expr):
            self._expression(small, top)
        elif isinstance(small, cst.Del):
            self._delete(small.target, top)
        elif isinstance(small, cst.Import):
            if any(self.ev.code(a.name) not in MODULE_ALIASES for a in small.names):
                self.imports.append(small)
            for alias in small.names:
                dotted = self.ev.code(alias.name)
                if alias.asname is not None:
                    self._bind(alias.asname.name.value, ModuleValue(dotted), top)
                else:
                    first = dotted.split('.')[0]
                    self._bind(first, ModuleValue(first), top)
        elif isinstance(small, cst.ImportFrom):
            self._import_from(small, top)
        elif isinstance(small, cst.Break) and self._loop_depth:
            raise _Break()
        elif isinstance(small, cst.Continue) and self._loop_depth:
            raise _Continue()

    def _import_from(self, small: cst.ImportFrom, top: cst.CSTNode) -> None:
        module = '.' * len(small.relative) + (self.ev.code(small.module) if small.module else '')
        if module not in MODULE_ALIASES:
            self.imports.append(small)
        if isinstance(small.names, cst.ImportStar):
            return
        for alias in small.names:
            name = self.ev.code(alias.name)
            bound = alias.asname.name.value if alias.asname is not None else name
            # a known constant (math.pi) is a value, hence a key, as in MMCV; others are not
            self._bind(bound, MODULE_ATTRS.get((module, name), ModuleValue(f'{module}.{name}')),
                       top)

    def _assign(self, target: cst.CSTNode, value: Any, top: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, value, top)
        elif isinstance(target, (cst.Tuple, cst.List)):
            scope: Dict[str, Any] = {}
            try:
                bind_target(target, value, scope)
            except EVAL_ERRORS:
                scope = {name: Opaque(name) for name in _target_names(target)}
            for name, item in scope.items():
                self._bind(name, item, top)
        elif isinstance(target, cst.Subscript):
            name = root_name(target)
            try:
                owner = require_data(self.ev.eval(target.value))
                owner[require_known(self._index(target))] = value
                self._edited(name, top, known=True)
            except EVAL_ERRORS:
                self._edited(name, top, known=False)
        else:  # attribute assignment: not on plain dicts; unknown
            self._edited(root_name(target), top, known=False)

    def _index(self, target: cst.Subscript) -> Any:
        keys = [self.ev._slice_key(el.slice) for el in target.slice]
        return keys[0] if len(keys) == 1 else tuple(keys)

    def _aug_assign(self, small: cst.AugAssign, top: cst.CSTNode) -> None:
        target = small.target
        try:
            op = _inplace_op(small.operator)
            value = require_data(self.ev.eval(small.value))
            if isinstance(target, cst.Name):
                current = require_data(self.ev.eval(target))
                self._bind(target.value, op(current, value), top)
            elif isinstance(target, cst.Subscript):
                owner = require_data(self.ev.eval(target.value))
                key = require_known(self._index(target))
                owner[key] = op(require_data(owner[key]), value)
                self._edited(root_name(target), top, known=True)
            else:
                raise Unknown('target')
        except EVAL_ERRORS:
            if isinstance(target, cst.Name):
                self._bind(target.value, Opaque(self.ev.code(small).rstrip(';')), top)
            else:
                self._edited(root_name(target), top, known=False)

    def _expression(self, small: cst.Expr, top: cst.CSTNode) -> None:
        value = small.value
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)):
            return  # docstrings
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
            # `pipeline.append(...)`, `data.update(...)`: an in-place edit of a name
            name = root_name(value.func.value)
            try:
                self.ev.eval(value)
                self._edited(name, top, known=True)
            except EVAL_ERRORS:
                self._edited(name, top, known=False)
            return
        self.ev.value_or_opaque(value)

    def _delete(self, target: cst.CSTNode, top: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.namespace.pop(target.value, None)
            self.statements.pop(target.value, None)
            self.mutations.pop(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self._delete(el.value, top)
        elif isinstance(target, cst.Subscript):
            name = root_name(target)
            try:
                owner = require_data(self.ev.eval(target.value))
                del owner[require_known(self._index(target))]
                self._edited(name, top, known=True)
            except EVAL_ERRORS:
                self._edited(name, top, known=False)


def _inplace_op(node: cst.BaseAugOp):
    """``a op= b`` as Python runs it (lists change in place: `b = a; a += [1]` edits b) with
    the size guards of the binary operators."""
    inplace = INPLACE.get(type(node))
    binary = BINARY.get(getattr(cst, type(node).__name__[:-len('Assign')], None))
    if inplace is None or binary is None:
        raise Unknown(type(node).__name__)

    def apply(current: Any, value: Any) -> Any:
        if type(current) is list and isinstance(node, cst.MultiplyAssign):
            binary([], value)   # the int checks
            if isinstance(value, int) and value > 0 and measure(current).items * value > MAX_ITEMS:
                raise Unknown('*=')
        elif type(current) is list and isinstance(node, cst.AddAssign):
            if len(current) + len(require_data(value)) > MAX_ITEMS:
                raise Unknown('+=')
        elif not isinstance(current, (list, dict, set)):
            return binary(current, value)   # immutable: the same value, guarded
        return inplace(current, value)
    return apply


def _target_names(target: cst.CSTNode) -> List[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for el in target.elements for n in _target_names(el.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


class _BindingCollector(cst.CSTVisitor):
    """Names a statement binds (``bound``) and names it edits in place (``edited``)."""

    def __init__(self):
        self.bound: set = set()
        self.edited: set = set()

    def _target(self, target: cst.CSTNode) -> None:
        names = _target_names(target)
        if names:
            self.bound.update(names)
        else:
            self.edited.add(root_name(target))

    def visit_AssignTarget(self, node) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node) -> None:
        self._target(node.target)

    def visit_For(self, node) -> None:
        self._target(node.target)

    def visit_AsName(self, node) -> None:
        self._target(node.name)

    def visit_NamedExpr(self, node) -> None:
        self._target(node.target)

    def visit_Del(self, node) -> None:
        self._target(node.target)

    def visit_ImportAlias(self, node) -> None:
        if node.asname is None:
            self.bound.add(self._dotted_first(node.name))

    @staticmethod
    def _dotted_first(name: cst.CSTNode) -> str:
        while isinstance(name, cst.Attribute):
            name = name.value
        return name.value

    def visit_Call(self, node) -> None:
        if isinstance(node.func, cst.Attribute):
            self.edited.add(root_name(node.func.value))

    def visit_FunctionDef(self, node) -> bool:
        self.bound.add(node.name.value)
        return False

    def visit_ClassDef(self, node) -> bool:
        self.bound.add(node.name.value)
        return False

    def visit_Lambda(self, node) -> bool:
        return False
