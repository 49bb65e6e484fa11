"""Compute the value of a config expression from its libcst node, never executing it.

Covered: literals, containers (with ``*``/``**``), names bound earlier, ``_base_.x``,
``{{_base_.x}}``, arithmetic, comparisons, ``and``/``or``/``not``, ternaries, subscripts and
slices, f-strings and ``%``, comprehensions, and the calls listed in :mod:`.known`. MMCV's
``{{ fileDirname }}``-style templates are substituted inside string literals, as MMCV does in
the file text. Whatever else is met raises :class:`~.known.Unknown`; callers that hold a
container element or a statement turn that into an :class:`~.values.Opaque`.
"""
from __future__ import annotations

import ast
import re
import warnings
from typing import Any, Callable, Dict, List, Optional

import libcst as cst

from .budget import WorkBudget
from .known import BUILTINS, KnownFunction, Unknown, bound_method, module_attribute
from .operators import BINARY, COMPARE, UNARY, require_data, require_known
from .limits import MAX_ITEMS
from .sizes import measure
from .text_sizes import check_spec, refuse_size
from .source import line_of
from .values import BaseVarRef, FunctionValue, ModuleValue, Opaque

BASE_VAR_RE = re.compile(r'\{\{\s*_base_\.([\w\.]+)\s*\}\}')
TEMPLATE_RE = re.compile(
    r'\{\{\s*(fileDirname|fileBasenameNoExtension|fileBasename|fileExtname)\s*\}\}')
MAX_LOOP_ITEMS = 100_000
# Errors a real operation raises on values it cannot combine: the expression is then unknown.
EVAL_ERRORS = (Unknown, TypeError, ValueError, ArithmeticError, LookupError, AttributeError,
               RecursionError, UnicodeError)
CONSTANTS = {'True': True, 'False': False, 'None': None, 'Ellipsis': Ellipsis}


