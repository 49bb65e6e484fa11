"""What blocks an OptimizerHook subclass's port to an OptimWrapper (HK008): the reading half
of ``_optimizer_port``, and the names both halves share."""
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


#: the methods and read-only properties among them: a port cannot rename those away
WRAPPER_METHODS = frozenset({
    'param_groups', 'defaults', 'inner_count', 'max_counts', 'accumulative_counts',
    'update_params', 'backward', 'step', 'zero_grad', '_clip_grad', 'optim_context',
    'initialize_count_status', 'should_update', 'should_sync', 'scale_loss', 'get_lr',
    'get_momentum', 'state_dict', 'load_state_dict'})
#: Hook methods a wrapper has no counterpart for (it only sees update_params)
HOOK_METHODS = frozenset({
    'before_run', 'after_run', 'before_epoch', 'after_epoch', 'before_iter', 'after_iter',
    'before_train_epoch', 'after_train_epoch', 'before_val_epoch', 'after_val_epoch',
    'before_train_iter', 'before_val_iter', 'after_val_iter', 'clip_grads',
    'detect_anomalous_parameters', 'every_n_epochs', 'every_n_inner_iters', 'every_n_iters',
    'end_of_epoch', 'is_last_epoch', 'is_last_iter', 'get_triggered_stages'})


LOSS_ARGS = ('loss', 'step_kwargs', 'zero_kwargs')


def code_text(node: cst.CSTNode) -> str:
    """``node``'s code on one line."""
    return ' '.join(cst.Module([]).code_for_node(node).split())


@dataclass
class PortPlan:
    """The outcome of reading one class: the ported class, or what blocks the port (the
    statement to mark and why)."""

    ported: Optional[cst.ClassDef] = None
    blocked: List[Tuple[cst.CSTNode, str]] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    #: the hook's own attributes whose names the wrapper owns -> their names on the port
    renamed: Dict[str, str] = field(default_factory=dict)


def is_super_call(node: cst.BaseExpression, method: str) -> bool:
    """``super().<method>(...)`` (or ``super(C, self).<method>(...)``)."""
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return False
    owner = node.func.value
    return node.func.attr.value == method and isinstance(owner, cst.Call) \
        and dotted(owner.func) == 'super'


def is_outputs_loss(node: cst.CSTNode, runner: str) -> bool:
    """``<runner>.outputs['loss']``."""
    if not isinstance(node, cst.Subscript) or dotted(node.value) != f'{runner}.outputs' \
            or len(node.slice) != 1:
        return False
    index = node.slice[0].slice
    return isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString) \
        and index.value.evaluated_value == 'loss'


def bound_names(target: cst.CSTNode) -> List[str]:
    """The plain names an assignment target binds."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for el in target.elements for n in bound_names(el.value)]
    if isinstance(target, cst.StarredElement):
        return bound_names(target.value)
    return []


def is_backward(node: cst.CSTNode) -> bool:
    """A ``.backward(...)`` call, or ``super().after_train_iter(...)`` (which runs one)."""
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
        and node.func.attr.value == 'backward' or \
        isinstance(node, cst.Call) and is_super_call(node, 'after_train_iter')


#: ``<module>.backward(tensor)`` is no tensor's backward: its receiver is not the loss
_MODULE_BACKWARDS = ('torch', 'torch.autograd', 'autograd')


class MethodReader(cst.CSTVisitor):
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
        for name in bound_names(target):
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
                and code_text(node.comparisons[0].comparator) == 'None':
            self._truth(node.left)

    def _truth(self, test: cst.BaseExpression) -> None:
        if dotted(test) == 'self.grad_clip':
            self.allowed.add(id(test))

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        if self.runner and is_outputs_loss(node, self.runner):
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
        if self.runner and is_backward(original.value):
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
            self.block(f'{code_text(node)}: only self.every_n_iters({self.runner}, n) maps')
            return False
        if self.runner and name == f'{self.runner}.model.zero_grad':
            for arg in node.args:
                arg.value.visit(self)
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
                self.block(f'{code_text(node)}: only self.clip_grads(runner.model.parameters()) '
                           "maps (to self._clip_grad(), on the optimizer's parameters)")
            elif used:
                self.block(f'{code_text(node)}: its value (the norm) is used; the wrapper\'s '
                           '_clip_grad returns nothing (it logs train/grad_norm)')
            return False
        if self.runner and isinstance(node.func, cst.Attribute) \
                and node.func.attr.value == 'backward' \
                and dotted(node.func.value) in _MODULE_BACKWARDS:
            self.block(f'{code_text(node)}: only <loss>.backward(...) maps (to '
                       'self.backward(<loss>, ...))')
            return False
        if self.runner and is_super_call(node, 'after_train_iter'):
            if len(node.args) != 1 or dotted(node.args[0].value) != self.runner:
                self.block(f'{code_text(node)}: only super().after_train_iter({self.runner}) maps')
            return False
        return True


def grad_norm_logging(body: cst.CSTNode, runner: Optional[str]) -> Dict[int, str]:
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


def backward_count(body: cst.BaseSuite) -> Tuple[int, int]:
    """(backward calls in the method's own statements, all backward calls)."""
    top = 0
    for stmt in body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Expr) and is_backward(small.value):
                    top += 1
    counter = _CountBackward()
    body.visit(counter)
    return top, counter.count


class _CountBackward(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.count = 0

    def visit_Call(self, node: cst.Call) -> None:
        if is_backward(node):
            self.count += 1


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
            or code_text(stmt.test) != f'{var} is not None' \
            or not isinstance(stmt.body, cst.IndentedBlock) or len(stmt.body.body) != 1:
        return False
    inner = stmt.body.body[0]
    if not isinstance(inner, cst.SimpleStatementLine) or len(inner.body) != 1 \
            or not isinstance(inner.body[0], cst.Expr):
        return False
    call = inner.body[0].value
    return isinstance(call, cst.Call) and dotted(call.func) == f'{runner}.log_buffer.update' \
        and bool(call.args) and code_text(call.args[0].value) == f"{{'grad_norm': float({var})}}"


class OwnedWrites(cst.CSTVisitor):
    """The statements that set an attribute of ``self`` the wrapper owns."""

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


def super_init(init: cst.FunctionDef) -> Optional[cst.Call]:
    """The ``super().__init__(...)`` statement of ``__init__``, if it has one of its own."""
    for stmt in init.body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Expr) and is_super_call(small.value, '__init__'):
                    return small.value
    return None


def check_init(init: cst.FunctionDef, plan: PortPlan) -> None:
    """Note in ``plan`` what in ``__init__`` blocks the port."""
    call = super_init(init)
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
