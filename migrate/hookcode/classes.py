"""Which classes of a module are hooks, and of what kind (read from their bases)."""
from __future__ import annotations

from typing import Dict

import libcst as cst

from migrate.hookcode.names import (EVAL_HOOKS, LOGGER_HOOKS, LR_UPDATERS, OPTIMIZER_HOOKS,
                                    RUNNERS)
from migrate.hookcode.recognise import base_names, dotted, registers_hook

HOOK = 'hook'              # a plain Hook subclass: its methods are converted
LR_UPDATER = 'lr_updater'
OPTIMIZER_HOOK = 'optimizer_hook'
EVAL_HOOK = 'eval_hook'
RUNNER = 'runner'
LOGGER_HOOK = 'logger_hook'

_FRAMEWORK = [(LR_UPDATERS, LR_UPDATER), (OPTIMIZER_HOOKS, OPTIMIZER_HOOK),
              (EVAL_HOOKS, EVAL_HOOK), (RUNNERS, RUNNER), (LOGGER_HOOKS, LOGGER_HOOK)]


def _kind_of_base(name: str) -> str:
    for names, kind in _FRAMEWORK:
        if name in names:
            return kind
    return ''


def imported_as(module: cst.Module) -> Dict[str, str]:
    """Local name -> imported name, for the names a module imports under another name
    (``from mmcv.runner import EvalHook as BaseEvalHook``: real code often does, to reuse the
    name for its own subclass)."""
    aliases: Dict[str, str] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                        aliases[alias.asname.name.value] = dotted(alias.name).rsplit('.', 1)[-1]
    return aliases


def hook_classes(module: cst.Module) -> Dict[str, str]:
    """Top-level class name -> kind, for the classes that are hooks or runners. A class built
    on one of this module's hook classes has that class's kind; a base imported under another
    name counts as the name it was imported as."""
    kinds: Dict[str, str] = {}
    aliases = imported_as(module)
    for stmt in module.body:
        if not isinstance(stmt, cst.ClassDef):
            continue
        kind = ''
        for base in base_names(stmt):
            base = aliases.get(base, base) if base not in kinds else base
            kind = kinds.get(base) or _kind_of_base(base) or \
                (HOOK if base.endswith('Hook') else '')
            if kind:
                break
        if not kind and registers_hook(stmt):
            kind = HOOK
        if kind:
            kinds[stmt.name.value] = kind
    return kinds