class Evaluator:
    """Evaluates expressions of one config file against its namespace.

    Args:
        module: the parsed file (for source text of Opaque values and line numbers).
        namespace: the file's top-level names, updated by the statement runner.
        base_value: ``base_value(('model', 'backbone'), node)`` -> the value of that key in the
            merged bases (for ``_base_.model.backbone``).
        templates: returns MMCV's predefined variables, e.g.
            ``{'fileBasenameNoExtension': 'x'}`` (asked for only when a string needs them).
        budget: the file's work budget; every expression evaluated spends one step.
    """

    def __init__(self, module: cst.Module, namespace: Dict[str, Any],
                 base_value: Callable[[tuple, cst.CSTNode], Any],
                 templates: Callable[[], Dict[str, str]],
                 budget: Optional[WorkBudget] = None):
        self.module = module
        self.budget = budget if budget is not None else WorkBudget('<config>')
        self.namespace = namespace
        self.base_value = base_value
        self._templates = templates  # called on the first string that holds '{{'
        self._template_values: Optional[Dict[str, str]] = None
        self.scopes: List[Dict[str, Any]] = []
        self._positions: list = [None]
        #: calls met that are not known to only build a value (``os.system(...)``): kept
        #: in the output, never run; the converter reports them
        self.unknown_calls: Dict[int, cst.Call] = {}

    # -- entry points ----------------------------------------------------------------------
    def eval(self, node: cst.CSTNode) -> Any:
        budget = self.budget
        budget.used += 1
        if budget.used > budget.limit:
            budget.spend(0)   # raises BudgetExceeded
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise Unknown(type(node).__name__)
        return handler(self, node)

    def value_or_opaque(self, node: cst.CSTNode) -> Any:
        try:
            return self.eval(node)
        except EVAL_ERRORS:
            return Opaque(self.code(node))

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node).strip()

    def line_of(self, node: cst.CSTNode) -> Optional[int]:
        """1-based line of ``node`` (computed on demand: only errors need it)."""
        return line_of(self.module, node, self._positions)

    # -- names and attributes --------------------------------------------------------------
    def _name(self, node: cst.Name) -> Any:
        name = node.value
        if name in CONSTANTS:
            return CONSTANTS[name]
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.namespace:
            return self.namespace[name]
        if name in BUILTINS:
            return BUILTINS[name]
        raise Unknown(name)

    def _attribute(self, node: cst.Attribute) -> Any:
        path = base_chain(node)
        if path is not None:
            return self.base_value(path, node)
        owner = self.eval(node.value)
        if isinstance(owner, ModuleValue):
            return module_attribute(owner.name, node.attr.value)
        raise Unknown(node.attr.value)

    def _subscript(self, node: cst.Subscript) -> Any:
        owner = require_data(self.eval(node.value))
        keys = [self._slice_key(el.slice) for el in node.slice]
        single = len(keys) == 1 and not isinstance(node.slice[0].comma, cst.Comma)
        key = keys[0] if single else tuple(keys)
        return owner[require_known(key)]

    def _slice_key(self, item) -> Any:
        if isinstance(item, cst.Index):
            if item.star:
                raise Unknown('*')
            return self.eval(item.value)
        parts = [None if p is None else self.eval(p) for p in (item.lower, item.upper, item.step)]
        return slice(*parts)

    # -- literals --------------------------------------------------------------------------
    def _integer(self, node: cst.Integer) -> int:
        return int(node.value, 0) if not node.value.isdigit() else int(node.value)

    def _float(self, node: cst.Float) -> float:
        return float(node.value)

    def _imaginary(self, node: cst.Imaginary) -> complex:
        return complex(node.value.replace('J', 'j'))

    def _template_text(self, raw: str) -> str:
        """The raw source of a string literal after MMCV's textual template substitution."""
        if '{{' not in raw:
            return raw
        if BASE_VAR_RE.search(raw):
            # MMCV turns it into a random placeholder string (or a syntax error) here.
            raise Unknown('{{_base_}} inside a string')
        if self._template_values is None:
            self._template_values = self._templates()
        values = self._template_values
        # a function replacement: the value is inserted as is (no backslash escapes)
        return TEMPLATE_RE.sub(lambda m: values[m.group(1)].replace('\\', '/'), raw)

    def _simple_string(self, node: cst.SimpleString) -> Any:
        raw = self._template_text(node.value)
        quote = raw[0]
        if quote in '\'"' and '\\' not in raw:
            width = 3 if raw[:3] == quote * 3 and len(raw) >= 6 else 1
            return raw[width:-width]
        with warnings.catch_warnings():   # an invalid escape ('\d') only warns in Python
            warnings.simplefilter('ignore')
            return ast.literal_eval(raw)

    def _concatenated_string(self, node: cst.ConcatenatedString) -> Any:
        return self.eval(node.left) + self.eval(node.right)

    def _formatted_string(self, node: cst.FormattedString) -> str:
        prefix = node.start[:-len(node.end)].lower()
        return self._format_parts(node.parts, raw='r' in prefix, quote=node.end)

    def _format_parts(self, parts, raw: bool, quote: str) -> str:
        out, built = [], 0
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                text = self._template_text(part.value).replace('{{', '{').replace('}}', '}')
                if not raw and '\\' in text:
                    text = ast.literal_eval(quote + text + quote)
                out.append(text)
                continue
            if part.equal is not None:
                raise Unknown('f-string =')
            value = require_known(self.eval(part.expression))
            if part.conversion:
                value = {'r': repr, 's': str, 'a': ascii}[part.conversion](value)
            spec = self._format_parts(part.format_spec, raw, quote) if part.format_spec else ''
            check_spec(spec, 'an f-string')
            out.append(format(value, spec))
            built += len(out[-1])
            if built > MAX_ITEMS:
                refuse_size('an f-string', built)
        return ''.join(out)

    # -- containers ------------------------------------------------------------------------
    def _elements(self, elements) -> list:
        items = []
        for el in elements:
            if isinstance(el, cst.StarredElement):
                items.extend(require_data(self.eval(el.value)))
            else:
                items.append(self.value_or_opaque(el.value))
        return items

    def _list(self, node: cst.List) -> list:
        return self._elements(node.elements)

    def _tuple(self, node: cst.Tuple) -> tuple:
        return tuple(self._elements(node.elements))

    def _set(self, node: cst.Set) -> Any:
        if len(node.elements) == 1 and isinstance(node.elements[0].value, cst.Set):
            ref = self._base_var_ref(node)
            if ref is not None:
                return ref
        return set(self._elements(node.elements))

    def _base_var_ref(self, node: cst.Set) -> Optional[BaseVarRef]:
        code = self.module.code_for_node(node.with_changes(lpar=(), rpar=()))
        match = BASE_VAR_RE.fullmatch(code)
        if match is None:
            return None
        return BaseVarRef(tuple(match.group(1).split('.')), code)

    def _dict(self, node: cst.Dict) -> dict:
        result = {}
        for el in node.elements:
            if isinstance(el, cst.StarredDictElement):
                result.update(require_data(self.eval(el.value)))
            else:
                key = self.value_or_opaque(el.key)
                if isinstance(key, (tuple, frozenset)):
                    measure(key)   # hashing walks all of it
                result[key] = self.value_or_opaque(el.value)
        return result

    # -- operators -------------------------------------------------------------------------
    def _binary(self, node: cst.BinaryOperation) -> Any:
        left = require_data(self.eval(node.left))
        right = require_data(self.eval(node.right))
        return BINARY[type(node.operator)](left, right)

    def _unary(self, node: cst.UnaryOperation) -> Any:
        value = self.eval(node.expression)
        if isinstance(node.operator, cst.Not):
            return not require_data(value)
        return UNARY[type(node.operator)](require_known(value))

    def _boolean(self, node: cst.BooleanOperation) -> Any:
        left = require_data(self.eval(node.left))
        if isinstance(node.operator, cst.And):
            return self.eval(node.right) if left else left
        return left if left else self.eval(node.right)

    def _comparison(self, node: cst.Comparison) -> bool:
        left = require_known(self.eval(node.left))
        for target in node.comparisons:
            right = require_known(self.eval(target.comparator))
            if not COMPARE[type(target.operator)](left, right):
                return False
            left = right
        return True

    def _if_exp(self, node: cst.IfExp) -> Any:
        taken = require_data(self.eval(node.test))
        return self.eval(node.body) if taken else self.eval(node.orelse)

    def _named_expr(self, node: cst.NamedExpr) -> Any:
        value = self.eval(node.value)
        self.namespace[node.target.value] = value
        return value

    def _lambda(self, node: cst.Lambda) -> FunctionValue:
        return FunctionValue('<lambda>')

    # -- calls -----------------------------------------------------------------------------
    def _call(self, node: cst.Call) -> Any:
        func = node.func
        owner = None
        try:
            if isinstance(func, cst.Attribute):  # a method, a module function, `_base_.x.copy()`
                owner = self.eval(func.value)
                if isinstance(owner, ModuleValue):
                    target = module_attribute(owner.name, func.attr.value)
                else:
                    target = bound_method(require_data(owner), func.attr.value)
            else:
                target = self.eval(func)
        except Unknown:
            target = None
        if not isinstance(target, KnownFunction):
            if owner is None or isinstance(owner, ModuleValue):   # not a method of a value
                self.unknown_calls.setdefault(id(node), node)
            raise Unknown(self.code(func))
        args: list = []
        kwargs: dict = {}
        for arg in node.args:
            if arg.star == '*':
                args.extend(require_data(self.eval(arg.value)))
            elif arg.star == '**':
                kwargs.update(require_data(self.eval(arg.value)))
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = self.value_or_opaque(arg.value)
            else:
                args.append(self.value_or_opaque(arg.value))
        return target.call(args, kwargs)

    # -- comprehensions --------------------------------------------------------------------
    def _comprehension(self, node) -> Any:
        results: list = []
        if isinstance(node, cst.DictComp):
            def emit():
                results.append((require_known(self.eval(node.key)), self.eval(node.value)))
        else:
            def emit():
                results.append(self.eval(node.elt))
        self.scopes.append({})
        try:
            self._run_for(node.for_in, emit, [0])
        finally:
            self.scopes.pop()
        if isinstance(node, cst.ListComp):
            return results
        if isinstance(node, cst.SetComp):
            return set(require_known(results))
        if isinstance(node, cst.DictComp):
            return dict(results)
        return iter(results)

    def _run_for(self, comp: cst.CompFor, emit, count: list) -> None:
        if comp.asynchronous is not None:
            raise Unknown('async for')
        scope = self.scopes[-1]
        for item in require_data(self.eval(comp.iter)):
            count[0] += 1
            if count[0] > MAX_LOOP_ITEMS:
                raise Unknown('loop too long')
            bind_target(comp.target, item, scope)
            if all(require_data(self.eval(cond.test)) for cond in comp.ifs):
                if comp.inner_for_in is not None:
                    self._run_for(comp.inner_for_in, emit, count)
                else:
                    emit()

    def _ellipsis(self, node) -> Any:
        return Ellipsis


