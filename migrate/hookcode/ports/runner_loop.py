"""A legacy runner subclass -> a train loop subclass (HK010).

What ports: an ``EpochBasedRunner`` (or ``Runner``) subclass whose ``train(data_loader,
**kwargs)`` and ``run_iter(data_batch, train_mode, **kwargs)`` add code before and after the
base method's own call (``super().train(...)``, ``super().run_iter(...)``), and an
``IterBasedRunner`` subclass whose ``train`` does so. The extras land at the same point of
MMEngine's loop:

* epoch ``train`` -> ``run_epoch``: code before ``super().train`` runs before
  ``before_train_epoch``, code after it after ``after_train_epoch`` and the epoch count, as on
  MMCV;
* epoch ``run_iter`` -> ``run_iter(idx, data_batch)`` written out as MMEngine's (hooks, step,
  count) with the extras between ``before_train_iter`` and ``after_train_iter``. On MMCV the
  ``OptimizerHook`` backpropagated ``runner.outputs['loss']`` in ``after_train_iter``, so code
  after ``super().run_iter`` could change the update; MMEngine's ``train_step`` updates inside
  the model. When that code uses ``self.outputs``, the loop runs ``train_step``'s forward
  itself (``train_step_outputs``) and calls ``optim_wrapper.update_params(outputs['loss'])``
  after it, so an edited loss is what is backpropagated, as on MMCV;
* iter ``train`` -> ``run_iter(data_batch)``: code after ``super().train`` runs after the
  iteration as on MMCV; code before it now runs after the batch is drawn (reported).

``self`` meant the runner; in the loop the runner's attributes are read through
``self.runner`` and the loop's own (``epoch``, ``iter``, ``max_epochs``, ``max_iters``) stay on
``self``. Anything else (another method, an attribute with no loop equivalent, ``kwargs``
used, a rewritten ``train``) is not ported: :func:`port_runner` says why.

The loop is registered in ``LOOPS`` as :func:`~migrate.tables.loop_name` of the runner's
registered name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from migrate.hookcode.context import add_comment, marker
from migrate.hookcode.recognise import dotted
from migrate.tables import loop_name

__all__ = ['BASES', 'LOOP_BASE', 'RunnerPort', 'loop_name', 'port_runner']

EPOCH = 'epoch'
ITER = 'iter'
BASES = {'EpochBasedRunner': EPOCH, 'Runner': EPOCH, 'IterBasedRunner': ITER}
LOOP_BASE = {EPOCH: 'EpochBasedTrainLoop', ITER: 'IterBasedTrainLoop'}

#: runner attributes the loop itself has (MMEngine's loops keep the same names)
_LOOP_OWN = ('epoch', 'iter', 'max_epochs', 'max_iters', '_epoch', '_iter', '_max_epochs',
             '_max_iters')
#: runner attributes MMEngine's Runner has with the same meaning
_ON_RUNNER = ('model', 'logger', 'work_dir', 'rank', 'world_size', 'timestamp')
#: what to write instead of a runner method that does not port
_METHOD_ADVICE = {
    '__init__': 'runner arguments become loop arguments: give the loop an __init__(self, '
                'runner, dataloader, max_epochs, ..., <yours>) and set them in train_cfg',
    'save_checkpoint': 'checkpoint extras go in a hook: before_save_checkpoint(runner, '
                       'checkpoint) edits checkpoint["meta"] and the state saved',
    'resume': 'resume extras go in a hook: after_load_checkpoint(runner, checkpoint)',
    'val': 'validation is the val loop: subclass ValLoop (run/run_iter) and select it with '
           "val_cfg=dict(type='<YourValLoop>')",
    'run': "the loop's run() drives the epochs (and validation through runner.val_loop)",
}


@dataclass
class RunnerPort:
    """The loop class for one runner class, or ``reason`` it does not port."""

    loop: Optional[cst.ClassDef] = None
    reason: str = ''
    kind: str = ''
    #: (severity, method, message): each is also a marker in the loop class
    findings: List[Tuple[str, str, str]] = field(default_factory=list)
    needed: Set[str] = field(default_factory=set)


class _NotPortable(Exception):
    pass


def port_runner(cls: cst.ClassDef, base: str, ported: Dict[str, Tuple[str, str]],
                rule: str) -> RunnerPort:
    """Port ``cls`` (whose first base is ``base``: a legacy runner, or a class of ``ported``,
    runner name -> (loop name, kind))."""
    if base in ported:
        base_loop, kind = ported[base]
    elif base in BASES:
        kind = BASES[base]
        base_loop = LOOP_BASE[kind]
    else:
        return RunnerPort(reason=f'its base {base} is not a runner this port knows '
                                 '(EpochBasedRunner, IterBasedRunner, or one ported here)')
    port = RunnerPort(kind=kind)
    try:
        body = _ported_body(cls, kind, port, rule)
        decorators = _decorators(cls)
    except _NotPortable as e:
        return RunnerPort(reason=str(e), kind=kind)
    if base_loop == LOOP_BASE[kind]:
        port.needed.add(base_loop)
    port.needed.add('LOOPS')
    port.loop = cls.with_changes(
        name=cst.Name(loop_name(cls.name.value)),
        bases=[cst.Arg(cst.Name(base_loop))], keywords=[], decorators=decorators,
        body=cls.body.with_changes(body=body))
    return port


def _decorators(cls: cst.ClassDef) -> List[cst.Decorator]:
    registering = [d for d in cls.decorators if 'register_module' in dotted(
        d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)]
    others = [d for d in cls.decorators if d not in registering]
    if others:
        raise _NotPortable('it has decorators other than its registration ('
                           + ', '.join(cst.Module([]).code_for_node(d.decorator)
                                       for d in others) + ')')
    new = cst.Decorator(cst.parse_expression('LOOPS.register_module()'))
    for d in registering:
        call = d.decorator
        if not isinstance(call, cst.Call):
            continue
        args = []
        for arg in call.args:
            name = arg.value.evaluated_value if isinstance(arg.value, cst.SimpleString) else None
            if (arg.keyword is None or arg.keyword.value == 'name') and isinstance(name, str):
                arg = arg.with_changes(value=cst.SimpleString(repr(loop_name(name))))
            elif arg.keyword is None or arg.keyword.value != 'force':
                raise _NotPortable('its registration names something other than a string')
            args.append(arg)
        new = new.with_changes(decorator=new.decorator.with_changes(args=args))
    return [new.with_changes(leading_lines=cls.decorators[0].leading_lines
                             if cls.decorators else ())]


def _ported_body(cls: cst.ClassDef, kind: str, port: RunnerPort, rule: str) -> list:
    out = []
    for stmt in cls.body.body:
        if not isinstance(stmt, cst.FunctionDef):
            if isinstance(stmt, cst.SimpleStatementLine) and all(
                    isinstance(s, (cst.Expr, cst.Pass)) for s in stmt.body):
                out.append(stmt)   # a docstring, pass
                continue
            raise _NotPortable('it has class-level statements besides methods')
        name = stmt.name.value
        if kind == EPOCH and name == 'train':
            out.append(_epoch_train(stmt))
        elif kind == EPOCH and name == 'run_iter':
            out.extend(_epoch_run_iter(stmt, port, rule))
        elif kind == ITER and name == 'train':
            out.append(_iter_train(stmt, port, rule))
        else:
            advice = _METHOD_ADVICE.get(name, 'move it to a hook or to the model')
            raise _NotPortable(f'{name}() has no place in a loop: {advice}')
    return out


# -- the method ports ----------------------------------------------------------------------------
def _epoch_train(fn: cst.FunctionDef) -> cst.FunctionDef:
    loader, kwargs = _params(fn, 'train', 1)
    pre, post = _split(fn, 'train', [loader[0]], kwargs)
    rename = {loader[0]: 'self.dataloader'}
    pre = _rewrite(pre, 'train', rename, kwargs, in_iter=False)
    post = _rewrite(post, 'train', rename, kwargs, in_iter=False)
    call = cst.parse_statement('super().run_epoch()')
    return _method(fn, 'run_epoch', 'self', pre + [call] + post)


def _epoch_run_iter(fn: cst.FunctionDef, port: RunnerPort, rule: str) -> List[cst.FunctionDef]:
    (batch, mode), kwargs = _params(fn, 'run_iter', 2)
    pre, post = _split(fn, 'run_iter', [batch, mode], kwargs)
    pre, pre_all_guarded = _train_only(pre, mode)
    post, post_all_guarded = _train_only(post, mode)
    rename = {batch: 'data_batch'}
    for name in ('outputs', 'idx') + (() if batch == 'data_batch' else ('data_batch',)):
        if _uses_name(pre + post, name):
            raise _NotPortable(f'run_iter uses a name {name!r} the loop uses itself')
    if any('num_samples' in cst.Module([]).code_for_node(s) for s in post):
        raise _NotPortable("run_iter reads outputs['num_samples'], which MMEngine's "
                           'train_step does not give')
    if _uses_self_attr(pre, 'outputs'):
        raise _NotPortable('run_iter reads self.outputs before super().run_iter: the previous '
                           "iteration's outputs are not kept by a loop")
    pre = _rewrite(pre, 'run_iter', rename, kwargs, in_iter=True)
    edits_outputs = _uses_self_attr(post, 'outputs')
    post = _rewrite(post, 'run_iter', rename, kwargs, in_iter=True)
    stmt = cst.parse_statement
    # continuation lines aligned under the call's opening parenthesis inside a method
    hook = "self.runner.call_hook('{}', batch_idx=idx, data_batch=data_batch{})"
    after = ("self.runner.call_hook('after_train_iter', batch_idx=idx, data_batch=data_batch,"
             "\n                      outputs={})")
    body = [stmt(hook.format('before_train_iter', ''))] + pre
    if edits_outputs:
        message = ("on MMCV the OptimizerHook backpropagated runner.outputs['loss'] after "
                   'this code; MMEngine\'s train_step updates inside the model, so the loop '
                   'runs its forward here (train_step_outputs) and updates with '
                   "outputs['loss'] after the code (a model's own train_step is not called)")
        port.findings.append(('note', 'run_iter', message))
        port.needed.add('is_model_wrapper')
        body.append(add_comment(stmt('outputs = self.train_step_outputs(data_batch)'),
                                marker(rule, message)))
        body += post + [stmt("self.runner.optim_wrapper.update_params(outputs['loss'])"),
                        stmt(after.format("outputs['log_vars']"))]
    else:
        body.append(stmt('outputs = self.runner.model.train_step(\n'
                         '    data_batch, optim_wrapper=self.runner.optim_wrapper)'))
        body += post + [stmt(after.format('outputs'))]
    body.append(stmt('self._iter += 1'))
    if _uses_name(body, mode):
        body.insert(0, stmt(f'{mode} = True'))
    method = _method(fn, 'run_iter', 'self, idx, data_batch', body)
    if not (pre_all_guarded and post_all_guarded):
        message = (f'on MMCV run_iter also ran for the iterations of a (\'val\', n) workflow '
                   f'phase ({mode}=False); this code now runs for training iterations only '
                   '(validation is the val loop)')
        port.findings.append(('approximation', 'run_iter', message))
        method = add_comment(method, marker(rule, message))
    out = [method]
    if edits_outputs:
        helper = cst.parse_module(_TRAIN_STEP_OUTPUTS).body[0].body.body[0]
        out.append(helper.with_changes(leading_lines=[cst.EmptyLine(indent=False)]))
    return out


def _iter_train(fn: cst.FunctionDef, port: RunnerPort, rule: str) -> cst.FunctionDef:
    loader, kwargs = _params(fn, 'train', 1)
    pre, post = _split(fn, 'train', [loader[0]], kwargs)
    for part in (pre, post):
        for attr in ('outputs', 'data_batch', 'inner_iter', '_inner_iter'):
            if _uses_self_attr(part, attr):
                raise _NotPortable(f'train uses self.{attr}, which IterBasedTrainLoop keeps '
                                   'only inside run_iter')
        for attr in ('epoch', '_epoch', 'max_epochs', '_max_epochs'):
            if _uses_self_attr(part, attr):
                raise _NotPortable(f'train uses self.{attr}: on MMCV the passes over the data '
                                   'so far, in IterBasedTrainLoop always 0 (1 for max_epochs)')
        if _uses_name(part, loader[0]):
            raise _NotPortable(f'train uses its {loader[0]} (an IterLoader on MMCV)')
    pre = _rewrite(pre, 'train', {}, kwargs, in_iter=False)
    post = _rewrite(post, 'train', {}, kwargs, in_iter=False)
    if pre:
        message = ('on MMCV this ran before model.train() and before the batch was drawn; '
                   'IterBasedTrainLoop draws the batch and sets train mode before run_iter')
        port.findings.append(('approximation', 'train', message))
        pre[0] = add_comment(pre[0], marker(rule, message))
    call = cst.parse_statement('super().run_iter(data_batch)')
    return _method(fn, 'run_iter', 'self, data_batch', pre + [call] + post)


_TRAIN_STEP_OUTPUTS = '''
class _Loop:

    def train_step_outputs(self, data_batch) -> dict:
        """MMEngine's train_step up to the update: the loss and log variables of
        data_batch, nothing backpropagated yet."""
        model = self.runner.model
        module = model.module if is_model_wrapper(model) else model
        with self.runner.optim_wrapper.optim_context(model):
            data = module.data_preprocessor(data_batch, True)
            losses = model._run_forward(data, mode='loss')
        loss, log_vars = module.parse_losses(losses)
        return dict(loss=loss, log_vars=log_vars)
'''


# -- pieces --------------------------------------------------------------------------------------
def _params(fn: cst.FunctionDef, name: str, count: int) -> Tuple[List[str], Optional[str]]:
    """The names of ``fn``'s ``count`` parameters after self, and of its ``**kwargs``."""
    params = fn.params
    plain = [p.name.value for p in params.params]
    if len(plain) != count + 1 or params.star_arg not in (cst.MaybeSentinel.DEFAULT, None) \
            or params.kwonly_params or params.posonly_params \
            or any(p.default is not None for p in params.params):
        raise _NotPortable(f'{name}() has a signature other than MMCV\'s')
    kwargs = params.star_kwarg.name.value if params.star_kwarg is not None else None
    return plain[1:], kwargs


