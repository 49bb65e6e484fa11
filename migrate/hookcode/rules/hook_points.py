"""HK002: legacy hook points become the stages MMEngine calls, with its signatures.

MMEngine calls ``hook.<stage>(runner, **kwargs)``: a legacy ``after_train_iter(self, runner)``
raises TypeError there, and a legacy override of the generic ``before_epoch``/``after_iter``
is never called. MMCV 1.7.2's ``Hook.<train/val stage>`` called the generic method (unless the
class overrode that stage without calling super()), so a generic method becomes the stages it
ran from: the train one, and the val one for every generic method of a class that shows it ran
in val phases (reads ``runner.mode``, defines a val stage, or left a generic method only the
val stage); one the class reaches through super() or calls itself becomes a plain method that
those stages call. A method named like a stage that neither Hook defines (mmgen's
``before_fetch_train_data``), which nothing in its module calls, ran only from a downstream
runner: it is marked, with the nearest MMEngine stage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional

import libcst as cst

from migrate.hookcode.classes import HOOK
from migrate.hookcode.context import HookContext, add_comment, has_marker, marker
from migrate.hookcode.recognise import base_names, dotted
from migrate.hookcode.rules.base import HookRule

#: stage -> the parameters MMEngine 0.10.7 passes after ``runner`` (name, default or None)
_EXTRA = {
    'before_train_iter': [('batch_idx', None), ('data_batch', 'None')],
    'before_val_iter': [('batch_idx', None), ('data_batch', 'None')],
    'before_test_iter': [('batch_idx', None), ('data_batch', 'None')],
    'after_train_iter': [('batch_idx', None), ('data_batch', 'None'), ('outputs', 'None')],
    'after_val_iter': [('batch_idx', None), ('data_batch', 'None'), ('outputs', 'None')],
    'after_test_iter': [('batch_idx', None), ('data_batch', 'None'), ('outputs', 'None')],
    'after_val_epoch': [('metrics', 'None')],
    'after_test_epoch': [('metrics', 'None')],
}
_RUNNER_ONLY = ('before_run', 'after_run', 'before_train_epoch', 'after_train_epoch',
                'before_val_epoch', 'before_test_epoch')
#: legacy generic method -> (train stage, val stage)
_GENERIC = {'before_epoch': ('before_train_epoch', 'before_val_epoch'),
            'after_epoch': ('after_train_epoch', 'after_val_epoch'),
            'before_iter': ('before_train_iter', 'before_val_iter'),
            'after_iter': ('after_train_iter', 'after_val_iter')}


#: every stage MMCV 1.7.2's Hook or MMEngine 0.10.7's Hook defines: what some runner calls
_KNOWN_STAGES = frozenset(_GENERIC) | frozenset(_EXTRA) | frozenset(_RUNNER_ONLY) | {
    'before_train', 'after_train', 'before_val', 'after_val', 'before_test', 'after_test',
    'before_save_checkpoint', 'after_load_checkpoint', 'after_train_epoch',
    'after_val_epoch', 'after_test_epoch'}
_STAGE_LIKE = re.compile(r'(before|after)_[a-z0-9_]+$')


def _nearest_stage(method: str) -> str:
    """The MMEngine stage nearest to a stage only a downstream runner called: fetching data
    happens just before the iteration (before_<phase>_iter receives the fetched batch)."""
    when, _, rest = method.partition('_')
    words = rest.split('_')
    phase = next((p for p in ('val', 'test') if p in words), 'train')
    if {'fetch', 'data', 'batch'} & set(words):
        return f'before_{phase}_iter'
    if {'iter', 'step', 'update', 'optimize', 'backward', 'forward'} & set(words):
        return f'{when}_{phase}_iter'
    if 'epoch' in words:
        return f'{when}_{phase}_epoch'
    return f'{when}_{phase}'


def _downstream_stage(method: str, module_code: str) -> bool:
    """A method named like a stage that neither MMCV's Hook nor MMEngine's defines, and that
    nothing in the module calls or names (a stage of a base class here may call it): only a
    downstream runner called it."""
    if method in _KNOWN_STAGES or not _STAGE_LIKE.match(method):
        return False
    return re.search(r'\.' + method + r'\b|[\'"]' + method + r'[\'"]', module_code) is None


_GENERIC_OF = {stage: g for g, pair in _GENERIC.items() for stage in pair}
_VAL_STAGES = tuple(val for _, val in _GENERIC.values())


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _listed(items: List[str]) -> str:
    return ' and '.join(items) if len(items) < 3 else ', '.join(items[:-1]) + ' and ' + items[-1]


def _reads_mode(fn: cst.FunctionDef) -> bool:
    return re.search(r'\brunner\.mode\b', _code(fn)) is not None


def _forwards(fn: cst.FunctionDef, stage: str) -> bool:
    """Does a stage override call the base's stage (``super().<stage>(runner)`` or
    ``Hook.<stage>(self, runner)``), which in MMCV called the generic method?"""
    return re.search(r'\b(super\(\)|Hook)\.' + stage + r'\(', _code(fn)) is not None


@dataclass
class _Plan:
    """Where MMCV called one generic method of a class from."""

    from_base: List[str]        # stages the class left to Hook, which called the generic
    through_super: List[str]    # stage overrides that reached it through super()
    called: bool                # the class calls self.<generic>(...) itself

    @property
    def kept(self) -> bool:
        return bool(self.through_super or self.called)

    def ran_from(self, generic: str) -> List[str]:
        return [f'Hook.{s}' for s in self.from_base] + \
            [f'its {s} (which called Hook.{s})' for s in self.through_super] + \
            ([f'the class\'s own self.{generic}(...) calls'] if self.called else [])


def _plan(generic: str, funcs: Dict[str, cst.FunctionDef], on_hook: bool) -> _Plan:
    """``on_hook``: the class's base is MMCV's Hook itself, so super() reaches its forwarding."""
    stages = _GENERIC[generic]
    called = any(re.search(r'\bself\.' + generic + r'\(', _code(fn))
                 for name, fn in funcs.items() if name != generic)
    return _Plan([s for s in stages if s not in funcs],
                 [s for s in stages if on_hook and s in funcs and _forwards(funcs[s], s)],
                 called)


def _val_reason(funcs: Dict[str, cst.FunctionDef], plans: Dict[str, _Plan]) -> Optional[str]:
    """Why the class is taken to have run in MMCV's val phases, or None: every generic method
    MMCV's Hook forwarded from a val stage ran there too, so one sign is enough for all."""
    for name, fn in funcs.items():
        if (name in _GENERIC or (name not in _EXTRA and name not in _RUNNER_ONLY)) \
                and _reads_mode(fn):
            return f'{name} reads runner.mode'
    for stage in _VAL_STAGES:
        if stage in funcs:
            return f'the class defines {stage}'
    for generic, plan in plans.items():
        train, val = _GENERIC[generic]
        if train in funcs and train not in plan.through_super and \
                (val in plan.from_base or val in plan.through_super):
            return f'it overrides {train}, so {generic} ran only in val phases'
    return None


