"""HK009's port of an ``EvalHook``/``DistEvalHook`` subclass whose only override is a
``_do_evaluate`` that runs the standard evaluation (``self.test_fn`` on ``self.dataloader``,
``self.evaluate``, ``self._save_ckpt`` under the ``save_best`` guard) plus code of its own
after the evaluation.

On MMEngine the standard part is the val loop, the val evaluator and the checkpoint hook's
``save_best`` (the config converter writes them from ``evaluation``); the code of its own becomes
``after_val_epoch(runner, metrics)`` of a plain hook with the class's name, at ``LOWEST``
priority so it runs after the checkpoint hook saved the best checkpoint, as it ran after
``_save_ckpt``. A class with nothing of its own is removed (the runner does all it did). Any
other shape raises :class:`NotPortable` with the reason; the rule then marks the class.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Set

import libcst as cst

from migrate.hookcode.recognise import dotted

#: EvalHook attributes the ported hook keeps as constructor arguments (legacy defaults)
KEPT_ARGS = (('start', 'None'), ('interval', '1'), ('save_best', 'None'))
#: the other keywords EvalHook took by name (not among its eval_kwargs; dynamic_intervals:
#: MMDet's; the last three: DistEvalHook's)
NAMED_ARGS = ('by_epoch', 'rule', 'test_fn', 'greater_keys', 'less_keys', 'out_dir',
              'file_client_args', 'dynamic_intervals', 'broadcast_bn_buffer', 'tmpdir',
              'gpu_collect')
#: EvalHook attributes with an MMEngine home
MOVED_ATTRS = {'dataloader': 'runner.val_dataloader',
               'best_ckpt_path': "runner.message_hub.get_info('best_ckpt')"}
#: EvalHook attributes and methods that exist only in MMCV's hook
# by_epoch: MMDet 2.x's train flow set it from the runner type, not from `evaluation`
LEGACY_ONLY = ('by_epoch', 'test_fn', 'evaluate', '_save_ckpt', '_should_evaluate', '_do_evaluate',
               'tmpdir', 'gpu_collect', 'broadcast_bn_buffer', 'initial_flag', 'rule',
               'compare_func', 'rule_map', 'init_value_map', 'key_indicator', 'greater_keys',
               'less_keys', 'out_dir', 'file_client', 'file_client_args', 'after_train_epoch',
               'after_train_iter', 'before_train_epoch', 'before_train_iter', 'before_run')
TEST_FNS = ('self.test_fn', 'single_gpu_test', 'multi_gpu_test')
TEST_KWARGS = ('tmpdir', 'gpu_collect')


class NotPortable(Exception):
    """The class is not the shape the port carries exactly; the message says why."""


@dataclass
class Evaluation:
    """What ``_do_evaluate`` did beyond the standard evaluation."""

    body: List[cst.BaseStatement]          # the after_val_epoch body (empty: nothing)
    score: Optional[str] = None            # the name bound to self.evaluate's return value
    truthy_guard: bool = False             # `if self.save_best and key_score:` (stock form)
    dropped: List[str] = field(default_factory=list)   # standard steps recognised


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _small(stmt: cst.BaseStatement) -> Optional[cst.BaseSmallStatement]:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        return stmt.body[0]
    return None


def _assigned_call(stmt: cst.BaseStatement):
    """(target name, call) of ``name = call(...)``, else (None, None)."""
    small = _small(stmt)
    if isinstance(small, cst.Assign) and len(small.targets) == 1 \
            and isinstance(small.targets[0].target, cst.Name) and isinstance(small.value, cst.Call):
        return small.targets[0].target.value, small.value
    return None, None


def _is_test_call(call: cst.Call) -> bool:
    if dotted(call.func) not in TEST_FNS or len(call.args) < 2:
        return False
    positional = [a for a in call.args if a.keyword is None]
    if [dotted(a.value) for a in positional] != ['runner.model', 'self.dataloader']:
        return False
    for arg in call.args:
        if arg.keyword is None:
            continue
        name = arg.keyword.value
        if name == 'show' and dotted(arg.value) == 'False':
            continue
        if name not in TEST_KWARGS:
            return False
    return True


def _is_should_evaluate_guard(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.If) and stmt.orelse is None and \
        _code(stmt.test).replace(' ', '') == 'notself._should_evaluate(runner)' and \
        len(stmt.body.body) == 1 and isinstance(_small(stmt.body.body[0]), cst.Return) and \
        _small(stmt.body.body[0]).value is None


def _is_save_guard(stmt: cst.BaseStatement, score: Optional[str]) -> Optional[bool]:
    """True for ``if self.save_best and <score>:``, False for ``... is not None``, else None."""
    if score is None or not isinstance(stmt, cst.If):
        return None
    test = _code(stmt.test)
    if test == f'self.save_best and {score}':
        return True
    if test == f'self.save_best and {score} is not None':
        return False
    return None


class _Reads(cst.CSTVisitor):
    def __init__(self):
        self.names: Set[str] = set()
        self.self_attrs: Set[str] = set()
        self.log_buffer = False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if dotted(node.value) == 'self':
            self.self_attrs.add(node.attr.value)
        if dotted(node).startswith('runner.log_buffer'):
            self.log_buffer = True


def _check_extra(stmt: cst.BaseStatement, results: Optional[str]) -> None:
    reads = _Reads()
    stmt.visit(reads)
    line = _code(stmt).strip().splitlines()[0]
    if results is not None and results in reads.names:
        raise NotPortable(f'`{line}` uses the predictions ({results}), which MMEngine hands to '
                          'the evaluator only: compute it in a BaseMetric subclass '
                          '(process/compute_metrics) named in val_evaluator')
    legacy = sorted(reads.self_attrs & set(LEGACY_ONLY))
    if legacy:
        raise NotPortable(f'`{line}` uses self.{legacy[0]}, which only MMCV\'s EvalHook has: '
                          'MMEngine\'s val loop, evaluator and checkpoint hook hold that state')
    if reads.log_buffer:
        raise NotPortable(f'`{line}` uses runner.log_buffer after the evaluation: MMEngine '
                          'logs the metrics in the logger hook\'s after_val_epoch, before a '
                          'hook that runs after the checkpoint hook; write the values in a '
                          'BaseMetric subclass (its compute_metrics result is logged)')


def split(fn: cst.FunctionDef) -> Evaluation:
    """The code of its own in a ``_do_evaluate(self, runner)``, in order, the standard
    evaluation steps removed; NotPortable when the method does anything else."""
    params = [p.name.value for p in fn.params.params]
    if params != ['self', 'runner'] or fn.params.star_arg is not cst.MaybeSentinel.DEFAULT \
            or fn.params.star_kwarg is not None or fn.params.kwonly_params:
        raise NotPortable('_do_evaluate has a signature of its own')
    if fn.asynchronous is not None:
        raise NotPortable('_do_evaluate is a coroutine MMCV never awaited (it never evaluated)')
    if not isinstance(fn.body, cst.IndentedBlock):
        raise NotPortable('_do_evaluate is written on one line')
    state = {'tmpdir': set(), 'results': None, 'score': None, 'evaluated': False}
    out = Evaluation(body=[])
    out.body = _walk(list(fn.body.body), state, out)
    if state['results'] is None or not state['evaluated']:
        raise NotPortable('_do_evaluate does not run self.test_fn(runner.model, '
                          'self.dataloader) and self.evaluate(runner, results) as EvalHook '
                          'does: the port to the val loop cannot tell what it evaluates')
    out.score = state['score']
    return out


def _walk(stmts: Sequence[cst.BaseStatement], state, out: Evaluation
          ) -> List[cst.BaseStatement]:
    kept: List[cst.BaseStatement] = []
    for stmt in stmts:
        small = _small(stmt)
        target, call = _assigned_call(stmt)
        before_eval = not state['evaluated']
        if before_eval and state['results'] is None and _is_should_evaluate_guard(stmt):
            out.dropped.append('should-evaluate')
            continue
        if before_eval and isinstance(small, (cst.Import, cst.ImportFrom)):
            continue   # `from mmdet.apis import single_gpu_test`: the val loop runs the model
        if before_eval and isinstance(small, cst.Assign) and len(small.targets) == 1 \
                and isinstance(small.targets[0].target, cst.Name) \
                and 'self.tmpdir' in _code(small.value):
            state['tmpdir'].add(small.targets[0].target.value)
            out.dropped.append('tmpdir')
            continue
        if before_eval and isinstance(stmt, cst.If) and stmt.orelse is None and \
                _code(stmt.test).replace(' ', '') in {f'{t}isNone' for t in state['tmpdir']}:
            continue
        if before_eval and isinstance(stmt, cst.If) and _code(stmt.test) == \
                'self.broadcast_bn_buffer':
            out.dropped.append('broadcast_bn_buffer')
            continue
        if before_eval and call is not None and _is_test_call(call):
            if any(a.keyword is not None and a.keyword.value == 'tmpdir'
                   and dotted(a.value) not in state['tmpdir'] | {'self.tmpdir'}
                   for a in call.args):
                raise NotPortable('the predictions are collected in a tmpdir of its own: '
                                  "set collect_dir on the val_evaluator's metric")
            state['results'] = target
            continue
        if before_eval and call is not None and dotted(call.func) in TEST_FNS:
            raise NotPortable(f'the predictions come from `{_code(call)}`: MMEngine\'s val loop '
                              'runs model.val_step on val_dataloader; put the options in the '
                              "model's test_cfg or a BaseMetric subclass")
        if isinstance(small, cst.Expr) and _code(small).replace(' ', '') in \
                ("print('\\n')", 'print("\\n")'):
            continue
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and \
                _code(small.targets[0].target).replace(' ', '') == \
                "runner.log_buffer.output['eval_iter_num']":
            out.dropped.append('eval_iter_num')
            continue
        if isinstance(stmt, cst.If) and _code(stmt.test) == 'runner.rank == 0' \
                and stmt.orelse is None and state['results'] is not None:
            inner = _walk(list(stmt.body.body), state, out)
            if inner:
                kept.append(stmt.with_changes(body=stmt.body.with_changes(body=inner)))
            continue
        evaluate = call if call is not None else (
            small.value if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)
            else None)
        if before_eval and evaluate is not None and dotted(evaluate.func) == 'self.evaluate' \
                and state['results'] is not None and \
                [_code(a.value) for a in evaluate.args] == ['runner', state['results']]:
            state['evaluated'] = True
            state['score'] = target
            if target is not None:
                kept.append(stmt)   # rewritten by the rule when the score is still read
            continue
        truthy = _is_save_guard(stmt, state['score'])
        if truthy is not None and not before_eval:
            body = list(stmt.body.body)
            first = _small(body[0]) if body else None
            if not (isinstance(first, cst.Expr) and _code(first).replace(' ', '') ==
                    f"self._save_ckpt(runner,{state['score']})") or stmt.orelse is not None:
                raise NotPortable(f'`if {_code(stmt.test)}:` does more than save the best '
                                  'checkpoint first: MMEngine\'s checkpoint hook saves it')
            out.truthy_guard = out.truthy_guard or truthy
            rest = body[1:]
            for extra in rest:
                _check_extra(extra, state['results'])
            if rest:
                kept.append(stmt.with_changes(body=stmt.body.with_changes(body=rest)))
            continue
        line = _code(stmt).strip().splitlines()[0]
        if before_eval:
            raise NotPortable(f'`{line}` runs before self.evaluate: MMEngine runs no hook '
                              'between the val loop\'s model runs and its evaluator; put it '
                              'in a BaseMetric subclass (compute_metrics) or a '
                              'before_val_epoch/after_val_iter hook')
        _check_extra(stmt, state['results'])
        kept.append(stmt)
    return kept