def base_chain(node: cst.CSTNode) -> Optional[tuple]:
    """``_base_.a.b`` -> ('a', 'b'); None when ``node`` is not such a chain."""
    path = []
    while isinstance(node, cst.Attribute):
        path.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name) and node.value == '_base_' and path:
        return tuple(reversed(path))
    return None


def bind_target(target: cst.CSTNode, value: Any, scope: Dict[str, Any]) -> None:
    """Bind a for/comprehension target (a name or a tuple of names) in ``scope``."""
    if isinstance(target, cst.Name):
        scope[target.value] = value
        return
    if not isinstance(target, (cst.Tuple, cst.List)):
        raise Unknown('target')
    items = list(require_data(value))
    elements = target.elements
    starred = [i for i, el in enumerate(elements) if isinstance(el, cst.StarredElement)]
    if not starred:
        if len(items) != len(elements):
            raise Unknown('unpack')
        for el, item in zip(elements, items):
            bind_target(el.value, item, scope)
        return
    star = starred[0]
    tail = len(elements) - star - 1
    if len(items) < len(elements) - 1:
        raise Unknown('unpack')
    for el, item in zip(elements[:star], items[:star]):
        bind_target(el.value, item, scope)
    bind_target(elements[star].value, items[star:len(items) - tail], scope)
    for el, item in zip(elements[star + 1:], items[len(items) - tail:]):
        bind_target(el.value, item, scope)


