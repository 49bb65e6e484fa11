"""Porting an ``OptimizerHook`` subclass to an ``OptimWrapper`` subclass (used by HK008).

What maps, exactly (``R`` is the hook's runner argument):

* ``after_train_iter(self, R)`` -> ``update_params(self, loss, step_kwargs=None,
  zero_kwargs=None)``, which ``model.train_step`` calls once per iteration;
* ``R.outputs['loss']`` -> ``loss``; ``E.backward(...)`` -> ``self.backward(E, ...)`` (it also
  counts the iteration: it must run once, unconditionally, in the method's own body);
* ``R.optimizer`` -> ``self.optimizer`` (the torch optimizer: ``self.step()`` would clip a
  second time when ``clip_grad`` is set);
* ``self.clip_grads(R.model.parameters())`` -> ``self._clip_grad()``: both clip the
  parameters that require grad and have one, with ``torch.nn.utils.clip_grad_norm_`` and the
  same keywords; the wrapper takes them from the optimizer's groups, which hold every model
  parameter when MMCV's/MMEngine's default constructor built the optimizer. The base class's
  ``grad_norm = ...; if grad_norm is not None: R.log_buffer.update({'grad_norm': ...}, ...)``
  is the same call (the wrapper logs ``train/grad_norm`` itself);
* ``self.every_n_iters(R, n)`` -> ``self._inner_count % n == 0`` after the backward
  (``(self._inner_count + 1) % n == 0`` before it), ``R.iter`` -> ``self._inner_count - 1``
  (``self._inner_count`` before it): the runner sets the count to the loop's iteration when
  training starts (``initialize_count_status``), the backward adds one;
* ``self.grad_clip`` tested against None or for truth -> ``self.clip_grad_kwargs`` (None when
  clipping is off, a non-empty dict when on); the ``grad_clip`` argument -> ``clip_grad``
  (the name ``optim_wrapper`` passes); ``__init__`` gains the ``optimizer`` argument unless
  ``**kwargs`` carry it to the base;
* ``super().after_train_iter(R)`` -> the base hook's steps spelled out on the wrapper.

Anything else that reads the runner, ``detect_anomalous_params``, overriding ``clip_grads``,
several optimizers (``R.optimizer[...]``), an attribute or method the wrapper owns, or a
backward that does not run exactly once blocks the port: the class is left as written, each
blocking line marked. ``self.every_n_iters`` assumes ``n > 0`` (legacy never stepped for
``n <= 0``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import libcst as cst

from migrate.hookcode.recognise import dotted

#: attributes and methods of OptimWrapper (MMEngine 0.10.7 and ours) a port must not rebind
WRAPPER_OWNED = frozenset({
    'optimizer', '_accumulative_counts', 'clip_grad_kwargs', 'clip_func', 'grad_name',
    'message_hub', '_inner_count', '_max_counts', '_remainder_counts', 'base_param_settings',
    'last_grad_norm', '_clip_kind', 'param_groups', 'defaults', 'inner_count', 'max_counts',
    'accumulative_counts', 'update_params', 'backward', 'step', 'zero_grad', '_clip_grad',
    'optim_context', 'initialize_count_status', 'should_update', 'should_sync', 'scale_loss',
    'get_lr', 'get_momentum', 'state_dict', 'load_state_dict'})
#: Hook methods a wrapper has no counterpart for (it only sees update_params)
HOOK_METHODS = frozenset({
    'before_run', 'after_run', 'before_epoch', 'after_epoch', 'before_iter', 'after_iter',
    'before_train_epoch', 'after_train_epoch', 'before_val_epoch', 'after_val_epoch',
    'before_train_iter', 'before_val_iter', 'after_val_iter', 'clip_grads',
    'detect_anomalous_parameters', 'every_n_epochs', 'every_n_inner_iters', 'every_n_iters',
    'end_of_epoch', 'is_last_epoch', 'is_last_iter', 'get_triggered_stages'})
LOSS_ARGS = ('loss', 'step_kwargs', 'zero_kwargs')


def _code(node: cst.CSTNode) -> str:
    return ' '.join(cst.Module([]).code_for_node(node).split())


@dataclass
class PortPlan:
    """The outcome of reading one class: the ported class, or what blocks the port (the
    statement to mark and why)."""

    ported: Optional[cst.ClassDef] = None
    blocked: List[Tuple[cst.CSTNode, str]] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)


def _is_super_call(node: cst.BaseExpression, method: str) -> bool:
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return False
    owner = node.func.value
    return node.func.attr.value == method and isinstance(owner, cst.Call) \
        and dotted(owner.func) == 'super'


def _is_outputs_loss(node: cst.CSTNode, runner: str) -> bool:
    if not isinstance(node, cst.Subscript) or dotted(node.value) != f'{runner}.outputs' \
            or len(node.slice) != 1:
        return False
    index = node.slice[0].slice
    return isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString) \
        and index.value.evaluated_value == 'loss'


class _Reader(cst.CSTVisitor):
    """Walks one method in source order, noting each statement that cannot be ported."""

    def __init__(self, runner: Optional[str], blocked: List[Tuple[cst.CSTNode, str]],
                 method: str, logging_pairs: Dict[int, str]):
        super().__init__()
        self.runner, self.blocked, self.method = runner, blocked, method
        self.logging_pairs = logging_pairs
        self.statements: List[cst.CSTNode] = []
        self.loss_bound = False
        self.backward_done = False   # the method's one backward statement was passed
        self.allowed: set = set()   # ids of self.grad_clip reads that are plain truth tests

    def block(self, why: str) -> None:
        node = self.statements[-1] if self.statements else None
        self.blocked.append((node, f'{self.method}: {why}'))

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.statements.append(node)
        return super().on_visit(node)

    def on_leave(self, original: cst.CSTNode) -> None:
        if isinstance(original, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.statements.pop()
        super().on_leave(original)

    # -- names the port binds --------------------------------------------------------------------
    def _binds(self, target: cst.CSTNode) -> None:
        for name in _bound_names(target):
            if name in LOSS_ARGS and self.runner is not None:
                if name == 'loss':
                    self.loss_bound = True
                else:
                    self.block(f'binds {name}, an argument of update_params')

    def visit_Assign(self, node: cst.Assign) -> bool:
        node.value.visit(self)
        for target in node.targets:
            target.target.visit(self)
            self._binds(target.target)
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        node.value.visit(self)
        node.target.visit(self)
        self._binds(node.target)
        return False

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        if node.value is not None:
            node.value.visit(self)
        node.target.visit(self)
        self._binds(node.target)
        return False

    def visit_AsName(self, node: cst.AsName) -> None:
        self._binds(node.name)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._binds(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._binds(node.target)

    # -- what a port can carry -------------------------------------------------------------------
    def visit_If(self, node: cst.If) -> bool:
        if id(node) in self.logging_pairs:
            return False          # the base hook's grad_norm logging: the wrapper does it
        self._truth(node.test)
        return True

    def visit_While(self, node: cst.While) -> None:
        self._truth(node.test)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._truth(node.expression)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self._truth(node.left)
        self._truth(node.right)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if len(node.comparisons) == 1 \
                and isinstance(node.comparisons[0].operator, (cst.Is, cst.IsNot)) \
                and _code(node.comparisons[0].comparator) == 'None':
            self._truth(node.left)

    def _truth(self, test: cst.BaseExpression) -> None:
        if dotted(test) == 'self.grad_clip':
            self.allowed.add(id(test))

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        if self.runner and _is_outputs_loss(node, self.runner):
            if self.loss_bound:
                self.block(f"reads {self.runner}.outputs['loss'] after binding the name loss, "
                           'which update_params gives the loss')
            return False
        if self.runner and dotted(node.value) == f'{self.runner}.optimizer':
            self.block(f'indexes {self.runner}.optimizer (several optimizers): one '
                       'OptimWrapper holds one optimizer; use an OptimWrapperDict and a '
                       'train_step of your own')
            return False
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        name = dotted(node)
        if name == 'self.grad_clip':
            if id(node) not in self.allowed:
                self.block('uses self.grad_clip other than testing it (against None or for '
                           'truth): the wrapper keeps clip_grad as clip_grad_kwargs, without '
                           'its type key')
            return False
        if name in ('self.detect_anomalous_params', 'self.detect_anomalous_parameters'):
            self.block(f'{name}: no OptimWrapper equivalent (closest: '
                       'find_unused_parameters=True in DDP)')
            return False
        for root in (f'{self.runner}.optimizer', f'{self.runner}.iter'):
            if self.runner and name == root:
                return False
            if self.runner and name.startswith(root + '.'):
                return True       # runner.optimizer.step: read on down to runner.optimizer
        if self.runner and name.startswith(f'{self.runner}.'):
            self.block(f'reads {name}: an OptimWrapper sees only the loss; do it in a hook '
                       '(whose after_train_iter runs after the update on MMEngine)')
            return False
        return True

    def leave_Expr(self, original: cst.Expr) -> None:
        if self.runner and _is_backward(original.value):
            self.backward_done = True

    def visit_Return(self, node: cst.Return) -> None:
        if self.runner and not self.backward_done:
            self.block('returns before the backward: the wrapper would not count that '
                       'iteration (MMCV counted it in runner.iter)')

    def visit_Name(self, node: cst.Name) -> None:
        if self.runner and node.value == self.runner:
            self.block(f'uses {self.runner} itself: an OptimWrapper has no runner')

    def visit_Call(self, node: cst.Call) -> bool:
        name = dotted(node.func)
        if self.runner and name == 'self.every_n_iters':
            if len(node.args) == 2 and dotted(node.args[0].value) == self.runner \
                    and node.args[0].keyword is None and node.args[1].keyword is None:
                node.args[1].value.visit(self)
                return False
            self.block(f'{_code(node)}: only self.every_n_iters({self.runner}, n) maps')
            return False
        if name in ('self.every_n_inner_iters', 'self.every_n_epochs', 'self.is_last_iter',
                    'self.is_last_epoch', 'self.end_of_epoch'):
            self.block(f'{name}: the wrapper counts iterations only (self._inner_count)')
            return False
        if name == 'self.clip_grads':
            stmt = self.statements[-1] if self.statements else None
            used = not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
                        and isinstance(stmt.body[0], cst.Expr) and stmt.body[0].value is node) \
                and id(stmt) not in self.logging_pairs
            arg = node.args[0].value if len(node.args) == 1 else None
            if not self.runner or not isinstance(arg, cst.Call) or arg.args \
                    or dotted(arg.func) != f'{self.runner}.model.parameters':
                self.block(f'{_code(node)}: only self.clip_grads(runner.model.parameters()) '
                           "maps (to self._clip_grad(), on the optimizer's parameters)")
            elif used:
                self.block(f'{_code(node)}: its value (the norm) is used; the wrapper\'s '
                           '_clip_grad returns nothing (it logs train/grad_norm)')
            return False
        if self.runner and isinstance(node.func, cst.Attribute) \
                and node.func.attr.value == 'backward' \
                and dotted(node.func.value) in _MODULE_BACKWARDS:
            self.block(f'{_code(node)}: only <loss>.backward(...) maps (to '
                       'self.backward(<loss>, ...))')
            return False
        if self.runner and _is_super_call(node, 'after_train_iter'):
            if len(node.args) != 1 or dotted(node.args[0].value) != self.runner:
                self.block(f'{_code(node)}: only super().after_train_iter({self.runner}) maps')
            return False
        return True


def _logging_pairs(body: cst.CSTNode, runner: Optional[str]) -> Dict[int, str]:
    """ids of the base hook's ``g = self.clip_grads(...)`` + ``if g is not None:
    R.log_buffer.update({'grad_norm': float(g)}, ...)`` statements (in any block): 'clip' for
    the assignment, 'log' for the if."""
    pairs: Dict[int, str] = {}
    if runner is None:
        return pairs

    class _Blocks(cst.CSTVisitor):
        def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
            stmts = list(node.body)
            for a, b in zip(stmts, stmts[1:]):
                var = _clip_assignment(a)
                if var and _logs_grad_norm(b, var, runner):
                    pairs[id(a)] = 'clip'
                    pairs[id(b)] = 'log'

    body.visit(_Blocks())
    return pairs


def _bound_names(target: cst.CSTNode) -> List[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for el in target.elements for n in _bound_names(el.value)]
    if isinstance(target, cst.StarredElement):
        return _bound_names(target.value)
    return []


def _backward_count(body: cst.BaseSuite) -> Tuple[int, int]:
    """(backward calls in the method's own statements, all backward calls)."""
    top = 0
    for stmt in body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Expr) and _is_backward(small.value):
                    top += 1
    counter = _CountBackward()
    body.visit(counter)
    return top, counter.count


