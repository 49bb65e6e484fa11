"""MIG063: a ``custom_imports`` module that is legacy hook code is named, with the command that
converts it.

The config's run imports those modules; a config converted alone still imports the MMCV 1.x
hook module, which needs ``mmcv.runner`` (not there beside MMEngine) and registers into MMCV's
HOOKS. The module is found as ``migrate verify`` would import it, without importing it: the
dotted name resolved against the config's folder and each folder above (a project's configs sit
below the root it runs from). A module in the tree being converted is converted with it: nothing
is said. Read with libcst, never executed (by the hook-code converter's check, which the
converter hands to the plan as ``facts['is_legacy_hook_code']``).
"""
from __future__ import annotations

import os
from typing import Any, List, Optional, Tuple

from migrate.rules.base import NOTE, Plan, Rule

def _names(custom: Any) -> List[str]:
    names = custom.get('imports') if isinstance(custom, dict) else None
    if isinstance(names, str):
        return [names]
    return [n for n in names or [] if isinstance(n, str)] if isinstance(names, (list, tuple)) \
        else []


def module_file(name: str, config: str) -> Optional[str]:
    """The file of module ``name`` below the config's folder or a folder above it (the first
    holding the top package), or None."""
    parts = name.split('.')
    if not all(p.isidentifier() for p in parts):
        return None
    folder = os.path.dirname(os.path.abspath(config))
    while True:
        top = os.path.join(folder, parts[0])
        if os.path.isdir(top) or os.path.isfile(top + '.py'):
            base = os.path.join(folder, *parts)
            for path in (base + '.py', os.path.join(base, '__init__.py')):
                if os.path.isfile(path):
                    return path
            return None
        up = os.path.dirname(folder)
        if up == folder:
            return None
        folder = up


class CustomImportsHookCode(Rule):
    id = 'MIG063'
    name = 'custom-imports-hook-code'
    summary = ('custom_imports modules that are legacy hook code (outside the converted tree) '
               'are named with the migrate convert command that converts them')
    legacy_keys = ('custom_imports',)
    new_keys = ()

    def applies(self, plan: Plan) -> bool:
        return plan.has('custom_imports') and bool(plan.source)

    def apply(self, plan: Plan) -> None:
        tree = plan.facts.get('tree_files', ())
        # handed over by the converter: the rules do not import the hook-code package, which
        # builds on them
        is_hook_code = plan.facts.get('is_legacy_hook_code')
        if is_hook_code is None:
            return
        found: List[Tuple[str, str]] = []
        for name in _names(plan.get('custom_imports')):
            path = module_file(name, plan.source)
            if path is None or os.path.abspath(path) in tree or \
                    not is_hook_code(path, plan.target):
                continue
            rel = os.path.relpath(path, os.path.dirname(os.path.abspath(plan.source)))
            found.append((name, rel))
        if not found:
            return
        modules = ', '.join(f'{name} ({rel})' for name, rel in found)
        commands = '; '.join(f'migrate convert {rel} --target {plan.target}'
                             for _, rel in found)
        self.report(plan, NOTE, 'custom_imports',
                    f'{modules}: legacy MMCV 1.x hook code that this config imports, not '
                    'converted with it (paths from this config\'s folder); the converted run '
                    f'needs it converted too: {commands}',
                    path=('custom_imports',), marked=True)
