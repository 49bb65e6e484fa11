"""Is a ``.py`` file a config, hook code, or other code? Read with libcst, never executed.

* **hook code**: it imports from ``mmcv.runner`` (or its submodules; at top level or inside a
  function, ``from mmcv import runner`` too), or it defines a class
  that subclasses a hook or registers itself in ``HOOKS``, and assigns no config key at top
  level. A converted hook module (importing ``mmengine.hooks``/``engine.hooks``) is hook code
  too, so converting it again is a no-op.
* **other code**: it defines a class or a function and binds no lower-case name at top level
  (a config binds its keys; a code module binds only constants, ``__all__`` and loggers).
* **config**: everything else (what the config converter reads).
"""
from __future__ import annotations

from typing import Iterable, List, Set

import libcst as cst

from engine.runtime_keys import LEGACY_RUNTIME_KEYS, NEW_RUNTIME_KEYS
from migrate.hookcode.names import is_legacy_module

HOOK = 'hook'
CODE = 'code'
CONFIG = 'config'

#: keys only a config assigns at top level
_CONFIG_KEYS = set(LEGACY_RUNTIME_KEYS) | set(NEW_RUNTIME_KEYS) | {
    '_base_', 'model', 'data', 'dataset_type', 'data_root', 'train_pipeline',
    'test_pipeline', 'custom_imports', 'img_norm_cfg'}


def dotted(node: cst.BaseExpression) -> str:
    """``a.b.c`` for a Name/Attribute chain, else ''."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f'{head}.{node.attr.value}' if head else ''
    return ''


def import_module_name(node: cst.ImportFrom) -> str:
    if node.relative:
        return ''
    return dotted(node.module) if node.module is not None else ''


def top_level_imports(module: cst.Module) -> List[str]:
    out = []
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.ImportFrom):
                    out.append(import_module_name(small))
                elif isinstance(small, cst.Import):
                    out.extend(dotted(a.name) for a in small.names)
    return out


class _Imports(cst.CSTVisitor):
    """Every module a module imports, at any depth; ``from mmcv import runner`` imports
    ``mmcv.runner`` too."""

    def __init__(self):
        super().__init__()
        self.modules: List[str] = []

    def visit_Import(self, node: cst.Import) -> bool:
        self.modules.extend(dotted(a.name) for a in node.names)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        source = import_module_name(node)
        self.modules.append(source)
        if source and not isinstance(node.names, cst.ImportStar):
            self.modules.extend(f'{source}.{dotted(a.name)}' for a in node.names)
        return False


def all_imports(module: cst.Module) -> List[str]:
    found = _Imports()
    module.visit(found)
    return found.modules


class _Vendored(cst.CSTVisitor):
    """The imports, at any depth, of a copy of MMCV inside another package
    (``from vendor.mmcv.runner import Hook``, ``from ..mmcv.runner import Hook``)."""

    def __init__(self):
        super().__init__()
        self.modules: List[str] = []

    def _check(self, name: str, relative: bool) -> None:
        segs = name.split('.')
        if 'mmcv' in segs and (relative or segs[0] != 'mmcv'):
            self.modules.append(name)

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            self._check(dotted(alias.name), False)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = dotted(node.module) if node.module is not None else ''
        dots = '.' * len(node.relative)
        self._check(module, bool(node.relative))
        if self.modules and self.modules[-1] == module:
            self.modules[-1] = dots + module
        return False


def vendored_mmcv(module: cst.Module) -> List[str]:
    """The vendored MMCV modules ``module`` imports (none: it uses the installed MMCV)."""
    found = _Vendored()
    module.visit(found)
    return list(dict.fromkeys(found.modules))


def _assigned(module: cst.Module) -> Set[str]:
    names: Set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            targets: Iterable[cst.BaseExpression] = ()
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                targets = [small.target]
            for target in targets:
                if isinstance(target, cst.Name):
                    names.add(target.value)
    return names


def registers_hook(cls: cst.ClassDef) -> bool:
    return any('HOOKS.register_module' in dotted(d.decorator.func
                                                 if isinstance(d.decorator, cst.Call)
                                                 else d.decorator)
               for d in cls.decorators)


def base_names(cls: cst.ClassDef) -> List[str]:
    return [dotted(arg.value).rsplit('.', 1)[-1] for arg in cls.bases if arg.keyword is None]


def classify(module: cst.Module) -> str:
    """HOOK, CODE or CONFIG (see the module docstring)."""
    assigned = _assigned(module)
    if assigned & _CONFIG_KEYS:
        return CONFIG
    classes = [s for s in module.body if isinstance(s, cst.ClassDef)]
    defines = classes or any(isinstance(s, cst.FunctionDef) for s in module.body)
    imports = all_imports(module)
    legacy = any(is_legacy_module(m) and m.startswith('mmcv.runner') for m in imports)
    # an OptimWrapper subclass is what HK008 makes of an optimizer hook, a TrainLoop subclass
    # what HK010 makes of a runner: converted hook code
    # (a ParamScheduler subclass what HK007 makes of an LR/momentum updater hook)
    hooky = any(registers_hook(c) or any(b.endswith(('Hook', 'Runner', 'OptimWrapper',
                                                     'TrainLoop', 'ParamScheduler'))
                                         for b in base_names(c)) for c in classes)
    if defines and (legacy or hooky):
        return HOOK
    lower = {n for n in assigned if not n.isupper() and not n.startswith('__')
             and n not in ('logger',)}
    if defines and not lower:
        return CODE
    return CONFIG


def written_for_the_new_runtime(module: cst.Module) -> bool:
    """A module that imports hooks or registries from mmengine/engine and nothing of
    mmcv.runner/parallel/utils (at any depth) was written for MMEngine: there is no legacy
    timeline for its code to depend on (a mixed tree holds such files beside legacy ones)."""
    imports = all_imports(module)
    legacy = any(is_legacy_module(m) for m in imports)
    new = any(m.split('.')[0] in ('mmengine', 'engine') for m in imports)
    return new and not legacy