def _is_backward(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
        and node.func.attr.value == 'backward' or \
        isinstance(node, cst.Call) and _is_super_call(node, 'after_train_iter')


#: ``<module>.backward(tensor)`` is no tensor's backward: its receiver is not the loss
_MODULE_BACKWARDS = ('torch', 'torch.autograd', 'autograd')


class _CountBackward(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.count = 0

    def visit_Call(self, node: cst.Call) -> None:
        if _is_backward(node):
            self.count += 1


class _Rewrite(cst.CSTTransformer):
    """A method's body with the wrapper's names (``runner`` None: a method other than
    after_train_iter, where only ``self.grad_clip`` changes)."""

    def __init__(self, runner: Optional[str], notes: List[str],
                 logging_pairs: Optional[Dict[int, str]] = None):
        super().__init__()
        self.runner, self.notes = runner, notes
        self.logging_pairs = logging_pairs or {}
        self.after_backward = False

    def _count(self, after: str, before: str) -> cst.BaseExpression:
        return cst.parse_expression(after if self.after_backward else before)

    # the one backward is a statement of the method's own: what follows it in source order
    # runs after it
    def leave_Expr(self, original: cst.Expr, updated: cst.Expr) -> cst.Expr:
        if _is_backward(original.value):
            self.after_backward = True
        return updated

    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.IndentedBlock:
        out: List[cst.BaseStatement] = []
        for old, new in zip(original.body, updated.body):
            role = self.logging_pairs.get(id(old))
            if role == 'log':
                continue
            if role == 'clip':
                out.append(cst.parse_statement('self._clip_grad()\n').with_changes(
                    leading_lines=new.leading_lines))
                _note(self.notes, "the grad_norm the hook put in runner.log_buffer: the "
                                  "wrapper's _clip_grad logs it as train/grad_norm")
                continue
            if isinstance(old, cst.SimpleStatementLine) and len(old.body) == 1 \
                    and isinstance(old.body[0], cst.Expr) \
                    and _is_super_call(old.body[0].value, 'after_train_iter'):
                steps = [cst.parse_statement(s + '\n') for s in _BASE_STEPS]
                steps[0] = steps[0].with_changes(leading_lines=new.leading_lines)
                out.extend(steps)
                _note(self.notes, 'super().after_train_iter(runner) is spelled out: '
                                  'OptimizerHook zeroed the gradients, back-propagated, '
                                  'clipped when grad_clip was set and stepped')
                continue
            out.append(new)
        return updated.with_changes(body=out)

    def leave_Subscript(self, original, updated):
        if self.runner and _is_outputs_loss(original, self.runner):
            return cst.Name('loss')
        return updated

    def leave_Attribute(self, original, updated):
        name = dotted(original)
        if self.runner and name == f'{self.runner}.optimizer':
            return cst.parse_expression('self.optimizer')
        if self.runner and name == f'{self.runner}.iter':
            return self._count('(self._inner_count - 1)', 'self._inner_count')
        if name == 'self.grad_clip':
            return cst.parse_expression('self.clip_grad_kwargs')
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = dotted(original.func)
        if self.runner and name == 'self.every_n_iters':
            n = updated.args[1].value
            text = cst.Module([]).code_for_node(n)
            if not isinstance(n, (cst.Name, cst.Attribute, cst.Integer)):
                text = f'({text})'
            return self._count(f'self._inner_count % {text} == 0',
                               f'(self._inner_count + 1) % {text} == 0')
        if name == 'self.clip_grads':
            return cst.parse_expression('self._clip_grad()')
        if self.runner and isinstance(original.func, cst.Attribute) \
                and original.func.attr.value == 'backward':
            receiver = updated.func.value
            if not isinstance(receiver, (cst.Tuple, cst.GeneratorExp)):
                receiver = receiver.with_changes(lpar=[], rpar=[])   # an argument needs none
            args = [cst.Arg(receiver)] + list(updated.args)
            if len(args) > 1:
                args[0] = args[0].with_changes(comma=cst.Comma(
                    whitespace_after=cst.SimpleWhitespace(' ')))
            return updated.with_changes(func=cst.parse_expression('self.backward'), args=args)
        return updated


#: OptimizerHook.after_train_iter on the wrapper (grad_norm logging is _clip_grad's own)
_BASE_STEPS = ('self.optimizer.zero_grad()', 'self.backward(loss)',
               'if self.clip_grad_kwargs is not None:\n    self._clip_grad()',
               'self.optimizer.step()')


def _note(notes: List[str], text: str) -> None:
    if text not in notes:
        notes.append(text)


def _clip_assignment(stmt: cst.BaseStatement) -> Optional[str]:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 \
            and isinstance(stmt.body[0], cst.Assign) and len(stmt.body[0].targets) == 1 \
            and isinstance(stmt.body[0].targets[0].target, cst.Name) \
            and isinstance(stmt.body[0].value, cst.Call) \
            and dotted(stmt.body[0].value.func) == 'self.clip_grads':
        return stmt.body[0].targets[0].target.value
    return None


def _logs_grad_norm(stmt: cst.BaseStatement, var: str, runner: str) -> bool:
    if not isinstance(stmt, cst.If) or stmt.orelse is not None \
            or _code(stmt.test) != f'{var} is not None' \
            or not isinstance(stmt.body, cst.IndentedBlock) or len(stmt.body.body) != 1:
        return False
    inner = stmt.body.body[0]
    if not isinstance(inner, cst.SimpleStatementLine) or len(inner.body) != 1 \
            or not isinstance(inner.body[0], cst.Expr):
        return False
    call = inner.body[0].value
    return isinstance(call, cst.Call) and dotted(call.func) == f'{runner}.log_buffer.update' \
        and bool(call.args) and _code(call.args[0].value) == f"{{'grad_norm': float({var})}}"


def port_class(cls: cst.ClassDef, base: str, new_base: str, registry: str) -> PortPlan:
    """Read ``cls`` (a direct subclass of ``base``) and port it to ``new_base`` registered in
    ``registry`` (the names the target imports), or say what blocks that."""
    plan = PortPlan()
    methods = {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}
    for name, fn in methods.items():
        if name in HOOK_METHODS:
            plan.blocked.append((fn, f'{name}: a Hook method an OptimWrapper never calls'))
        elif name in WRAPPER_OWNED:
            plan.blocked.append((fn, f'{name}: overrides OptimWrapper.{name}, which the '
                                     'runner and train_step call'))
    for stmt in cls.body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)):
                    targets = small.targets if isinstance(small, cst.Assign) else [small]
                    for t in targets:
                        for n in _bound_names(t.target):
                            if n in WRAPPER_OWNED:
                                plan.blocked.append((stmt, f'class body: binds {n}, which '
                                                           'the OptimWrapper owns'))
    for fn in methods.values():
        owned = _OwnedWrites()
        fn.visit(owned)
        for stmt, attr in owned.found:
            plan.blocked.append((stmt, f'{fn.name.value}: sets self.{attr}, which the '
                                       'OptimWrapper owns'))
    step = methods.get('after_train_iter')
    runner: Optional[str] = None
    if step is not None:
        params = step.params
        if len(params.params) != 2 or params.star_arg != cst.MaybeSentinel.DEFAULT \
                or params.star_kwarg is not None or params.kwonly_params:
            plan.blocked.append((step, 'after_train_iter: expected (self, runner)'))
        else:
            runner = params.params[1].name.value
            top, total = _backward_count(step.body)
            if total != 1 or top != 1:
                plan.blocked.append((step, 'after_train_iter: the backward (or '
                                           'super().after_train_iter) must run exactly once, '
                                           'as a statement of its own in the method: the '
                                           'wrapper counts iterations by it'))
    pairs = _logging_pairs(step.body, runner) if step is not None else {}
    for name, fn in methods.items():
        fn.body.visit(_Reader(runner if fn is step else None, plan.blocked, name, pairs))
    init = methods.get('__init__')
    if init is not None:
        _check_init(init, plan)
    if plan.blocked:
        return plan
    plan.ported = _build(cls, base, new_base, registry, runner, pairs, plan)
    return plan


