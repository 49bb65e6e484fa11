"""HK007: a custom ``LrUpdaterHook``/``MomentumUpdaterHook`` subclass (``get_lr``/
``get_momentum``) becomes a parameter scheduler class (see :mod:`._lr_updater_port` for what
maps and why it equals MMCV's values with a warmup chained before it).

Names (:func:`migrate.tables.scheduler_name`): ``<P>LrUpdaterHook`` -> ``<P>LR``,
``<P>MomentumUpdaterHook`` -> ``<P>Momentum`` (``<P>UpdaterLR`` / ``<P>UpdaterMomentum``
where MMEngine or the engine registers that name already), registered in
``PARAM_SCHEDULERS``; ``migrate convert`` writes ``lr_config = dict(policy='<P>', ...)`` as
``param_scheduler = [<warmup>, dict(type='<P>LR', ...)]`` (MIG100/MIG101), and the config
must import the converted module (custom_imports). A class built on one ported here is ported
onto it. A class that cannot be ported (it reads more of the runner, overrides the hook's
warmup or stages, or is built on an MMCV policy hook) is left as written with a marker above
it and on each line that blocks the port.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import libcst as cst

from migrate.hookcode.classes import LR_UPDATER
from migrate.hookcode.context import HookContext, add_comment, has_marker, marker
from migrate.hookcode.recognise import base_names, import_module_name
from migrate.hookcode.rules._framework import mark_classes, methods
from migrate.hookcode.rules._lr_updater_port import (PORTABLE_BASES, VALUE_METHOD, PortPlan,
                                                    needed_imports, port_class)
from migrate.hookcode.rules.base import HookRule


def _where(target: str, mixin: str) -> str:
    return (f'mmengine.optim.scheduler (_ParamScheduler; {mixin} from its '
            f'{"lr" if mixin.startswith("LR") else "momentum"}_scheduler module; registry '
            'mmengine.registry.PARAM_SCHEDULERS)' if target == 'mmengine' else
            f'engine.schedulers ({mixin}, ParamScheduler; registry '
            'engine.registry.PARAM_SCHEDULERS)')


def _advice(cls: cst.ClassDef, base: str, target: str) -> str:
    momentum = 'Momentum' in base
    what, method, key = (('momentum', 'get_momentum', 'momentum_config') if momentum
                         else ('LR', 'get_lr', 'lr_config'))
    mixin = 'MomentumSchedulerMixin' if momentum else 'LRSchedulerMixin'
    return (f'{cls.name.value} subclasses {base} ({methods(cls)}): MMEngine has no {what} '
            'updater hooks, ParamSchedulerHook steps param schedulers after each '
            f'iteration/epoch instead; port it to a scheduler class from '
            f'{_where(target, mixin)} whose value at step self.last_step (= runner.epoch if '
            f'by_epoch else runner.iter) is {method}(runner, base) for each base value, '
            f'register it and replace {key} by param_scheduler=[dict(type=...)]; warmup '
            'becomes a scheduler entry before it')


class _MarkStatements(cst.CSTTransformer):
    def __init__(self, comments: Dict[int, List[str]]):
        super().__init__()
        self.comments = comments

    def on_leave(self, original, updated):
        result = super().on_leave(original, updated)
        for text in self.comments.get(id(original), ()):
            result = add_comment(result, text)
        return result


class _RenameClass(cst.CSTTransformer):
    """Other uses of a ported class's old name in the module (``__all__``, a ``super(Old,
    self)`` left elsewhere) take the new name."""

    def __init__(self, renamed: Dict[str, str]):
        super().__init__()
        self.renamed = renamed

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        return updated.with_changes(value=self.renamed.get(updated.value, updated.value))

    def leave_SimpleString(self, original, updated):
        text = updated.value
        quote = text[0] if text[:1] in '\'"' else ''
        if quote and text[1:-1] in self.renamed:
            return updated.with_changes(value=quote + self.renamed[text[1:-1]] + quote)
        return updated

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return True

    def leave_Attribute(self, original, updated):
        return updated.with_changes(attr=original.attr)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False


def _import(module: cst.Module, needed: Dict[str, List[str]]) -> cst.Module:
    """One import per module of what the ported classes use, after the module's imports
    (names it imports already are left out)."""
    body = list(module.body)
    have = set()
    last = -1
    for i, stmt in enumerate(body):
        node = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) else None
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            last = i
            if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
                have.update((import_module_name(node), cst.Module([]).code_for_node(a.name))
                            for a in node.names)
    new = []
    for where in sorted(needed):
        names = sorted({n for n in needed[where] if (where, n) not in have})
        if names:
            new.append(cst.parse_statement(f'from {where} import {", ".join(names)}\n'))
    return module.with_changes(body=body[:last + 1] + new + body[last + 1:])


class LrUpdaterSubclass(HookRule):
    id = 'HK007'
    name = 'lr-updater-subclass'
    summary = ('a custom LR/momentum updater hook (get_lr/get_momentum) becomes a parameter '
               'scheduler class <P>LR/<P>Momentum with the same values; what cannot be '
               'ported is marked where it is')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        renamed: Dict[str, str] = {}
        self._plans: Dict[str, PortPlan] = {}   # old name -> its port, for subclasses
        body = []
        blocked_reasons: Dict[str, List[Tuple[cst.CSTNode, str]]] = {}
        needed: Dict[str, List[str]] = {}
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef) and kinds.get(stmt.name.value) == LR_UPDATER \
                    and not has_marker(stmt, self.id):
                stmt = self._one(stmt, ctx, renamed, blocked_reasons, needed, kinds)
            body.append(stmt)
        module = module.with_changes(body=body)
        module = mark_classes(module, ctx, kinds, LR_UPDATER, self.id,
                              lambda cls, base: self._left(cls, base, ctx, blocked_reasons))
        if renamed:
            module = module.visit(_RenameClass(renamed))
            module = _import(module, needed)
        return module

    def _one(self, cls: cst.ClassDef, ctx: HookContext, renamed: Dict[str, str],
             blocked_reasons: Dict[str, List[Tuple[cst.CSTNode, str]]],
             needed: Dict[str, List[str]], kinds: Dict[str, str]) -> cst.ClassDef:
        bases = base_names(cls)
        base = bases[0] if len(bases) == 1 else ''
        parent = self._plans.get(base)
        if base not in PORTABLE_BASES and parent is None:
            blocked_reasons[cls.name.value] = [(cls, self._not_direct(bases, kinds))]
            return cls
        plan = port_class(cls, base, ctx.target, parent)
        if plan.ported is None:
            comments: Dict[int, List[str]] = {}
            for node, why in plan.blocked:
                if node is not cls:
                    comments.setdefault(id(node), []).append(marker(self.id,
                                                                    f'not ported: {why}'))
            blocked_reasons[cls.name.value] = plan.blocked
            return cls.visit(_MarkStatements(comments)) if comments else cls
        old = cls.name.value
        renamed[old] = plan.new_name
        self._plans[old] = plan
        kind = plan.kind
        registered = any('register_module' in cst.Module([]).code_for_node(d.decorator)
                         for d in cls.decorators)
        for where, name in needed_imports(kind, ctx.target, registered, parent is not None):
            needed.setdefault(where, []).append(name)
        policy = self._policy(old, kind)
        config = (f"{kind}_config=dict(policy='{policy}', ...) becomes param_scheduler="
                  f"[<warmup>, dict(type='{plan.new_name}', ...)] (migrate convert writes it)"
                  if policy else f"name it in param_scheduler=[dict(type='{plan.new_name}', "
                  '...)]')
        message = (f'{old} ported to the parameter scheduler {plan.new_name}'
                   f'{", registered in PARAM_SCHEDULERS" if registered else ""} '
                   f'({VALUE_METHOD[kind]}(last_step, base): last_step counts epochs if '
                   f'by_epoch else iterations); {config}; the config must import this module '
                   f'(custom_imports); code naming {old} must name {plan.new_name}; a '
                   'warm-up scheduler before it stays applied as a factor read from the '
                   'previous value, which a previous value of exactly 0 cannot give (the value '
                   'is then taken without it)')
        ctx.report(self.id, 'note', old, message)
        return add_comment(plan.ported, marker(self.id, message))

    @staticmethod
    def _policy(name: str, kind: str):
        suffix = 'LrUpdaterHook' if kind == 'lr' else 'MomentumUpdaterHook'
        return name[:-len(suffix)] if name.endswith(suffix) and name != suffix else None

    @staticmethod
    def _not_direct(bases: List[str], kinds: Dict[str, str]) -> str:
        if len(bases) != 1:
            return (f'it has several bases ({", ".join(bases)}); only a direct subclass of '
                    'LrUpdaterHook or MomentumUpdaterHook is ported')
        if bases[0] in kinds:
            return (f'it is built on {bases[0]}, which is not ported (see there): port both '
                    'by hand')
        return (f'it is built on {bases[0]}, not directly on LrUpdaterHook or '
                'MomentumUpdaterHook: a port would have to spell out the base\'s get_lr '
                '(an MMCV policy maps to MMEngine schedulers in the config instead, see '
                'MIG100)')

    def _left(self, cls: cst.ClassDef, base: str, ctx: HookContext,
              blocked_reasons: Dict[str, List[Tuple[cst.CSTNode, str]]]) -> str:
        reasons = blocked_reasons.get(cls.name.value, [])
        text = _advice(cls, base, ctx.target)
        if reasons:
            text += '; not ported: ' + '; '.join(why for _, why in reasons)
        return text