def _is_super_call(node: cst.BaseExpression, method: str, args: Sequence[str],
                   kwargs: Optional[str]) -> bool:
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute) \
            or node.func.attr.value != method:
        return False
    owner = node.func.value
    if not (isinstance(owner, cst.Call) and dotted(owner.func) == 'super'):
        return False
    positional = [dotted(a.value) for a in node.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: dotted(a.value) for a in node.args if a.keyword is not None}
    stars = [dotted(a.value) for a in node.args if a.star == '**']
    wanted = list(args)
    if positional != wanted[:len(positional)]:
        return False
    rest = wanted[len(positional):]
    return sorted(keywords.values()) == sorted(rest) and stars in ([], [kwargs]) \
        and all(a.star != '*' for a in node.args)


def _split(fn: cst.FunctionDef, name: str, args: Sequence[str], kwargs: Optional[str]):
    """The statements before and after the one ``super().<name>(...)`` statement."""
    body = list(fn.body.body)
    if body and _is_docstring(body[0]):
        body = body[1:]
    at = [i for i, s in enumerate(body) if isinstance(s, cst.SimpleStatementLine)
          and len(s.body) == 1 and isinstance(s.body[0], cst.Expr)
          and _is_super_call(s.body[0].value, name, args, kwargs)]
    if len(at) != 1:
        raise _NotPortable(f'{name}() does not call super().{name}(...) once with its own '
                           f'arguments: it rewrites the runner\'s {name}, which a loop '
                           'override must write out for MMEngine\'s loop')
    return body[:at[0]], body[at[0] + 1:]


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 \
        and isinstance(stmt.body[0], cst.Expr) \
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))


