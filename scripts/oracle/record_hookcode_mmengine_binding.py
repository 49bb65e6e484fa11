"""Import every ``--target mmengine`` converted hook module (``fixtures/converted_hooks/
mmengine/``) on the real MMEngine 0.10.7 and bind each hook stage to the arguments MMEngine's
``call_hook`` passes.

Run with the oracle interpreter (it must not import our packages)::

    .oracle/mmengine/bin/python scripts/oracle/record_hookcode_mmengine_binding.py [--check]

The keywords of each stage are read from MMEngine itself: the parameters of
``mmengine.hooks.Hook.<stage>`` after ``runner``, checked against the keywords its loops pass
at every ``call_hook('<stage>', ...)`` call site (``mmengine/runner/loops.py``, parsed).
A module that keeps a legacy or downstream import (a class the converter leaves marked for a
manual port: an LR updater, an optimizer hook, an eval hook, a runner) imports with those
modules stubbed; the golden names every stubbed module. Writes
``fixtures/goldens/hookcode_mmengine_binding.json``; ``--check`` compares instead.
"""
from __future__ import annotations

import ast
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import json
import os
import sys
import types

import mmengine
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

import hookcode_port_lr_updater
import hookcode_port_eval_hook
import hookcode_port_runner_subclass
import hookcode_port_optimizer_hook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, 'fixtures', 'converted_hooks', 'mmengine')
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'hookcode_mmengine_binding.json')
STUBBED_ROOTS = ('mmcv', 'mmdet')


class _StubMeta(type):
    """Any attribute of a stubbed name is a no-op decorator factory (``register_module()``)."""

    def __getattr__(cls, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return lambda *a, **k: (lambda obj: obj)


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        value = _StubMeta(name, (), {})
        setattr(self, name, value)
        return value


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self):
        self.made = []

    def find_spec(self, fullname, path, target=None):
        if fullname.split('.')[0] in STUBBED_ROOTS:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        self.made.append(spec.name)
        module = _StubModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def call_sites():
    """stage -> sorted keywords MMEngine's loops pass to call_hook for it."""
    path = os.path.join(os.path.dirname(mmengine.__file__), 'runner', 'loops.py')
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read())
    sites = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == 'call_hook' and node.args \
                and isinstance(node.args[0], ast.Constant):
            keys = sorted(k.arg for k in node.keywords)
            sites.setdefault(node.args[0].value, set()).add(tuple(keys))
    return {stage: sorted(map(list, keys)) for stage, keys in sites.items()}


def base_keywords(stage):
    params = list(inspect.signature(getattr(Hook, stage)).parameters)
    return params[2:]   # self, runner


def record():
    sites = call_sites()
    stages = {}
    for stage in Hook.stages:
        stages[stage] = {'keywords': base_keywords(stage), 'loop_call_sites': sites.get(stage, [])}
    finder = _StubFinder()
    sys.meta_path.insert(0, finder)
    modules = {}
    for name in sorted(os.listdir(SRC)):
        if not name.endswith('.py'):
            continue
        path = os.path.join(SRC, name)
        with open(path, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        for stale in [m for m in sys.modules if m.split('.')[0] in STUBBED_ROOTS]:
            del sys.modules[stale]   # each module names the stubs it needs itself
        before = len(finder.made)
        entry = {'sha256': digest, 'classes': {}}
        spec = importlib.util.spec_from_file_location(f'converted_{name[:-3]}', path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            entry['imported'] = True
        except Exception as e:   # recorded: the test fails on it
            entry['imported'] = False
            entry['error'] = f'{type(e).__name__}: {e}'
        entry['stubbed'] = sorted({m for m in finder.made[before:]})
        for cls_name, cls in sorted(vars(module).items()):
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            info = {'hook': issubclass(cls, Hook)}
            if info['hook']:
                info['registered'] = HOOKS.get(cls_name) is cls
                info['stages'] = {}
                for stage in Hook.stages:
                    if stage not in vars(cls):
                        continue
                    kwargs = {k: None for k in stages[stage]['keywords']}
                    try:
                        inspect.signature(getattr(cls, stage)).bind(cls.__new__(cls), object(),
                                                                    **kwargs)
                        info['stages'][stage] = 'binds'
                    except TypeError as e:
                        info['stages'][stage] = f'TypeError: {e}'
            info.update(hookcode_port_lr_updater.check(cls_name, cls))
            info.update(hookcode_port_eval_hook.check(cls_name, cls))
            info.update(hookcode_port_runner_subclass.check(cls_name, cls))
            info.update(hookcode_port_optimizer_hook.check(cls_name, cls))
            entry['classes'][cls_name] = info
        modules[name] = entry
    return {'mmengine': mmengine.__version__, 'stages': stages, 'modules': modules}


def main():
    out = record()
    text = json.dumps(out, indent=1, sort_keys=True) + '\n'
    if '--check' in sys.argv:
        with open(OUT, encoding='utf-8') as f:
            same = f.read() == text
        print('up to date' if same else f'{OUT} differs: record again')
        sys.exit(0 if same else 1)
    with open(OUT, 'w', encoding='utf-8') as f:
        f.write(text)
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
