"""Porting a custom ``LrUpdaterHook`` / ``MomentumUpdaterHook`` subclass to a parameter
scheduler class (used by HK007).

MMCV's updater hook sets ``get_lr(runner, base_lr)`` for each group's initial value before
every epoch (``by_epoch``) or iteration, and lays its warmup over that value as a factor. The
port is a scheduler (``LRSchedulerMixin`` / ``MomentumSchedulerMixin`` on MMEngine's
``_ParamScheduler`` or the engine's ``ParamScheduler``) whose value at step ``last_step``
(epochs done if ``by_epoch`` else iterations done, as ``runner.epoch`` / ``runner.iter`` were
when MMCV called ``get_lr``) is the same function. Its ``_get_value`` swaps the previous
step's value for the new one as a factor (``new * current / old``), so a warmup scheduler
chained before it (the converted ``warmup`` of ``lr_config``) multiplies in as MMCV's did;
alone, ``current`` is its own previous value and the result is ``new`` bit for bit.

What maps (``R`` is get_lr's runner argument):

* the class ``<P>LrUpdaterHook`` -> ``<P>LR`` (``<P>MomentumUpdaterHook`` -> ``<P>Momentum``;
  another name gets the suffix ``LR`` / ``Momentum``; ``Updater`` goes before the suffix where
  MMEngine or the engine has a scheduler of that name), registered in ``PARAM_SCHEDULERS``
  under that name if it was registered in ``HOOKS`` (a ``name=`` is renamed the same way):
  the name the config converter writes for ``lr_config = dict(policy='<P>')``;
* ``get_lr(self, R, base_lr)`` -> ``get_lr(self, last_step, base_lr)``: ``R.epoch`` read where
  ``self.by_epoch`` is true (an ``if self.by_epoch:`` / ``... if self.by_epoch else ...``
  branch) and ``R.iter`` where it is false become ``last_step``; ``R.max_epochs`` /
  ``R.max_iters`` there become ``self.end`` (the run length: the runner's default ``end`` is
  ``max_epochs`` for an epoch-based scheduler, ``max_iters`` otherwise, so the config leaves
  ``end`` unset);
* ``__init__`` gains the ``optimizer`` argument, passed first to the base, and the base call
  moves to the end of ``__init__`` (the scheduler computes its first value while it is built,
  so the class's own attributes must exist by then);
* an attribute the scheduler owns (``self.step``, ``self.end``, ...) is renamed with a
  trailing ``_``.

Anything else blocks the port and is marked where it is: another read of the runner, a read of
the hook's warmup or base values, a method other than ``__init__`` and ``get_lr``/
``get_momentum`` (``before_run``, ``get_warmup_lr``, ...), ``runner.epoch`` outside a
``by_epoch`` branch (a scheduler counts only one unit), a class built on an MMCV policy hook
or on another class of the module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from migrate.hookcode.recognise import dotted
from migrate.tables import scheduler_name

LR, MOMENTUM = 'lr', 'momentum'
#: the MMCV bases a port starts from, and what they schedule
PORTABLE_BASES = {'LrUpdaterHook': LR, 'MomentumUpdaterHook': MOMENTUM}
VALUE_METHOD = {LR: 'get_lr', MOMENTUM: 'get_momentum'}
MIXIN = {LR: 'LRSchedulerMixin', MOMENTUM: 'MomentumSchedulerMixin'}
#: the scheduler base class per target
SCHEDULER_BASE = {'mmengine': '_ParamScheduler', 'engine': 'ParamScheduler'}
#: what the updater hook has and a scheduler has not: the warmup and the hook's own values
HOOK_STATE = frozenset({
    'warmup', 'warmup_iters', 'warmup_ratio', 'warmup_by_epoch', 'warmup_epochs', 'base_lr',
    'regular_lr', 'base_momentum', 'regular_momentum', 'get_warmup_lr', 'get_regular_lr',
    'get_warmup_momentum', 'get_regular_momentum', '_set_lr', '_set_momentum',
    'before_run', 'before_train_epoch', 'before_train_iter', 'priority'})
#: attributes and methods of a scheduler (MMEngine 0.10.7's and ours) a port must not rebind
SCHEDULER_OWNED = frozenset({
    'optimizer', 'param_name', 'begin', 'end', 'last_step', 'base_values', 'verbose',
    '_global_step', '_last_value', 'step', 'state_dict', 'load_state_dict', 'get_last_value',
    '_get_value', 'print_value', 'use_betas', 'param_groups', '_next_values', '_attach',
    '_log_value', '_state_names', '_state_attrs', '_epoch_unit_args', 'need_val_args',
    'build_iter_from_epoch'})
#: the hook's base arguments a scheduler does not take (the config writes them as schedulers)
WARMUP_ARGS = ('warmup', 'warmup_iters', 'warmup_ratio', 'warmup_by_epoch')
#: what get_lr may read from its runner, by the ``by_epoch`` value it needs
_PROGRESS = {'epoch': True, 'iter': False}
_LENGTH = {'max_epochs': True, 'max_iters': False}


def _code(node: cst.CSTNode) -> str:
    return ' '.join(cst.Module([]).code_for_node(node).split())


@dataclass
class PortPlan:
    """One class read: the ported class, or the statements that block the port and why."""

    ported: Optional[cst.ClassDef] = None
    new_name: str = ''
    kind: str = LR
    blocked: List[Tuple[cst.CSTNode, str]] = field(default_factory=list)
    #: ``self.X`` attributes the scheduler owns -> their new names (a subclass uses them too)
    renamed_attributes: Dict[str, str] = field(default_factory=dict)


def _functions(cls: cst.ClassDef) -> Dict[str, cst.FunctionDef]:
    return {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}


def _by_epoch_guard(test: cst.BaseExpression) -> Optional[bool]:
    """True for ``self.by_epoch``, False for ``not self.by_epoch``, else None."""
    if dotted(test) == 'self.by_epoch':
        return True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _by_epoch_guard(test.expression)
        return None if inner is None else not inner
    return None


def _leaves(block: cst.BaseSuite) -> bool:
    """The block ends in ``return`` or ``raise``."""
    last = block.body[-1] if isinstance(block, cst.IndentedBlock) and block.body else None
    if isinstance(block, cst.SimpleStatementSuite):
        last = cst.SimpleStatementLine(body=block.body)
    return isinstance(last, cst.SimpleStatementLine) and \
        isinstance(last.body[-1], (cst.Return, cst.Raise))


class _Reader:
    """Walks a method body knowing the ``by_epoch`` branch it is in and the statement it is
    in; collects the runner reads to replace and what blocks the port."""

    def __init__(self, runner: Optional[str], hook_name: str, method: str):
        self.runner, self.hook_name, self.method = runner, hook_name, method
        self.replace: Dict[int, cst.BaseExpression] = {}
        self.blocked: List[Tuple[cst.CSTNode, str]] = []
        self._said: Set[Tuple[int, str]] = set()

    def block(self, statement: cst.CSTNode, why: str) -> None:
        if (id(statement), why) not in self._said:
            self._said.add((id(statement), why))
            self.blocked.append((statement, why))

    def walk(self, node: cst.CSTNode, guard: Optional[bool],
             statement: cst.CSTNode) -> None:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            statement = node
        if isinstance(node, cst.IndentedBlock):
            for child in node.body:
                self.walk(child, guard, statement)
                # `if self.by_epoch: ... return` without else: the rest is the other branch
                branch = _by_epoch_guard(child.test) if isinstance(child, cst.If) else None
                if branch is not None and child.orelse is None and _leaves(child.body):
                    guard = not branch
            return
        if isinstance(node, cst.If) and _by_epoch_guard(node.test) is not None:
            branch = _by_epoch_guard(node.test)
            self.walk(node.test, guard, statement)
            self.walk(node.body, branch, statement)
            if node.orelse is not None:
                self.walk(node.orelse, not branch, statement)
            return
        if isinstance(node, cst.IfExp) and _by_epoch_guard(node.test) is not None:
            branch = _by_epoch_guard(node.test)
            self.walk(node.body, branch, statement)
            self.walk(node.orelse, not branch, statement)
            return
        if isinstance(node, cst.Attribute) and dotted(node.value) == 'self':
            name = node.attr.value
            if name in HOOK_STATE:
                self.block(statement, f'{self.method} reads self.{name}, which the '
                           f'{self.hook_name} hook has and a scheduler has not (the warmup '
                           'is a scheduler of its own in the converted config)')
        if self.runner is not None and isinstance(node, cst.Attribute) \
                and isinstance(node.value, cst.Name) and node.value.value == self.runner:
            self._runner_read(node, guard, statement)
            return
        if self.runner is not None and isinstance(node, cst.Name) \
                and node.value == self.runner:
            self.block(statement, f'{self.method} uses the runner itself ({self.runner}): '
                       'a scheduler has no runner')
            return
        for child in node.children:
            self.walk(child, guard, statement)

    def _runner_read(self, node: cst.Attribute, guard: Optional[bool],
                     statement: cst.CSTNode) -> None:
        attr = node.attr.value
        needs = _PROGRESS.get(attr, _LENGTH.get(attr))
        if needs is None:
            self.block(statement, f'{self.method} reads {self.runner}.{attr}: a scheduler '
                       'sees only its step (last_step) and its range (begin, end)')
            return
        if guard is None:
            other = 'iter' if attr in _PROGRESS else 'max_iters'
            self.block(statement, f'{self.method} reads {self.runner}.{attr} whatever '
                       'self.by_epoch is: a scheduler counts epochs only when by_epoch=True '
                       f'and iterations otherwise; read it under `if self.by_epoch:` (and '
                       f'{self.runner}.{other} under its else) and convert again')
            return
        if guard != needs:
            mode = 'by_epoch=True' if guard else 'by_epoch=False'
            self.block(statement, f'{self.method} reads {self.runner}.{attr} with {mode}: '
                       'the scheduler counts '
                       f'{"epochs" if guard else "iterations"} there and cannot tell the '
                       f'{"iteration" if guard else "epoch"}')
            return
        self.replace[id(node)] = cst.Name('last_step') if attr in _PROGRESS else \
            cst.parse_expression('self.end')


class _Rewrite(cst.CSTTransformer):
    """Applies the collected replacements, renames owned attributes, and folds
    ``x if self.by_epoch else x`` once both branches read the same."""

    def __init__(self, replace: Dict[int, cst.BaseExpression], renamed: Dict[str, str]):
        super().__init__()
        self.replace, self.renamed = replace, renamed

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if id(original) in self.replace:
            return self.replace[id(original)]
        if dotted(updated.value) == 'self' and updated.attr.value in self.renamed:
            return updated.with_changes(attr=cst.Name(self.renamed[updated.attr.value]))
        return updated

    def leave_IfExp(self, original: cst.IfExp, updated: cst.IfExp):
        if _by_epoch_guard(updated.test) is not None and \
                _code(updated.body) == _code(updated.orelse):
            return updated.body
        return updated


def _owned_attributes(cls: cst.ClassDef) -> Dict[str, str]:
    """``self.X = ...`` targets the scheduler owns -> their new names."""
    found: Set[str] = set()

    class Targets(cst.CSTVisitor):
        def _target(self, target: cst.BaseExpression) -> None:
            if isinstance(target, cst.Attribute) and dotted(target.value) == 'self' \
                    and target.attr.value in SCHEDULER_OWNED:
                found.add(target.attr.value)

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            self._target(node.target)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._target(node.target)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            self._target(node.target)

    cls.visit(Targets())
    return {name: name + '_' for name in sorted(found)}


def _is_base_init(node: cst.BaseExpression, cls_name: str, base: str) -> bool:
    """``super().__init__(...)``, ``super(Cls, self).__init__(...)`` or
    ``Base.__init__(self, ...)``."""
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute) \
            or node.func.attr.value != '__init__':
        return False
    owner = node.func.value
    if isinstance(owner, cst.Call) and dotted(owner.func) == 'super':
        return not owner.args or (dotted(owner.args[0].value) == cls_name)
    return dotted(owner) == base


def _port_init(init: cst.FunctionDef, cls_name: str, base: str,
               reader: _Reader) -> Optional[cst.FunctionDef]:
    """``__init__`` with the ``optimizer`` argument and the base call last, or None (what
    blocks it is in ``reader.blocked``)."""
    params = init.params
    names = [p.name.value for p in params.params + params.kwonly_params]
    if 'optimizer' in names:
        reader.block(init, '__init__ already takes an argument named optimizer, which a '
                     'scheduler is built with')
        return None
    for name in names:
        if name in WARMUP_ARGS:
            reader.block(init, f'__init__ names the warmup argument {name}, which a '
                         'scheduler does not take (the converted config writes the warmup '
                         'as a scheduler before this one)')
    body = list(init.body.body)
    calls = [i for i, s in enumerate(body) if isinstance(s, cst.SimpleStatementLine)
             and len(s.body) == 1 and isinstance(s.body[0], cst.Expr)
             and _is_base_init(s.body[0].value, cls_name, base)]
    if len(calls) != 1:
        reader.block(init, '__init__ must call the base __init__ once, in its own body '
                     f'(found {len(calls)} such calls)')
        return None
    index = calls[0]
    call: cst.Call = body[index].body[0].value
    args = list(call.args)
    if isinstance(call.func.value, cst.Name):   # Base.__init__(self, ...)
        args = args[1:]
    for arg in args:
        key = arg.keyword.value if arg.keyword is not None else None
        if arg.star == '' and key != 'by_epoch':
            reader.block(body[index], f'the base __init__ gets {_code(arg.value)}'
                         f'{" as " + key if key else ""}: a scheduler takes by_epoch '
                         'and its range only (the warmup is a scheduler of its own)')
    after = body[index + 1:]
    for statement in after:
        for name in ('by_epoch', ) + WARMUP_ARGS + ('base_lr', 'regular_lr'):
            if f'self.{name}' in _code(statement):
                reader.block(statement, f'__init__ reads self.{name} after the base '
                             '__init__ set it: the port calls the base last (a scheduler '
                             'computes its first value while it is built)')
    if reader.blocked:
        return None
    optimizer = cst.Arg(cst.Name('optimizer'))
    new_call = call.with_changes(func=cst.parse_expression('super().__init__'),
                                 args=[optimizer] + args if args else [optimizer])
    if len(new_call.args) > 1:
        new_call = new_call.with_changes(args=[
            a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(' ')))
            if i < len(new_call.args) - 1 else a.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            for i, a in enumerate(new_call.args)])
    base_line = body[index].with_changes(body=[body[index].body[0].with_changes(
        value=new_call)])
    if after:   # the base call ends the body; the comments above it stay with it
        body = body[:index] + after + [base_line]
    else:
        body[index] = base_line
    positional = list(params.params)
    at = 1 if positional and positional[0].name.value == 'self' else 0
    # laid out as the parameter before it (one a line, or on one line)
    comma = positional[at - 1].comma if at and isinstance(positional[at - 1].comma, cst.Comma) \
        else cst.Comma(whitespace_after=cst.SimpleWhitespace(' '))
    positional.insert(at, cst.Param(cst.Name('optimizer'), comma=comma))
    return init.with_changes(params=params.with_changes(params=positional),
                             body=init.body.with_changes(body=body))


def _port_value_method(fn: cst.FunctionDef, reader: _Reader) -> Optional[cst.FunctionDef]:
    params = list(fn.params.params)
    if len(params) != 3 or fn.params.star_arg is not cst.MaybeSentinel.DEFAULT \
            or fn.params.kwonly_params or fn.params.star_kwarg is not None:
        reader.block(fn, f'{fn.name.value} must take (self, runner, base value), as '
                     'MMCV calls it')
        return None
    reader.walk(fn.body, None, fn)
    if reader.blocked:
        return None
    used = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            used.add(node.value)

    fn.body.visit(Names())
    if 'last_step' in used:
        reader.block(fn, f'{fn.name.value} uses the name last_step, which the port gives '
                     'the step')
        return None
    step = params[1].with_changes(name=cst.Name('last_step'), annotation=None,
                                  default=None)
    return fn.with_changes(params=fn.params.with_changes(params=[params[0], step, params[2]]))


def _get_value(kind: str) -> cst.FunctionDef:
    method = VALUE_METHOD[kind]
    return cst.parse_statement(
        'def _get_value(self):\n'
        "    # MMCV computed each value from the group's initial one; swapping the previous\n"
        '    # step\'s value for this one as a factor keeps a warmup scheduler chained before\n'
        '    # this one applied, as MMCV laid its warmup over the value (a previous value of\n'
        '    # 0 gives no factor: the value is then taken without the warmup)\n'
        '    values = []\n'
        '    for base, group in zip(self.base_values, self.optimizer.param_groups):\n'
        f'        new = self.{method}(self.last_step, base)\n'
        f'        old = base if self.last_step == 0 else self.{method}(self.last_step - 1, base)\n'
        '        values.append(new * (group[self.param_name] / old) if old else new)\n'
        '    return values\n')


def _decorators(cls: cst.ClassDef, new_name: str) -> List[cst.Decorator]:
    """``@HOOKS.register_module(...)`` -> ``@PARAM_SCHEDULERS.register_module(...)`` (a
    ``name=`` renamed like the class); other decorators stay."""
    out = []
    for decorator in cls.decorators:
        expr = decorator.decorator
        func = expr.func if isinstance(expr, cst.Call) else expr
        if dotted(func).endswith('HOOKS.register_module'):
            new_func = cst.parse_expression('PARAM_SCHEDULERS.register_module')
            if isinstance(expr, cst.Call):
                args = [a.with_changes(value=cst.SimpleString(repr(new_name)))
                        if a.keyword is not None and a.keyword.value == 'name' else a
                        for a in expr.args]
                expr = expr.with_changes(func=new_func, args=args)
            else:
                expr = new_func
            decorator = decorator.with_changes(decorator=expr)
        out.append(decorator)
    return out


def port_class(cls: cst.ClassDef, base: str, target: str,
               parent: Optional['PortPlan'] = None) -> PortPlan:
    """Read ``cls`` (a direct subclass of ``base``, one of :data:`PORTABLE_BASES`, or of a
    class of the module ported before: ``parent``) and port it for ``target``, or say what
    blocks the port. A subclass of a ported class keeps it as its base and inherits its
    ``_get_value`` and ``get_lr``/``get_momentum`` unless it overrides them."""
    kind = parent.kind if parent is not None else PORTABLE_BASES[base]
    name = cls.name.value
    plan = PortPlan(new_name=scheduler_name(name, kind), kind=kind)
    functions = _functions(cls)
    value_method = VALUE_METHOD[kind]
    reader = _Reader(None, name, '')
    for fname, fn in functions.items():
        if fname not in ('__init__', value_method):
            reader.block(fn, f'{fname} is a hook method of {base}: a scheduler has no '
                         f'counterpart for it (only {value_method} and __init__ port)')
    if value_method not in functions and parent is None:
        reader.block(cls, f'{name} defines no {value_method}')
    if reader.blocked:
        plan.blocked = reader.blocked
        return plan
    new_fns: Dict[str, cst.FunctionDef] = {}
    value_reader = _Reader(None, name, value_method)
    if value_method in functions:
        fn = functions[value_method]
        params = fn.params.params
        value_reader.runner = params[1].name.value if len(params) > 1 else None
        ported_value = _port_value_method(fn, value_reader)
        if ported_value is not None:
            new_fns[value_method] = ported_value
    if '__init__' in functions:
        init_reader = _Reader(None, name, '__init__')
        init_reader.walk(functions['__init__'].body, None, functions['__init__'])
        ported_init = None if init_reader.blocked else \
            _port_init(functions['__init__'], name, base, init_reader)
        value_reader.blocked.extend(init_reader.blocked)
        if ported_init is not None:
            new_fns['__init__'] = ported_init
    if value_reader.blocked:
        plan.blocked = value_reader.blocked
        return plan
    body = [new_fns.get(s.name.value, s) if isinstance(s, cst.FunctionDef) else s
            for s in cls.body.body]
    if parent is None:
        getter = _get_value(kind).with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        body.append(getter)
    cls = cls.with_changes(body=cls.body.with_changes(body=body))
    plan.renamed_attributes = dict(parent.renamed_attributes if parent else {},
                                   **_owned_attributes(cls))
    cls = cls.visit(_Rewrite(value_reader.replace, plan.renamed_attributes))
    if parent is not None:
        bases = [cst.Arg(cst.Name(parent.new_name))]
    else:
        bases = [cst.Arg(cst.Name(MIXIN[kind]), comma=cst.Comma(
            whitespace_after=cst.SimpleWhitespace(' '))),
            cst.Arg(cst.Name(SCHEDULER_BASE[target]))]
    plan.ported = cls.with_changes(name=cst.Name(plan.new_name), bases=bases,
                                   decorators=_decorators(cls, plan.new_name))
    return plan


#: where the names a ported class uses live, per target
HOMES = {
    'PARAM_SCHEDULERS': {'mmengine': 'mmengine.registry', 'engine': 'engine.registry'},
    # MMEngine's package does not export its mixins
    'LRSchedulerMixin': {'mmengine': 'mmengine.optim.scheduler.lr_scheduler',
                         'engine': 'engine.schedulers'},
    'MomentumSchedulerMixin': {'mmengine': 'mmengine.optim.scheduler.momentum_scheduler',
                               'engine': 'engine.schedulers'},
    '_ParamScheduler': {'mmengine': 'mmengine.optim.scheduler'},
    'ParamScheduler': {'engine': 'engine.schedulers'},
}


def needed_imports(kind: str, target: str, registered: bool,
                   subclass: bool = False) -> List[Tuple[str, str]]:
    """(module, name) of what a ported class uses (a subclass of a ported class: only the
    registry)."""
    names = ([] if subclass else [MIXIN[kind], SCHEDULER_BASE[target]]) + \
        (['PARAM_SCHEDULERS'] if registered else [])
    return [(HOMES[name][target], name) for name in names]
