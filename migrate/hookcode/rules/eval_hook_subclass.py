"""HK009: a custom ``EvalHook``/``DistEvalHook`` subclass.

Ported where the mapping is exact (see :mod:`._eval_hook_port`): a subclass whose only
override is a ``_do_evaluate`` running the standard evaluation plus code of its own becomes a
plain hook registered under the **same class name** in ``HOOKS``, at ``LOWEST`` priority, whose
``after_val_epoch(runner, metrics)`` runs that code; its constructor takes the legacy
``evaluation`` keywords (``dict(type=<name>, **evaluation)`` in ``custom_hooks``). A subclass
with nothing of its own is removed. Every other shape (an ``evaluate`` override, a different
test function, scheduling overrides, an ``__init__`` of its own) is left as written with a
marker saying which method blocks the port and what to write instead.
"""
from __future__ import annotations

import re
import textwrap
from typing import Dict, List, Optional, Set

import libcst as cst

from migrate.hookcode.classes import EVAL_HOOK, HOOK
from migrate.hookcode.context import HookContext, add_comment, marker, wrapped
from migrate.hookcode.import_edits import drop_imported, used_names
from migrate.hookcode.names import ADDED, EVAL_HOOKS
from migrate.hookcode.recognise import base_names, dotted, import_module_name, registers_hook
from migrate.hookcode.rules._eval_hook_port import (KEPT_ARGS, MOVED_ATTRS, NAMED_ARGS,
                                                    NotPortable, split)
from migrate.hookcode.rules._framework import methods
from migrate.hookcode.rules.base import HookRule, MethodTransformer
from migrate.hookcode.rules.helpers import Helpers
from migrate.hookcode.rules.log_buffer import LogBuffer
from migrate.hookcode.rules.runner_attributes import RunnerAttributes
from migrate.hookcode.rules.timeline import Timeline

ITER_READ = ('runner.iter is the same here in an epoch-based run; an iteration-based val loop '
             'runs after the iteration counter moved on (MMCV evaluated in after_train_iter '
             'before it), so read runner.iter - 1 there')
META_LEFT = ("runner.meta does not exist in MMEngine: runner.meta['hook_msgs'][key] is "
             'runner.message_hub.get_info(key) / update_info(key, value); write it so')
_SCHEDULING = ('before_train_epoch', 'before_train_iter', 'after_train_epoch',
               'after_train_iter', '_should_evaluate', '_decide_interval')


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _a(name: str) -> str:
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


def _blocker(cls: cst.ClassDef, local_eval_hooks: Set[str], pkg: str) -> Optional[str]:
    """Why the class cannot be ported, or None."""
    local = [b for b in base_names(cls) if b in local_eval_hooks]
    if local:
        return (f'it is built on {local[0]} of this module: port the two together by hand '
                '(MMEngine: one hook\'s after_val_epoch)')
    for stmt in cls.body.body:
        if isinstance(stmt, cst.FunctionDef):
            name = stmt.name.value
            if name == '_do_evaluate':
                continue
            if name == 'evaluate':
                return ('evaluate() changes how the predictions are scored: MMEngine scores '
                        f'in the val evaluator: write a {pkg}.BaseMetric subclass whose '
                        'compute_metrics does the same on the gathered results and name it in '
                        'val_evaluator')
            if name in _SCHEDULING:
                return (f'{name}() changes when evaluation runs: MMEngine\'s train loop '
                        'decides it from train_cfg val_interval/val_begin/dynamic_intervals; '
                        'set those (or a custom loop) instead')
            if name == '__init__':
                return ('__init__ of its own: write a plain hook taking those arguments, with '
                        'after_val_epoch(runner, metrics) for what _do_evaluate added')
            return (f'{name}() has no place in MMEngine\'s evaluation: move it to a plain '
                    'hook (after_val_epoch(runner, metrics)) or a BaseMetric subclass')
        if not (isinstance(stmt, cst.SimpleStatementLine) and all(
                isinstance(s, (cst.Expr, cst.Pass)) for s in stmt.body)):
            return 'class attributes of its own: port the class by hand'
    return None


