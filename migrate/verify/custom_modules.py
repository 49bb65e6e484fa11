"""The modules a whole-run verify imports for ``custom_imports``, on each side.

The legacy side imports them as MMCV's ``Config.fromfile`` did, with ``mmcv`` aliased to compat
for the import (legacy hook code says ``from mmcv.runner import ...``). A module that is legacy
hook code (:func:`migrate.hookcode.module_kind`) is what the conversion changes: verify converts
it with the hook-code converter for the target (as ``migrate convert`` converts hook modules in
a tree), writes it into the temporary converted tree, and the converted run imports that text
under the module's name. ``sys.modules`` (and the package attribute) hold the converted module
for the converted run only; the legacy module and the engine registries are restored after.

The config files are never executed; these modules are the user's code that the legacy run
executes anyway.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Sequence

from engine.errors import ConfigError

__all__ = ['HookModule', 'custom_import_names', 'mmcv_is_compat', 'import_legacy_modules',
           'legacy_hook_code', 'convert_hook_modules', 'converted_modules_imported']


@dataclass
class HookModule:
    """One ``custom_imports`` module that is legacy hook code."""

    name: str
    legacy_path: str
    #: the converted text's file (in the converted tree), None when nothing changed
    converted_path: Optional[str] = None
    #: where the converted text came from: 'converted by verify' or 'given tree'
    source: str = ''
    rules: List[str] = field(default_factory=list)
    #: (severity, key, message) of what the converter reported
    findings: List[tuple] = field(default_factory=list)


def custom_import_names(cfg: Dict[str, Any]) -> List[str]:
    custom = cfg.get('custom_imports')
    names = custom.get('imports') if isinstance(custom, dict) else None
    if isinstance(names, str):
        return [names]
    return [n for n in names or [] if isinstance(n, str)]


@contextlib.contextmanager
def mmcv_is_compat(file: str) -> Iterator[None]:
    """``import mmcv`` gives compat while the block runs (the legacy modules' imports, and the
    ones their methods make during the legacy run); as it was after."""
    import compat
    from compat.alias import MmcvAlreadyImportedError
    aliased = compat.is_mmcv_alias_installed()
    try:
        compat.install_mmcv_alias()
    except MmcvAlreadyImportedError as e:
        raise ConfigError(f'custom_imports: {e}', file=file, key='custom_imports',
                          fix='run verify in a process that has not imported the real mmcv: '
                              'the legacy run runs the modules on compat') from e
    try:
        yield
    finally:
        if not aliased:
            compat.uninstall_mmcv_alias()


def import_custom(cfg: Dict[str, Any], file: str) -> None:
    """Import ``cfg``'s ``custom_imports`` (an error naming the key when one fails)."""
    custom = cfg.get('custom_imports')
    if not custom:
        return
    from compat.utils.misc import import_modules_from_strings
    try:
        import_modules_from_strings(**custom)
    except ImportError as e:
        raise ConfigError(f'custom_imports failed: {e}', file=file, key='custom_imports',
                          fix='make the modules importable (PYTHONPATH) from where verify '
                              'runs') from e


def import_legacy_modules(cfg: Dict[str, Any], file: str) -> None:
    """Import ``cfg``'s ``custom_imports`` for the legacy run, ``mmcv`` being compat."""
    if cfg.get('custom_imports'):
        with mmcv_is_compat(file):
            import_custom(cfg, file)


def _module_file(name: str) -> Optional[str]:
    module = sys.modules.get(name)
    path = getattr(module, '__file__', None)
    return os.path.abspath(path) if isinstance(path, str) and path.endswith('.py') else None


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root


def _given_counterpart(legacy_file: str, legacy_leaf: str, converted_leaf: str
                       ) -> Optional[str]:
    """The file at ``legacy_file``'s place in a given converted tree: the trees are laid out
    alike (``migrate convert -o``), the leaves at the same place in each."""
    legacy_leaf = os.path.abspath(legacy_leaf)
    converted_leaf = os.path.abspath(converted_leaf)
    legacy_root, converted_root = os.path.dirname(legacy_leaf), os.path.dirname(converted_leaf)
    while not _inside(legacy_file, legacy_root):
        up = os.path.dirname(legacy_root)
        if up == legacy_root or os.path.basename(legacy_root) != \
                os.path.basename(converted_root):
            return None
        legacy_root, converted_root = up, os.path.dirname(converted_root)
    candidate = os.path.join(converted_root, os.path.relpath(legacy_file, legacy_root))
    return candidate if os.path.isfile(candidate) else None