class _CallShared(cst.CSTTransformer):
    """In a class whose generic methods became shared methods (``shared``: generic -> new
    name): ``self.<generic>(...)`` calls the new name, and in a stage override that reached a
    generic method through the base (``stage``), ``super().<stage>(runner)`` (or
    ``Hook.<stage>(self, runner)``) is ``self.<new name>(runner)``, what MMCV's Hook did."""

    def __init__(self, shared: Dict[str, str], stage: Optional[str] = None):
        super().__init__()
        self.shared, self.stage = shared, stage

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not isinstance(func, cst.Attribute):
            return updated
        head, name = func.value, func.attr.value
        if dotted(head) == 'self' and name in self.shared:
            return updated.with_changes(func=func.with_changes(
                attr=cst.Name(self.shared[name])))
        if self.stage is None or name != self.stage:
            return updated
        if isinstance(head, cst.Call) and dotted(head.func) == 'super' and \
                len(updated.args) == 1:
            runner = updated.args[0]
        elif dotted(head) == 'Hook' and len(updated.args) == 2:
            runner = updated.args[1]
        else:
            return updated
        return cst.Call(cst.parse_expression(f'self.{self.shared[_GENERIC_OF[name]]}'),
                        args=[runner.with_changes(comma=cst.MaybeSentinel.DEFAULT)])


def _shared_name(generic: str) -> str:
    """before_epoch -> before_each_epoch: a plain method the stages call (the engine refuses a
    hook that still defines MMCV's generic names)."""
    when, what = generic.split('_')
    return f'{when}_each_{what}'


def _forwarder(fn: cst.FunctionDef, stage: str) -> cst.FunctionDef:
    """``def <stage>(self, runner, ...): self.<shared method>(runner)``."""
    legacy = _legacy_params(fn)
    runner = legacy[1] if legacy else 'runner'
    extra = ''.join(f', {n}' + (f'={d}' if d else '') for n, d in _EXTRA.get(stage, []))
    new = cst.parse_statement(f'def {stage}(self, {runner}{extra}):\n'
                              f'    self.{fn.name.value}({runner})\n')
    return new.with_changes(leading_lines=[cst.EmptyLine(indent=False)])