def _method(fn: cst.FunctionDef, name: str, params: str, body: list) -> cst.FunctionDef:
    head = cst.parse_statement(f'def {name}({params}) -> None:\n    pass\n')
    docstring = [fn.body.body[0]] if fn.body.body and _is_docstring(fn.body.body[0]) else []
    return head.with_changes(body=fn.body.with_changes(body=docstring + body),
                             leading_lines=fn.leading_lines, decorators=fn.decorators)


def _train_only(stmts: list, mode: str) -> Tuple[list, bool]:
    """``stmts`` with their ``if <mode>:`` / ``if <mode> and ...:`` guards taken off (the loop
    trains only), and whether every statement was so guarded."""
    out, guarded = [], True
    for stmt in stmts:
        test = stmt.test if isinstance(stmt, cst.If) and stmt.orelse is None else None
        if isinstance(test, cst.Name) and test.value == mode:
            body = list(stmt.body.body)
            body[0] = body[0].with_changes(leading_lines=list(stmt.leading_lines)
                                           + list(body[0].leading_lines))
            out.extend(body)
        elif isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And) \
                and _leftmost(test) == mode:
            out.append(stmt.with_changes(test=_drop_leftmost(test)))
        else:
            out.append(stmt)
            guarded = guarded and _binds_locals_only(stmt)
    return out, guarded