# -- rewriting the code of its own ----------------------------------------------------------------
class _ScoreReads(cst.CSTVisitor):
    def __init__(self, score: str):
        self.score, self.read = score, False

    def visit_Assign(self, node: cst.Assign) -> bool:
        return not (isinstance(node.value, cst.Call) and dotted(node.value.func) ==
                    'self.evaluate')

    def visit_Name(self, node: cst.Name) -> None:
        self.read = self.read or node.value == self.score


def _hook_msg_key(target) -> Optional[cst.BaseExpression]:
    """``k`` of a ``runner.meta['hook_msgs'][k]`` target, else None."""
    if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Subscript) \
            and _code(target.value.value) == 'runner.meta' and len(target.value.slice) == 1 \
            and _code(target.value.slice[0].slice) in ("'hook_msgs'", '"hook_msgs"') \
            and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
        return target.slice[0].slice.value
    return None


class _Rewrite(cst.CSTTransformer):
    """The moved body: the score from the metrics, meta writes to the message hub, runner.epoch
    as it was before the val loop, the EvalHook attributes with an MMEngine home."""

    def __init__(self, score_read: bool):
        super().__init__()
        self.score_read = score_read

    def leave_SimpleStatementLine(self, original, updated):
        small = updated.body[0] if len(updated.body) == 1 else None
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) and \
                dotted(small.value.func) == 'self.evaluate':
            if not self.score_read:
                return cst.RemoveFromParent()
            return updated.with_changes(body=[small.with_changes(
                value=cst.parse_expression('self._key_score(metrics)'))])
        target = small.targets[0].target if isinstance(small, cst.Assign) and \
            len(small.targets) == 1 else small.target if isinstance(small, cst.AugAssign) \
            else None
        key = _hook_msg_key(target)
        if key is not None:
            value = small.value
            if isinstance(small, cst.AugAssign):   # x[k] += v: x[k] + v, read as HK004 reads it
                op = _code(small.operator).strip()[:-1]
                right = _code(small.value)
                if not isinstance(small.value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript,
                                                cst.Integer, cst.Float, cst.SimpleString)):
                    right = f'({right})'
                value = cst.parse_expression(f'{_code(target)} {op} {right}')
            call = cst.parse_expression('runner.message_hub.update_info(k, v)')
            call = call.with_changes(args=[call.args[0].with_changes(value=key),
                                           call.args[1].with_changes(value=value)])
            return updated.with_changes(body=[cst.Expr(call)])
        return updated

    def leave_Attribute(self, original, updated):
        path = dotted(original)
        if path == 'runner.epoch':
            return cst.parse_expression('(runner.epoch - 1)')
        if path.startswith('self.') and original.attr.value in MOVED_ATTRS:
            return cst.parse_expression(MOVED_ATTRS[original.attr.value])
        return updated

    def leave_If(self, original, updated):
        if not updated.body.body:
            return cst.RemoveFromParent()
        return updated


class _Leftovers(MethodTransformer):
    """What the moved code still reads that MMEngine's runner lacks or counts differently."""

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if self.active and dotted(node) == 'runner.iter':
            self.mark('note', ITER_READ)
        if self.active and dotted(node) == 'runner.meta' and not self._said('HK004'):
            self.mark('manual', META_LEFT)
        return True

    def _said(self, rule: str) -> bool:
        node = self._statements[-1][0] if self._statements else None
        return any(line.comment is not None and line.comment.value.startswith(
            f'# migrate[{rule}]') for line in getattr(node, 'leading_lines', ()))