def _param(name: str, default: Optional[str]) -> cst.Param:
    if default is None:
        return cst.Param(cst.Name(name))
    return cst.Param(cst.Name(name), default=cst.parse_expression(default),
                     equal=cst.AssignEqual(cst.SimpleWhitespace(''), cst.SimpleWhitespace('')))


def _legacy_params(fn: cst.FunctionDef) -> Optional[List[str]]:
    """[self, runner] names if ``fn`` has exactly the legacy signature, else None."""
    p = fn.params
    if p.star_arg is not cst.MaybeSentinel.DEFAULT or p.kwonly_params or p.star_kwarg \
            or p.posonly_params or len(p.params) != 2 or any(x.default for x in p.params):
        return None
    return [x.name.value for x in p.params]


def _new_params(fn: cst.FunctionDef, stage: str) -> cst.Parameters:
    params = list(fn.params.params)
    params += [_param(name, default) for name, default in _EXTRA[stage]]
    return fn.params.with_changes(params=[
        x.with_changes(comma=cst.MaybeSentinel.DEFAULT) for x in params])


def _signature_ok(fn: cst.FunctionDef, stage: str) -> bool:
    names = [x.name.value for x in fn.params.params]
    return names[2:] == [n for n, _ in _EXTRA.get(stage, [])]


class _SuperCalls(cst.CSTTransformer):
    """``super().after_train_iter(runner)`` (or ``Hook.after_train_iter(self, runner)``) inside
    a stage gets the stage's new arguments."""

    def __init__(self, stage: str):
        super().__init__()
        self.stage = stage

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not (isinstance(func, cst.Attribute) and self.stage in _EXTRA
                and func.attr.value == self.stage):
            return updated
        head = func.value
        # super().<stage>(runner), self.<stage>(runner) or Hook.<stage>(self, runner)
        base = dotted(head) == 'Hook'
        if len(updated.args) != 1 + base or not (
                base or dotted(head) == 'self'
                or (isinstance(head, cst.Call) and dotted(head.func) == 'super')):
            return updated
        extra = [cst.Arg(cst.Name(n)) for n, _ in _EXTRA[self.stage]]
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT)
                for a in list(updated.args) + extra]
        return updated.with_changes(args=args)