class _OwnedWrites(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.found: List[Tuple[cst.CSTNode, str]] = []
        self.stmt: Optional[cst.CSTNode] = None

    def visit_SimpleStatementLine(self, node) -> None:
        self.stmt = node

    def _check(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Attribute) and dotted(target.value) == 'self' \
                and target.attr.value in WRAPPER_OWNED:
            self.found.append((self.stmt, target.attr.value))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._check(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._check(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check(node.target)


def _super_init(init: cst.FunctionDef) -> Optional[cst.Call]:
    for stmt in init.body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Expr) and _is_super_call(small.value, '__init__'):
                    return small.value
    return None


def _check_init(init: cst.FunctionDef, plan: PortPlan) -> None:
    call = _super_init(init)
    if call is None:
        plan.blocked.append((init, '__init__ does not call the base __init__ as a statement of '
                                   'its own: the wrapper needs the optimizer and clip_grad'))
        return
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if len(positional) > 1:
        plan.blocked.append((init, '__init__ passes detect_anomalous_params positionally: '
                                   'no OptimWrapper equivalent'))
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == 'detect_anomalous_params':
            plan.blocked.append((init, '__init__ passes detect_anomalous_params: no '
                                       'OptimWrapper equivalent'))
    names = [p.name.value for p in list(init.params.params) + list(init.params.kwonly_params)]
    if 'optimizer' in names or 'clip_grad' in names:
        plan.blocked.append((init, '__init__ has an argument named optimizer or clip_grad, '
                                   'which optim_wrapper passes to the wrapper'))


def _build(cls: cst.ClassDef, base: str, new_base: str, registry: str, runner: Optional[str],
           pairs: Dict[int, str], plan: PortPlan) -> cst.ClassDef:
    body: List[cst.BaseStatement] = []
    for stmt in cls.body.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == 'after_train_iter':
            stmt = _port_step(stmt, runner, pairs, plan)
        elif isinstance(stmt, cst.FunctionDef) and stmt.name.value == '__init__':
            stmt = _port_init(stmt, plan)
        elif isinstance(stmt, cst.FunctionDef):
            stmt = stmt.visit(_Rewrite(None, plan.notes))
        body.append(stmt)
    bases = [a.with_changes(value=cst.Name(new_base))
             if a.keyword is None and dotted(a.value).rsplit('.', 1)[-1] == base else a
             for a in cls.bases]
    decorators = []
    for deco in cls.decorators:
        func = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
        if dotted(func).endswith('HOOKS.register_module'):
            new_func = cst.parse_expression(f'{registry}.register_module')
            deco = deco.with_changes(decorator=deco.decorator.with_changes(func=new_func)
                                     if isinstance(deco.decorator, cst.Call) else new_func)
        decorators.append(deco)
    return cls.with_changes(bases=bases, decorators=decorators,
                            body=cls.body.with_changes(body=body))


def _port_step(fn: cst.FunctionDef, runner: str, pairs: Dict[int, str],
               plan: PortPlan) -> cst.FunctionDef:
    body = fn.body.visit(_Rewrite(runner, plan.notes, pairs))
    params = cst.parse_statement(
        'def update_params(self, loss, step_kwargs=None, zero_kwargs=None):\n    pass\n').params
    return fn.with_changes(name=cst.Name('update_params'), params=params, body=body)


def _port_init(fn: cst.FunctionDef, plan: PortPlan) -> cst.FunctionDef:
    call = _super_init(fn)
    params = fn.params
    star_kwarg = params.star_kwarg.name.value if isinstance(params.star_kwarg, cst.Param) \
        else None
    forwards_kwargs = star_kwarg is not None and any(
        a.star == '**' and dotted(a.value) == star_kwarg for a in call.args)
    renamed = {'grad_clip': 'clip_grad'} if any(
        p.name.value == 'grad_clip' for p in list(params.params) + list(params.kwonly_params)) \
        else {}

    class _InitRewrite(cst.CSTTransformer):
        def leave_Name(self, original, updated):
            return updated.with_changes(value=renamed.get(updated.value, updated.value))

        def leave_Attribute(self, original, updated):
            if dotted(original) == 'self.grad_clip':
                return cst.parse_expression('self.clip_grad_kwargs')
            return updated.with_changes(attr=original.attr)

        def leave_Arg(self, original, updated):
            if updated.keyword is not None and updated.keyword.value == 'grad_clip':
                return updated.with_changes(keyword=cst.Name('clip_grad'))
            return updated

        def leave_Call(self, original, updated):
            if not _is_super_call(original, '__init__'):
                return updated
            args = list(updated.args)
            positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
            for i in positional:   # OptimizerHook(grad_clip) -> OptimWrapper(clip_grad=...)
                args[i] = args[i].with_changes(keyword=cst.Name('clip_grad'),
                                               equal=cst.AssignEqual(
                                                   whitespace_before=cst.SimpleWhitespace(''),
                                                   whitespace_after=cst.SimpleWhitespace('')))
            if not forwards_kwargs:
                args = [cst.Arg(cst.Name('optimizer'), comma=cst.Comma(
                    whitespace_after=cst.SimpleWhitespace(' ')))] + args
                if len(args) == 1:
                    args[0] = args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(args=args)

    fn = fn.with_changes(body=fn.body.visit(_InitRewrite()))
    new_params = []
    for p in params.params:
        if p.name.value in renamed:
            p = p.with_changes(name=cst.Name(renamed[p.name.value]))
        new_params.append(p)
    kwonly = [p.with_changes(name=cst.Name(renamed[p.name.value]))
              if p.name.value in renamed else p for p in params.kwonly_params]
    if not forwards_kwargs:
        # self, then the optimizer optim_wrapper passes first
        optimizer = cst.Param(cst.Name('optimizer'), comma=cst.Comma(
            whitespace_after=cst.SimpleWhitespace(' ')))
        if new_params and new_params[0].name.value == 'self':
            new_params.insert(1, optimizer)
        else:
            new_params.insert(0, optimizer)
        plan.notes.append('__init__ takes the optimizer first, as optim_wrapper builds it')
    if renamed:
        plan.notes.append('the grad_clip argument is clip_grad, the name optim_wrapper uses')
    return fn.with_changes(params=params.with_changes(params=new_params, kwonly_params=kwonly))