def legacy_hook_code(cfg: Dict[str, Any]) -> List[HookModule]:
    """The imported ``custom_imports`` modules of ``cfg`` that are legacy hook code."""
    from migrate.hookcode import HOOK, module_kind

    out = []
    for name in custom_import_names(cfg):
        path = _module_file(name)
        text = _read(path) if path else None
        if text is not None and module_kind(text) == HOOK:
            out.append(HookModule(name, path))
    return out


def convert_hook_modules(modules: Sequence[HookModule], converted_cfg: Dict[str, Any], *,
                         target: str, tree_root: str, workdir: str, legacy_leaf: str,
                         converted_leaf: Optional[str] = None) -> List[HookModule]:
    """Give each module that the converted config imports too its converted file: the given
    converted tree's (``converted_leaf``), else written by verify under ``workdir`` where
    ``migrate convert`` of ``tree_root`` writes it. Modules the converter leaves unchanged are
    dropped (both runs use them as they are); a module the converted config no longer imports
    is not imported for it (its hooks are then missing there, as they would be)."""
    from engine.fileio import atomic_write_text
    from migrate.hookcode import convert_hook_text

    out = []
    imported = set(custom_import_names(converted_cfg))
    for module in modules:
        if module.name not in imported:
            continue
        path = module.legacy_path
        given = _given_counterpart(path, legacy_leaf, converted_leaf) if converted_leaf \
            else None
        if given is not None:
            module.converted_path, module.source = given, 'the given converted tree'
        else:
            text = _read(path) or ''
            outcome = convert_hook_text(text, target, path)
            if outcome.text_out == text:
                continue
            module.rules = list(outcome.rules)
            module.findings = [(f.severity, f.key, f.message) for f in outcome.findings]
            rel = os.path.relpath(path, tree_root) if _inside(path, tree_root) else \
                os.path.join('_custom_imports', *module.name.split('.')) + '.py'
            module.converted_path = os.path.join(workdir, rel)
            module.source = f'its conversion (--target {target}) by verify'
            atomic_write_text(module.converted_path, outcome.text_out)
        out.append(module)
    return out


def _engine_registries() -> list:
    from engine import registry
    return [r for r in vars(registry).values() if isinstance(r, registry.Registry)]


@contextlib.contextmanager
def converted_modules_imported(modules: Sequence[HookModule], file: str) -> Iterator[None]:
    """``sys.modules[name]`` is each converted module while the block runs; the legacy modules
    and the package attributes are as they were after, and the engine registries hold nothing
    the converted modules registered."""
    registries = _engine_registries()
    saved_registries = [dict(r._modules) for r in registries]
    saved = {m.name: sys.modules.get(m.name) for m in modules}
    try:
        for module in modules:
            _exec_converted(module, file)
        yield
    finally:
        for name, legacy in saved.items():
            if legacy is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = legacy
            parent, _, leaf = name.rpartition('.')
            if parent and parent in sys.modules:
                if legacy is not None:
                    setattr(sys.modules[parent], leaf, legacy)
                elif hasattr(sys.modules[parent], leaf):
                    delattr(sys.modules[parent], leaf)
        # what the converted modules registered goes; what else the run registered (the
        # bridge's adapter, imported on first use) stays
        names = {m.name for m in modules}
        for registry, before in zip(registries, saved_registries):
            for key, value in list(registry._modules.items()):
                if getattr(value, '__module__', None) in names:
                    del registry._modules[key]
                    if key in before:
                        registry._modules[key] = before[key]


def _exec_converted(module: HookModule, file: str) -> None:
    path = module.converted_path
    is_package = os.path.basename(path) == '__init__.py'
    spec = importlib.util.spec_from_file_location(
        module.name, path,
        submodule_search_locations=[os.path.dirname(module.legacy_path)] if is_package else None)
    new = importlib.util.module_from_spec(spec)
    sys.modules[module.name] = new
    try:
        spec.loader.exec_module(new)
    except Exception as e:
        raise ConfigError(f'the converted custom_imports module {module.name!r} ({path}) '
                          f'failed to import: {type(e).__name__}: {e}', file=file,
                          key='custom_imports',
                          fix='convert the module again with `migrate convert`, or fix the '
                              'converted file') from e
    parent, _, leaf = module.name.rpartition('.')
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], leaf, new)