def _self_attrs(nodes: List[cst.CSTNode]) -> Set[str]:
    found: Set[str] = set()

    class _V(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            if dotted(node.value) == 'self':
                found.add(node.attr.value)

    for node in nodes:
        node.visit(_V())
    return found


def _init(attrs: Set[str], dist: bool) -> cst.FunctionDef:
    params = [f'{name}={default}' for name, default in KEPT_ARGS if name in attrs]
    lines = [f'self.{name} = {name}' for name, _ in KEPT_ARGS if name in attrs]
    if 'key_indicator' in attrs:
        lines.append('self.key_indicator = save_best')
    if 'eval_kwargs' in attrs:
        lines.append('# MMCV\'s EvalHook took these by name: they were not in its eval_kwargs')
        names = NAMED_ARGS if dist else NAMED_ARGS[:-3]   # DistEvalHook's own three last
        head, *rest = textwrap.wrap(f'for key in {names!r}:', 90, break_long_words=False)
        lines.extend([head] + ['            ' + r for r in rest])
        lines.append('    eval_kwargs.pop(key, None)')
        lines.append('self.eval_kwargs = eval_kwargs')
    head = ', '.join(['self'] + params + ['**eval_kwargs'])
    body = '\n'.join('    ' + line for line in lines) or '    pass'
    other = 'other ' if params else ''
    return cst.parse_statement(
        f'def __init__({head}):\n'
        f'    # the {other}evaluation settings are the val loop\'s, the val evaluator\'s and the\n'
        '    # checkpoint hook\'s now\n'
        f'{body}\n')


_KEY_SCORE = '''def _key_score(self, metrics):
    # what MMCV's EvalHook.evaluate returned: the save_best metric (auto: the
    # first one), None without save_best or without metrics
    if self.save_best is None or not metrics:
        return None
    if self.key_indicator == 'auto':
        self.key_indicator = next(iter(metrics))
    return metrics[self.key_indicator]
'''


class EvalHookSubclass(HookRule):
    id = 'HK009'
    name = 'eval-hook-subclass'
    summary = ('an evaluation hook whose _do_evaluate adds code to the standard evaluation '
               'becomes a plain hook (same name, after_val_epoch); other shapes are left with '
               'their port spelled out')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        self._pkg = 'mmengine.evaluator' if ctx.target == 'mmengine' else 'engine.evaluator'
        local = {name for name, kind in kinds.items() if kind == EVAL_HOOK}
        body: List[cst.BaseStatement] = []
        carried: List[cst.EmptyLine] = []
        ported = False
        self._needs: Set[str] = set()
        built_on = {b for s in module.body if isinstance(s, cst.ClassDef)
                    for b in base_names(s) if b in local}
        for stmt in module.body:
            if not (isinstance(stmt, cst.ClassDef) and kinds.get(stmt.name.value) == EVAL_HOOK):
                body.append(stmt)
                continue
            base = next((_code(a.value) for a in stmt.bases), '?')
            if any(line.comment is not None and line.comment.value.startswith('# migrate[HK009]')
                   for line in stmt.leading_lines):
                body.append(stmt)   # said already
                continue
            reason = _blocker(stmt, local, self._pkg)
            if reason is None and stmt.name.value in built_on:
                reason = ('other classes of this module are built on it: port them together '
                          'by hand (MMEngine: one hook\'s after_val_epoch)')
            evaluation = None
            if reason is None:
                fn = next((s for s in stmt.body.body if isinstance(s, cst.FunctionDef)), None)
                try:
                    evaluation = split(fn) if fn is not None else None
                except NotPortable as exc:
                    reason = f'_do_evaluate: {exc}'
            if reason is not None:
                body.append(self._mark(stmt, base, reason, ctx))
                continue
            ported = True
            new = self._port(stmt, base, evaluation, ctx)
            if new is None:
                body.append(self._removed_lines(stmt, base, evaluation, ctx))
            else:
                body.append(new)
        body = self._place(body, carried)
        module = module.with_changes(body=body)
        if carried:
            module = module.with_changes(footer=list(module.footer) + carried)
        if ported:
            module = self._drop_unused_downstream(module, ctx)
        return module

    @staticmethod
    def _place(body: List, carried: List[cst.EmptyLine]) -> List[cst.BaseStatement]:
        """The removed classes' comment lines (lists in ``body``) above the next statement;
        those of the last ones go to ``carried`` (the module footer)."""
        out: List[cst.BaseStatement] = []
        pending: List[cst.EmptyLine] = []
        for item in body:
            if isinstance(item, list):
                pending.extend(item)
                continue
            if pending and hasattr(item, 'leading_lines'):
                item = item.with_changes(leading_lines=pending + list(item.leading_lines))
                pending = []
            out.append(item)
        carried.extend(pending)
        return out

    def _new_imports(self, module: cst.Module, ctx: HookContext) -> List[cst.BaseStatement]:
        """The imports the ported classes need and the module lacks, one per new module."""
        imported: Set[str] = set()
        for stmt in module.body:
            node = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) else None
            if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
                imported.update(a.asname.name.value if a.asname else dotted(a.name)
                                for a in node.names)
        where: Dict[str, List[str]] = {}
        for name in sorted(self._needs - imported):
            where.setdefault(ADDED[name][ctx.target], []).append(name)
        self._needs.clear()
        return [cst.parse_statement(f'from {m} import {", ".join(names)}\n')
                for m, names in sorted(where.items())]

    # -- marked ------------------------------------------------------------------------------
    def _mark(self, cls: cst.ClassDef, base: str, reason: str, ctx: HookContext) -> cst.ClassDef:
        message = (f'{cls.name.value} subclasses {base} ({methods(cls)}) and is not ported: '
                   f'{reason}. MMEngine evaluates in the val loop (after every '
                   'after_train_epoch hook): interval/start are train_cfg '
                   'val_interval/val_begin, save_best/rule default_hooks.checkpoint, reactions '
                   'to the results after_val_epoch(runner, metrics) of a plain hook')
        ctx.report(self.id, 'manual', cls.name.value, message)
        return add_comment(cls, marker(self.id, message))

    # -- removed -----------------------------------------------------------------------------
    def _removed_lines(self, cls: cst.ClassDef, base: str, evaluation, ctx: HookContext
                       ) -> List[cst.EmptyLine]:
        what = 'runs the standard evaluation only' if evaluation is not None else \
            'overrides nothing'
        message = (f'{cls.name.value} ({_a(base)}) is removed: it {what}, which MMEngine\'s val '
                   'loop, val_evaluator and default_hooks.checkpoint (save_best) do; the config '
                   'converter writes them from evaluation')
        ctx.report(self.id, 'note', cls.name.value, message)
        lines = [line for line in cls.leading_lines if line.comment is not None]
        lines = [cst.EmptyLine()] * 2 + lines
        for text in [message] + self._dropped(cls.name.value, evaluation, ctx):
            lines += [cst.EmptyLine(comment=cst.Comment(t)) for t in wrapped(marker(self.id, text))]
        return lines

    def _dropped(self, name: str, evaluation, ctx: HookContext) -> List[str]:
        """What the standard steps the port dropped meant, reported; the marker texts."""
        found = []
        if evaluation is None:
            return found
        if 'broadcast_bn_buffer' in evaluation.dropped:
            found.append(('approximation', 'BatchNorm buffers were broadcast from rank 0 before '
                          "evaluating: add custom_hooks=[dict(type='SyncBuffersHook')] (it "
                          'all-reduces their mean instead)'))
        if 'eval_iter_num' in evaluation.dropped:
            found.append(('note', "runner.log_buffer.output['eval_iter_num'] dropped: MMEngine's "
                          'log processor counts the val iterations itself'))
        if evaluation.truthy_guard:
            found.append(('approximation', 'a save_best score of 0 skipped _save_ckpt in MMCV '
                          "(if key_score:); MMEngine's checkpoint hook compares it like any "
                          'other score'))
        for severity, text in found:
            ctx.report(self.id, severity, f'{name}._do_evaluate', text)
        return [text for _, text in found]

    # -- ported ------------------------------------------------------------------------------
    def _port(self, cls: cst.ClassDef, base: str, evaluation, ctx: HookContext
              ) -> Optional[cst.ClassDef]:
        if evaluation is None or not evaluation.body:
            return None
        name = cls.name.value
        score_read = False
        if evaluation.score is not None:
            reads = _ScoreReads(evaluation.score)
            for stmt in evaluation.body:
                stmt.visit(reads)
            score_read = reads.read
        block = cst.IndentedBlock(body=evaluation.body)
        fn = cst.parse_statement('def after_val_epoch(self, runner, metrics=None):\n    pass\n')
        fn = fn.with_changes(body=block).visit(_Rewrite(score_read))
        if not fn.body.body:
            return None
        members: List[cst.BaseStatement] = []
        docstring = [s for s in cls.body.body if isinstance(s, cst.SimpleStatementLine)
                     and isinstance(s.body[0], cst.Expr)
                     and isinstance(s.body[0].value, (cst.SimpleString, cst.ConcatenatedString))]
        members.extend(docstring)
        blank = [cst.EmptyLine(indent=False)]
        members.append(cst.parse_statement("priority = 'LOWEST'\n").with_changes(
            leading_lines=blank))
        attrs = _self_attrs([fn]) | ({'save_best', 'key_indicator'} if score_read else set())
        members.append(_init(attrs, base.endswith('DistEvalHook')).with_changes(
            leading_lines=blank))
        members.append(fn.with_changes(leading_lines=blank))
        if score_read:
            members.append(cst.parse_statement(_KEY_SCORE).with_changes(leading_lines=blank))
        original = next(s for s in cls.body.body if isinstance(s, cst.FunctionDef))
        decorators = list(cls.decorators)
        if not registers_hook(cls):
            decorators.append(cst.Decorator(cst.parse_expression('HOOKS.register_module()')))
            self._needs.add('HOOKS')
        self._needs.add('Hook')
        new = cls.with_changes(
            bases=[cst.Arg(cst.Name('Hook'))], decorators=decorators,
            body=cls.body.with_changes(body=members))
        new = self._convert_body(new, ctx)
        message = (f'{name} was {_a(base)} ({original.name.value}): the val loop (train_cfg '
                   'val_interval/val_begin), val_evaluator and default_hooks.checkpoint '
                   '(save_best) evaluate and keep the best checkpoint now; what _do_evaluate '
                   'added runs in after_val_epoch at LOWEST, after the checkpoint hook, as after '
                   "_save_ckpt. MMEngine validates after every after_train_epoch hook (MMCV: "
                   'EvalHook at LOW inside after_train_epoch), hence runner.epoch - 1 (epoch-based '
                   'runs). Add '
                   f"dict(type='{name}', **evaluation) to custom_hooks and this module to "
                   'custom_imports')
        ctx.report(self.id, 'note', name, message)
        for text in [message] + self._dropped(name, evaluation, ctx):
            new = add_comment(new, marker(self.id, text))
        return new

    def _convert_body(self, cls: cst.ClassDef, ctx: HookContext) -> cst.ClassDef:
        """The plain-hook rules over the new class (they ran before this one)."""
        kinds = {cls.name.value: HOOK}
        module = cst.Module(body=[cls])
        for rule in (Helpers(), LogBuffer(), RunnerAttributes(), Timeline()):
            module = rule.apply(module, ctx, kinds)
        module = module.visit(_Leftovers(self, ctx, kinds))
        return module.body[0]

    # -- imports -----------------------------------------------------------------------------
    def _drop_unused_downstream(self, module: cst.Module, ctx: HookContext) -> cst.Module:
        """``from mmdet.core import EvalHook, DistEvalHook`` (or mmcv.runner's) once no class
        is built on them: the converted module must not need a legacy codebase to import; the
        new imports take the place of the first import dropped whole."""
        used = used_names(module)
        new_imports = self._new_imports(module, ctx)
        module, dropped, replaced = drop_imported(
            module, lambda source, name, local: name in EVAL_HOOKS and local not in used,
            new_imports)
        for source, gone in dropped:
            # an import finding, worded as HK001 words the mmcv ones it drops
            ctx.report('HK001', 'note', source,
                       f'from {source} import {", ".join(gone)}: no longer used by the '
                       'converted module (the classes built on it were ported), import dropped')
        if replaced:
            new_imports = []
        # none took a dropped import's place: the import rule adds them
        ctx.needed.update(n for s in new_imports for a in s.body[0].names
                          for n in [dotted(a.name)])
        return module
