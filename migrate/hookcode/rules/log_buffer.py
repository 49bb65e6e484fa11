"""HK005: ``runner.log_buffer`` (MMCV's per-interval scalar store) becomes the message hub.

``log_buffer.update({k: v}, n)`` is ``message_hub.update_scalar(f'{phase}/{k}', v, count=n)``
(MMEngine's LogProcessor reads the ``train/`` and ``val/`` scalars and averages them over its
window, as MMCV's logger hooks averaged the buffer over the interval). MMCV's EvalHook wrote
its metrics into ``log_buffer.output`` inside ``after_train_epoch``; MMEngine evaluates in the
val loop after every ``after_train_epoch`` hook and hands them to ``after_val_epoch(metrics)``,
so a train-epoch method that reads them moves there.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from migrate.hookcode.classes import HOOK
from migrate.hookcode.context import HookContext, add_comment, marker
from migrate.hookcode.recognise import dotted
from migrate.hookcode.rules.base import HookRule, MethodTransformer, phase_of
from migrate.hookcode.rules.runner_attributes import _index, _string

_EQ = cst.AssignEqual(cst.SimpleWhitespace(''), cst.SimpleWhitespace(''))


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _literal_items(node: cst.BaseExpression) -> Optional[List[Tuple[str, cst.BaseExpression]]]:
    """(key, value) of a ``{'k': v}`` or ``dict(k=v)`` with plain string keys, else None."""
    if isinstance(node, cst.Dict):
        items = []
        for el in node.elements:
            if not isinstance(el, cst.DictElement) or _string(el.key) is None:
                return None
            items.append((_string(el.key), el.value))
        return items
    if isinstance(node, cst.Call) and dotted(node.func) == 'dict':
        if any(a.keyword is None for a in node.args):
            return None
        return [(a.keyword.value, a.value) for a in node.args]
    return None


class _MoveEvalReaders(cst.CSTTransformer):
    """``runner.epoch`` inside a method moved from after_train_epoch to after_val_epoch."""

    def leave_Attribute(self, original, updated):
        if dotted(original) == 'runner.epoch':
            return cst.parse_expression('(runner.epoch - 1)')
        return updated


_MOVED = ('evaluation now runs in the val loop after every after_train_epoch hook (MMCV: '
          'EvalHook, LOW, inside after_train_epoch): moved from after_train_epoch, metrics '
          'come as the metrics argument; runner.epoch is already incremented here, hence '
          'runner.epoch - 1')


_VAL_OUTPUT = ('runner.log_buffer.output in after_val_epoch is the metrics argument: MMEngine '
               'calls after_val_epoch after evaluation with its metrics (MMCV called it after '
               'a workflow val phase, whose buffer held the val losses)')


_LAST = ("runner.log_buffer.val_history[key][-1] is runner.message_hub.get_scalar("
         "'train/<key>').current(): the last value recorded under the key (the step's log_vars "
         "are recorded by RuntimeInfoHook, VERY_HIGH, before this hook's after_train_iter, as "
         "MMCV's runner did before every after_train_iter hook)")
_WEIGHTED = ("count={count}: MMEngine's HistoryBuffer.mean(n), which its LogProcessor logs, is "
             "sum(values) / sum(counts), where MMCV's log_buffer.average weighted each value by "
             "its count: pass the value times the count ({value} * {count}) to keep MMCV's "
             "weighted average (then .current() is that product)")
#: log_buffer attribute -> (what it was, what to write instead), for the uses left marked
_NO_EQUIVALENT = {
    'clear': ("runner.log_buffer.clear() emptied MMCV's buffer (its logger hooks did so before "
              "every epoch); MMEngine's message hub keeps every scalar for the whole run and its "
              "LogProcessor averages the last window_size values: delete the call, and read a "
              "window (runner.message_hub.get_scalar('train/<key>').mean(n)) where the values "
              "since the epoch start were meant"),
    'clear_output': ("runner.log_buffer.clear_output() reset the averages average() had put in "
                     "log_buffer.output (and ready); MMEngine keeps no averaged output: delete "
                     "the call"),
    'average': ("runner.log_buffer.average(n) put the mean of every key's last n values into "
                "log_buffer.output, weighted by each update's count (the batch's num_samples for "
                "the runner's log_vars) and counted from the epoch start: read "
                "runner.message_hub.get_scalar('train/<key>').mean(n) for each key instead (one "
                "value per iteration, count 1, not reset at epoch starts)"),
    'ready': ("runner.log_buffer.ready (set by average(), reset by clear_output()) has no "
              "MMEngine equivalent: test the condition under which average() was called "
              "(e.g. self.every_n_inner_iters(batch_idx, n)) instead"),
    'output': ("runner.log_buffer.output held the averages of the last average(n) call (and "
               "EvalHook's metrics): read runner.message_hub.get_scalar('train/<key>').mean(n); "
               "metrics arrive in after_val_epoch(metrics)"),
    'val_history': ("runner.log_buffer.val_history[key] held the values since the epoch start "
                    "(the logger hooks cleared the buffer before every epoch): "
                    "runner.message_hub.get_scalar('train/<key>').data[0] holds every value of "
                    "the run, one per iteration (in an iteration stage this epoch's are its last "
                    "batch_idx + 1), .current() the last"),
    'n_history': ("runner.log_buffer.n_history[key] held each update's count (the batch's "
                  "num_samples for the runner's log_vars); MMEngine records count 1 per "
                  "iteration (get_scalar('train/<key>').data[1]): take the batch size from "
                  "data_batch"),
}
_VAL_HISTORY = ("runner.log_buffer.{attr} outside the train stages held a workflow val phase's "
                "losses: MMEngine's val loop records no losses; its metrics arrive in "
                "after_val_epoch(metrics)")


def _minus_one(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
        and isinstance(node.expression, cst.Integer) and node.expression.value == '1'


def _only_index(node: cst.Subscript) -> Optional[cst.BaseExpression]:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return node.slice[0].slice.value


def _hub_key(key: cst.BaseExpression) -> Optional[str]:
    """The message-hub key (code) of a legacy buffer key: ``'train/<key>'``."""
    literal = _string(key)
    if literal is not None:
        return repr(f'train/{literal}')
    code = _code(key)
    if any(c in code for c in '\'"{}\\\n'):
        return None
    return f"f'train/{{{code}}}'"


def _last_value(node: cst.Subscript) -> Optional[str]:
    """The hub key of ``runner.log_buffer.val_history[key][-1]``, else None."""
    inner = node.value
    if not isinstance(inner, cst.Subscript) or \
            dotted(inner.value) != 'runner.log_buffer.val_history':
        return None
    last, key = _only_index(node), _only_index(inner)
    if last is None or key is None or not _minus_one(last):
        return None
    return _hub_key(key)


class _LogBuffer(MethodTransformer):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._exact: set = set()   # val_history attributes inside a converted [key][-1]

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        if self.active and phase_of(self.method) == 'train' and _last_value(node):
            self._exact.add(id(node.value.value))
        return True

    def _prefix(self) -> str:
        return phase_of(self.method) or 'train'

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine):
        if not self.active or len(updated.body) != 1:
            return updated
        small = updated.body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) \
                and dotted(small.value.func) == 'runner.log_buffer.update':
            return self._update(updated, small.value)
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            if isinstance(target, cst.Subscript) and \
                    dotted(target.value) == 'runner.log_buffer.output':
                key = _index(target)
                if key is not None:
                    self.changed()
                    return self._scalar_line(updated, f"'{self._prefix()}/{key}'", small.value)
        return updated

    def _scalar_line(self, line, key: str, value, count=None):
        args = [cst.Arg(cst.parse_expression(key)), cst.Arg(value)]
        if count is not None:
            args.append(cst.Arg(count, keyword=cst.Name('count'), equal=_EQ))
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
        call = cst.Call(cst.parse_expression('runner.message_hub.update_scalar'), args=args)
        return line.with_changes(body=[cst.Expr(call)])

    def _update(self, line: cst.SimpleStatementLine, call: cst.Call):
        if not call.args or len(call.args) > 2 or any(a.star for a in call.args):
            return line
        count = call.args[1].value if len(call.args) == 2 else None
        if phase_of(self.method) is None:
            self.mark('manual', 'runner.log_buffer.update outside a train/val stage: write '
                      "runner.message_hub.update_scalar('train/<key>', value) for each key")
            return line
        self.changed()
        self.note(f'runner.log_buffer.update(...) is one message_hub.update_scalar per key '
                  f'under {self._prefix()}/ (the LogProcessor averages them over its window)')
        if count is not None and not (isinstance(count, cst.Integer) and count.value == '1'):
            self.mark('approximation', _WEIGHTED.format(count=_code(count), value='value'))
        items = _literal_items(call.args[0].value)
        if items is not None:
            lines = [self._scalar_line(line if i == 0 else cst.SimpleStatementLine([]),
                                       f"'{self._prefix()}/{k}'", v, count)
                     for i, (k, v) in enumerate(items)]
            return cst.FlattenSentinel(lines) if len(lines) != 1 else lines[0]
        extra = f', count={_code(count)}' if count is not None else ''
        values = _code(call.args[0].value)
        if not isinstance(call.args[0].value, (cst.Name, cst.Attribute, cst.Subscript,
                                               cst.Call)):
            values = f'({values})'
        loop = cst.parse_statement(
            f'for key, value in {values}.items():\n'
            f"    runner.message_hub.update_scalar(f'{self._prefix()}/{{key}}', value{extra})\n")
        return loop.with_changes(leading_lines=line.leading_lines)

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        if not self.active:
            return updated
        if isinstance(original.value, cst.Subscript) and \
                id(original.value.value) in self._exact:
            self.changed()
            self.note(_LAST)
            return cst.parse_expression(
                f'runner.message_hub.get_scalar({_last_value(original)}).current()')
        if dotted(original.value) != 'runner.log_buffer.output':
            return updated
        if self.method == 'after_val_epoch':
            self.changed()
            self.note(_VAL_OUTPUT)
            return updated.with_changes(value=cst.Name('metrics'))
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if not self.active:
            return updated
        path = dotted(original)
        if path == 'runner.log_buffer.output' and self.method == 'after_val_epoch':
            self.changed()
            self.note(_VAL_OUTPUT)
            return cst.Name('metrics')
        attr = path[len('runner.log_buffer.'):] if path.startswith('runner.log_buffer.') \
            else None
        if attr not in _NO_EQUIVALENT or id(original) in self._exact:
            return updated
        if attr in ('val_history', 'n_history') and phase_of(self.method) not in ('train', None):
            self.mark('manual', _VAL_HISTORY.format(attr=attr))
        else:
            self.mark('manual', _NO_EQUIVALENT[attr])
        return updated


def _reads_eval_output(fn: cst.FunctionDef) -> bool:
    return 'runner.log_buffer.output' in _code(fn)


class LogBuffer(HookRule):
    id = 'HK005'
    name = 'log-buffer'
    summary = ('runner.log_buffer.update/output become message-hub scalars; a train-epoch '
               'method reading the evaluation results moves to after_val_epoch(metrics)')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        body = []
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef) and kinds.get(stmt.name.value) == HOOK:
                stmt = self._move(stmt, ctx)
            body.append(stmt)
        module = module.with_changes(body=body)
        return module.visit(_LogBuffer(self, ctx, kinds))

    def _move(self, cls: cst.ClassDef, ctx: HookContext) -> cst.ClassDef:
        methods = {s.name.value for s in cls.body.body if isinstance(s, cst.FunctionDef)}
        if 'after_val_epoch' in methods:
            return cls
        body = []
        for stmt in cls.body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == 'after_train_epoch' \
                    and _reads_eval_output(stmt):
                ctx.report(self.id, 'note', f'{cls.name.value}.after_train_epoch', _MOVED)
                stmt = stmt.visit(_MoveEvalReaders())
                params = list(stmt.params.params) + [cst.Param(
                    cst.Name('metrics'), default=cst.Name('None'), equal=_EQ)]
                stmt = stmt.with_changes(
                    name=cst.Name('after_val_epoch'),
                    params=stmt.params.with_changes(params=[
                        p.with_changes(comma=cst.MaybeSentinel.DEFAULT) for p in params]))
                stmt = add_comment(stmt, marker(self.id, _MOVED))
            body.append(stmt)
        return cls.with_changes(body=cls.body.with_changes(body=body))