#: calls a statement that only binds local names may make and still do nothing else
_READS = ('get', 'item', 'float', 'int', 'len', 'isinstance', 'detach', 'clone')


def _binds_locals_only(stmt: cst.BaseStatement) -> bool:
    """``stmt`` assigns plain names from reads (``loss = self.outputs.get('loss')``): run for
    a val phase too it changed nothing."""
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    for small in stmt.body:
        if not isinstance(small, cst.Assign) or not all(
                isinstance(t.target, cst.Name) for t in small.targets):
            return False
        calls = _Calls()
        small.value.visit(calls)
        if any(name not in _READS for name in calls.names):
            return False
    return True


class _Calls(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.names: List[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        self.names.append(func.attr.value if isinstance(func, cst.Attribute)
                          else dotted(func))


def _leftmost(node: cst.BaseExpression) -> str:
    while isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.And) \
            and not node.lpar:
        node = node.left
    return node.value if isinstance(node, cst.Name) else ''


def _drop_leftmost(node: cst.BooleanOperation) -> cst.BaseExpression:
    if isinstance(node.left, cst.BooleanOperation) and isinstance(node.left.operator, cst.And) \
            and not node.left.lpar:
        return node.with_changes(left=_drop_leftmost(node.left))
    return node.right


class _Uses(cst.CSTVisitor):
    def __init__(self, attr: Optional[str] = None, name: Optional[str] = None):
        super().__init__()
        self.attr, self.name, self.found = attr, name, False

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        if self.attr and isinstance(node.value, cst.Name) and node.value.value == 'self' \
                and node.attr.value == self.attr:
            self.found = True
        node.value.visit(self)   # an attribute's own name is not a variable
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if self.name and node.value == self.name:
            self.found = True

    def visit_Arg(self, node: cst.Arg) -> Optional[bool]:
        node.value.visit(self)   # a keyword argument's name is not a variable
        return False


def _uses_self_attr(stmts: list, attr: str) -> bool:
    uses = _Uses(attr=attr)
    for s in stmts:
        s.visit(uses)
    return uses.found


def _uses_name(stmts: list, name: str) -> bool:
    uses = _Uses(name=name)
    for s in stmts:
        s.visit(uses)
    return uses.found


class _SelfToLoop(cst.CSTTransformer):
    """``self`` (the runner) -> the loop: runner attributes through ``self.runner``."""

    def __init__(self, method: str, rename: Dict[str, str], kwargs: Optional[str],
                 in_iter: bool):
        super().__init__()
        self.method, self.rename, self.kwargs, self.in_iter = method, rename, kwargs, in_iter
        self.problem = ''
        self._field_names = 0   # inside an attribute's or keyword's own name

    def _fail(self, text: str) -> None:
        self.problem = self.problem or text

    def visit_Attribute_attr(self, node: cst.Attribute) -> None:
        self._field_names += 1

    def leave_Attribute_attr(self, node: cst.Attribute) -> None:
        self._field_names -= 1

    def visit_Arg_keyword(self, node: cst.Arg) -> None:
        self._field_names += 1

    def leave_Arg_keyword(self, node: cst.Arg) -> None:
        self._field_names -= 1

    def visit_Return(self, node: cst.Return) -> None:
        self._fail(f'{self.method} returns early around super().{self.method}: the loop\'s '
                   'hooks and counts would be skipped too')

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        if isinstance(node.value, cst.Name) and node.value.value == 'self':
            return False
        return True

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if not (isinstance(original.value, cst.Name) and original.value.value == 'self'):
            return updated
        attr = original.attr.value
        if attr in _LOOP_OWN:
            return updated
        if attr == 'data_loader':
            return cst.parse_expression('self.dataloader')
        if attr in _ON_RUNNER:
            return cst.parse_expression(f'self.runner.{attr}')
        if attr == 'optimizer':
            return cst.parse_expression('self.runner.optim_wrapper.optimizer')
        if self.in_iter and attr in ('outputs', 'data_batch'):
            return cst.Name(attr)
        if self.in_iter and attr in ('inner_iter', '_inner_iter'):
            return cst.Name('idx')
        self._fail(f'{self.method} uses self.{attr}, which a loop has no equivalent of')
        return updated

    def visit_Arg(self, node: cst.Arg) -> Optional[bool]:
        if node.star == '**' and dotted(node.value) == self.kwargs and self.kwargs:
            self._fail(f'{self.method} passes its **{self.kwargs} on (MMEngine\'s train_step '
                       'takes no extra arguments)')
        return True

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        if self._field_names:
            return updated
        if original.value == 'self':
            self._fail(f'{self.method} hands the runner (self) to other code')
        elif self.kwargs and original.value == self.kwargs:
            self._fail(f'{self.method} uses its **{self.kwargs} (MMEngine\'s loop passes none)')
        elif original.value == 'super':
            self._fail(f'{self.method} calls super() a second time')
        elif original.value in self.rename:
            return cst.parse_expression(self.rename[original.value])
        return updated


def _rewrite(stmts: list, method: str, rename: Dict[str, str], kwargs: Optional[str],
             in_iter: bool) -> list:
    visitor = _SelfToLoop(method, rename, kwargs, in_iter)
    out = [s.visit(visitor) for s in stmts]
    if visitor.problem:
        raise _NotPortable(visitor.problem)
    return out