_HANDLERS = {
    cst.Name: Evaluator._name, cst.Attribute: Evaluator._attribute,
    cst.Subscript: Evaluator._subscript, cst.Integer: Evaluator._integer,
    cst.Float: Evaluator._float, cst.Imaginary: Evaluator._imaginary,
    cst.SimpleString: Evaluator._simple_string,
    cst.ConcatenatedString: Evaluator._concatenated_string,
    cst.FormattedString: Evaluator._formatted_string, cst.List: Evaluator._list,
    cst.Tuple: Evaluator._tuple, cst.Set: Evaluator._set, cst.Dict: Evaluator._dict,
    cst.BinaryOperation: Evaluator._binary, cst.UnaryOperation: Evaluator._unary,
    cst.BooleanOperation: Evaluator._boolean, cst.Comparison: Evaluator._comparison,
    cst.IfExp: Evaluator._if_exp, cst.NamedExpr: Evaluator._named_expr,
    cst.Lambda: Evaluator._lambda, cst.Call: Evaluator._call,
    cst.ListComp: Evaluator._comprehension, cst.SetComp: Evaluator._comprehension,
    cst.DictComp: Evaluator._comprehension, cst.GeneratorExp: Evaluator._comprehension,
    cst.Ellipsis: Evaluator._ellipsis,
}