class HookPoints(HookRule):
    id = 'HK002'
    name = 'hook-points'
    summary = ('generic before/after_epoch/iter overrides become the train (and val) stages '
               'MMCV called them from; every stage gets the signature MMEngine calls it with')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        body = []
        code = module.code
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef) and kinds.get(stmt.name.value) == HOOK:
                stmt = self._convert_class(stmt, ctx, code)
            body.append(stmt)
        return module.with_changes(body=body)

    def _convert_class(self, cls: cst.ClassDef, ctx: HookContext,
                       module_code: str) -> cst.ClassDef:
        name = cls.name.value
        funcs = {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}
        on_hook = base_names(cls) == ['Hook']
        plans = {g: _plan(g, funcs, on_hook) for g in _GENERIC if g in funcs}
        in_val = _val_reason(funcs, plans)
        shared = {g: _shared_name(g) for g, plan in plans.items()
                  if plan.kept and _shared_name(g) not in funcs}
        body: List[cst.BaseStatement] = []
        for stmt in cls.body.body:
            if not isinstance(stmt, cst.FunctionDef):
                body.append(stmt)
                continue
            method = stmt.name.value
            generic = _GENERIC_OF.get(method)
            forwarded = generic in shared and method in plans[generic].through_super
            if shared:
                stmt = stmt.visit(_CallShared(shared, method if forwarded else None))
            if method in _GENERIC:
                body.extend(self._generic(stmt, name, plans[method], in_val, shared, ctx))
                continue
            if method in _EXTRA or method in _RUNNER_ONLY:
                stmt = self._stage(stmt, method, name, ctx)
            elif _downstream_stage(method, module_code):
                stmt = self._downstream(stmt, name, ctx)
            body.append(stmt)
        return cls.with_changes(body=cls.body.with_changes(body=body))

    def _downstream(self, fn: cst.FunctionDef, cls: str, ctx: HookContext) -> cst.FunctionDef:
        method = fn.name.value
        nearest = _nearest_stage(method)
        extra = ''.join(f', {n}' + (f'={d}' if d else '') for n, d in _EXTRA.get(nearest, []))
        message = (f'{method} is no stage of MMCV\'s Hook or MMEngine\'s: only a downstream '
                   'runner called it (MMCV\'s own runners call only Hook.stages), and that '
                   f'runner is gone: MMEngine never calls it. The nearest MMEngine stage is '
                   f'{nearest}(self, runner{extra}): move the body there (or call it from '
                   'there) if it must run')
        if has_marker(fn, self.id):
            return fn   # said already (a converted module converted again)
        ctx.report(self.id, 'manual', f'{cls}.{method}', message)
        return add_comment(fn, marker(self.id, message))

    def _stage(self, fn: cst.FunctionDef, stage: str, cls: str,
               ctx: HookContext) -> cst.FunctionDef:
        if stage not in _EXTRA or _signature_ok(fn, stage):
            return fn
        if _legacy_params(fn) is None:
            ctx.report(self.id, 'manual', f'{cls}.{stage}',
                       f'{stage} has a signature the converter does not know; MMEngine calls '
                       f'it as {stage}(runner, ' + ', '.join(
                           f'{n}={d or n}' for n, d in _EXTRA[stage]) + '): write it so')
            return fn
        ctx.report(self.id, 'note', f'{cls}.{stage}',
                   f'{stage}(self, runner) now takes ' + ', '.join(
                       n for n, _ in _EXTRA[stage]) + ' as MMEngine passes them')
        fn = fn.with_changes(params=_new_params(fn, stage))
        return fn.visit(_SuperCalls(stage))

    def _generic(self, fn: cst.FunctionDef, cls: str, plan: _Plan, in_val: Optional[str],
                 shared: Dict[str, str], ctx: HookContext) -> List[cst.FunctionDef]:
        generic = fn.name.value
        train, val = _GENERIC[generic]
        key = f'{cls}.{generic}'
        ran_from = plan.ran_from(generic)
        if not ran_from:
            message = (f'{generic} was never called (the class overrides {train} and {val} '
                       'without calling super()): left as written, delete it if unused')
            if ctx.target == 'engine':
                message += ' (the engine refuses a hook that defines it)'
            if has_marker(fn, self.id):
                return [fn]   # said already (a converted module converted again)
            ctx.report(self.id, 'manual', key, message)
            return [add_comment(fn, marker(self.id, message))]
        stages = [s for s in plan.from_base if s == train or in_val]
        dropped = [s for s in plan.from_base if s not in stages]
        if plan.kept and generic not in shared:
            message = (f'{generic} is called by the class itself, but its new name '
                       f'{_shared_name(generic)} is taken: rename it, its calls and the stages '
                       'MMCV\'s Hook forwarded to it (' + ', '.join(plan.from_base
                                                                   + plan.through_super)
                       + ') by hand')
            if has_marker(fn, self.id):
                return [fn]
            ctx.report(self.id, 'manual', key, message)
            return [add_comment(fn, marker(self.id, message))]
        if plan.kept:
            new_name = shared[generic]
            became = [f'it is now {new_name}, a plain method' + (
                f' the class calls as self.{new_name}(...)' if plan.called else '')] + [
                f'{s} calls self.{new_name}(runner) where it called the base\'s {s}'
                for s in plan.through_super]
            became += [f'a new {s} calls it as MMCV\'s Hook did' for s in stages]
            said = '; '.join(became)
        else:
            said = f'it is now {" and ".join(stages)}'
        message = (f'{generic} ran in MMCV from {_listed(ran_from)}; MMEngine never calls '
                   f'{generic}: {said}')
        if val in stages:
            message += (f'; it ran in val phases too ({in_val}): MMEngine calls {val} in the '
                        'val loop (evaluation), MMCV in workflow val phases')
        if dropped:
            message += (f'; not {val}: MMCV ran it in a workflow\'s val phases too, but '
                        f'nothing in {cls} reads runner.mode or handles a val phase, so it is '
                        f'taken as train-only: add {val} if it must also run in the val loop')
        ctx.report(self.id, 'note', key, message)
        if plan.kept:
            fn = fn.with_changes(name=cst.Name(shared[generic]))
            return [fn] + [_forwarder(fn, stage) for stage in stages]
        out = []
        for stage in stages:
            new = fn.with_changes(name=cst.Name(stage))
            if stage in _EXTRA and _legacy_params(new) is not None:
                new = new.with_changes(params=_new_params(new, stage))
            if out:
                new = new.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
            out.append(new)
        return out
