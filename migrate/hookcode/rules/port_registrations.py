"""HK013: a registration call at module level (``HOOKS.register_module(module=Cls)``, as some
1.x projects registered a class defined above it) follows the class into the registry of what
the port made of it: a param scheduler (HK007) into ``PARAM_SCHEDULERS``, an optim wrapper
(HK008) into ``OPTIM_WRAPPERS``, a train loop (HK010) into ``LOOPS``. Left as it was, the
ported class would sit in the hook (or runner) registry, where its config entry is not looked
for. Runs after the port rules, before the imports rule (which imports the registry).
"""
from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from migrate.hookcode.context import HookContext
from migrate.hookcode.recognise import base_names, dotted
from migrate.hookcode.rules.base import HookRule

_LEGACY_REGISTRIES = ('HOOKS', 'RUNNERS')


def _registry_of(bases) -> Optional[str]:
    for base in bases:
        if base in ('LRSchedulerMixin', 'MomentumSchedulerMixin', '_ParamScheduler',
                    'ParamScheduler'):
            return 'PARAM_SCHEDULERS'
        if base.endswith('OptimWrapper'):
            return 'OPTIM_WRAPPERS'
        if base.endswith('TrainLoop'):
            return 'LOOPS'
    return None


def port_registries(module: cst.Module) -> Dict[str, str]:
    """Class name -> the registry its port belongs in, for the module's ported classes (a
    class built on one of them has its registry)."""
    found: Dict[str, str] = {}
    for stmt in module.body:
        if isinstance(stmt, cst.ClassDef):
            bases = base_names(stmt)
            registry = _registry_of(bases) or next(
                (found[b] for b in bases if b in found), None)
            if registry:
                found[stmt.name.value] = registry
    return found


def _registered_class(call: cst.Call) -> Optional[str]:
    for i, arg in enumerate(call.args):
        named = arg.keyword.value if arg.keyword is not None else \
            ('name', 'force', 'module')[i] if i < 3 else None
        if named == 'module' and isinstance(arg.value, cst.Name):
            return arg.value.value
    return None


class PortRegistrations(HookRule):
    id = 'HK013'
    name = 'port-registrations'
    summary = ('a module-level HOOKS/RUNNERS.register_module(module=Cls) of a ported class '
               'registers it where its port belongs (PARAM_SCHEDULERS, OPTIM_WRAPPERS, LOOPS)')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        registries = port_registries(module)
        if not registries:
            return module
        body = []
        for stmt in module.body:
            call = stmt.body[0].value if isinstance(stmt, cst.SimpleStatementLine) and \
                len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr) and \
                isinstance(stmt.body[0].value, cst.Call) else None
            func = dotted(call.func) if call is not None else ''
            head, _, method = func.rpartition('.')
            cls = _registered_class(call) if call is not None else None
            if method == 'register_module' and head in _LEGACY_REGISTRIES and cls in registries:
                new = registries[cls]
                ctx.needed.add(new)
                ctx.report(self.id, 'note', cls,
                           f'{head}.register_module(module={cls}) -> {new}.register_module('
                           f'...): {cls} is no hook or runner any more, and its config entry '
                           f'is built from {new}')
                stmt = stmt.with_changes(body=[stmt.body[0].with_changes(value=call.with_changes(
                    func=cst.Attribute(value=cst.Name(new), attr=cst.Name('register_module'))))])
            body.append(stmt)
        return module.with_changes(body=body)
