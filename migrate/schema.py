"""Which runtime a config is written for: legacy (MMCV 1.x keys) or new (MMEngine keys).

Read statically: the top-level names a ``.py`` file assigns, plus those of its ``_base_``
files (literal paths, recursively; ``.json``/``.yaml`` bases by their keys). Nothing is
executed, so ``migrate train`` can choose the runtime before loading the config with the right
semantics. A ``_base_`` that is not a literal is reported as unknown (the caller then loads
the file to decide).

Example: a file with ``optimizer``, ``lr_config`` and ``runner`` is ``'legacy'``; one with
``optim_wrapper`` and ``param_scheduler`` is ``'new'``.
"""
from __future__ import annotations

import ast
import json
import os
from typing import Iterable, List, Optional, Set, Tuple

from engine.errors import ConfigError
from engine.runtime_keys import ENGINE_REFUSED_KEYS

#: keys only a legacy config has (``train_cfg`` is not one: MMDet 2.x had a model train_cfg)
LEGACY_ONLY_KEYS: Tuple[str, ...] = ENGINE_REFUSED_KEYS
#: legacy keys a new-style file may still define as helper variables (``optimizer = dict(...)``
#: then ``optim_wrapper = dict(optimizer=optimizer)``): legacy only without any new key
WEAK_LEGACY_KEYS: Tuple[str, ...] = ('optimizer', 'data')
#: keys only a new-style config has
NEW_ONLY_KEYS: Tuple[str, ...] = ('optim_wrapper', 'param_scheduler', 'train_dataloader',
                                  'default_hooks', 'val_evaluator')
_MAX_BASES = 256


def _base_paths(tree: ast.Module, path: str) -> Optional[List[str]]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == '_base_'
                                                for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return None
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, (list, tuple)) or \
                    not all(isinstance(v, str) for v in values):
                return None
            here = os.path.dirname(path)
            return [os.path.normpath(os.path.join(here, v)) for v in values]
    return []


def _assigned(tree: ast.Module) -> Set[str]:
    names: Set[str] = set()
    for node in tree.body:
        targets: Iterable[ast.AST] = ()
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name):
                    names.add(sub.id)
    return names


def top_level_names(path: str) -> Optional[Set[str]]:
    """The keys ``path`` and its bases define, or None when a base is not a literal path."""
    seen: Set[str] = set()
    names: Set[str] = set()
    todo = [os.path.abspath(path)]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if len(seen) > _MAX_BASES:
            return None
        try:
            with open(current, encoding='utf-8') as f:
                text = f.read()
        except OSError as e:
            raise ConfigError(f'cannot read {current}: {e.strerror}', file=path, key='_base_',
                              fix='check the _base_ paths') from e
        if current.endswith(('.json', '.yaml', '.yml')):
            try:
                if current.endswith('.json'):
                    data = json.loads(text)
                else:
                    import yaml
                    data = yaml.safe_load(text)
            except ValueError:
                return None
            if not isinstance(data, dict):
                return None
            names.update(data)
            bases = data.get('_base_', [])
            bases = [bases] if isinstance(bases, str) else bases
            todo += [os.path.normpath(os.path.join(os.path.dirname(current), b))
                     for b in bases if isinstance(b, str)]
            continue
        try:
            tree = ast.parse(text, filename=current)
        except SyntaxError:
            return None
        bases = _base_paths(tree, current)
        if bases is None:
            return None
        names |= _assigned(tree)
        todo += bases
    names.discard('_base_')
    return names


def config_schema(path: str, names: Optional[Set[str]] = None) -> str:
    """``'legacy'`` or ``'new'``; a file mixing both schemas is a ConfigError naming a key of
    each. ``names`` (the top-level keys) is read from the file when not given."""
    if names is None:
        names = top_level_names(path)
    if names is None:
        raise ConfigError('cannot tell statically whether this is a legacy or a new-style '
                          'config (a _base_ that is not a literal path)', file=path,
                          key='_base_', fix='pass --legacy or --new to say which it is')
    legacy = [k for k in LEGACY_ONLY_KEYS if k in names]
    new = [k for k in NEW_ONLY_KEYS if k in names]
    if legacy and new:
        raise ConfigError(
            f'this config mixes MMCV 1.x keys ({", ".join(legacy)}) with MMEngine keys '
            f'({", ".join(new)}): neither runtime reads both, so part of it would be ignored',
            file=path, key=legacy[0],
            fix='convert the legacy keys with `migrate convert` (or delete one set)')
    if legacy:
        return 'legacy'
    return 'new' if new or not any(k in names for k in WEAK_LEGACY_KEYS) else 'legacy'
