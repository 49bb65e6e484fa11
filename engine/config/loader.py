"""Loading a config file with its ``_base_`` tree into one merged dict.

Each file is read, its textual templates substituted (see ``templates``), its bases loaded
(paths relative to the file; a path or a list) and merged left to right, then its own keys are
merged over them (see ``merge``). Cycles, missing bases and keys defined by two bases are
errors that name the file that caused them.
"""
from __future__ import annotations

import copy
import os
import warnings
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Dict, List, Optional, Tuple

from engine.errors import ConfigError

from . import formats, templates
from .config_dict import ConfigDict
from .merge import merge_into

DEPRECATION_KEY = '_deprecation_'


@dataclass
class Loaded:
    """The result of loading one file with its bases."""

    cfg: ConfigDict
    text: str
    env_variables: Dict[str, str] = field(default_factory=dict)
    sources: Dict[str, str] = field(default_factory=dict)  # top-level key -> defining file


def load_file(path: str) -> Loaded:
    """Load the config file ``path`` and everything it inherits from."""
    filename = os.path.abspath(os.path.expanduser(str(path)))
    if not os.path.isfile(filename):
        raise ConfigError('config file not found', file=filename,
                          fix='check the path (relative paths start from the current directory)')
    return _load(filename, _read(filename), ())


def load_text(text: str, file_format: str, base_dir: Optional[str] = None) -> Loaded:
    """Load config source ``text``; relative ``_base_`` paths start from ``base_dir`` (cwd)."""
    ext = formats.check_extension(file_format, '<string>')
    directory = os.path.abspath(base_dir or os.getcwd())
    return _load(os.path.join(directory, f'<string>{ext}'), text, ())


def _read(filename: str) -> str:
    try:
        with open(filename, encoding='utf-8') as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f'cannot read config file: {exc}', file=filename) from None


def _load(filename: str, raw_text: str, stack: Tuple[str, ...]) -> Loaded:
    ext = formats.check_extension(os.path.splitext(filename)[1], filename)
    stack = stack + (os.path.realpath(filename),)
    text = templates.substitute_predefined(raw_text, filename)
    text, env_variables = templates.substitute_env(text, filename)
    text, tokens = templates.tokenize_base_refs(text, quote_outside_strings=ext == '.json')

    if ext in formats.PY_EXTS:
        tree = formats.parse_python(text, filename)
        bases = formats.python_bases(tree, filename)
    else:
        read = formats.read_json if ext in formats.JSON_EXTS else formats.read_yaml
        own = read(text, filename)
        bases = own.pop(formats.BASE_KEY, None)

    base = _load_bases(_base_paths(bases, filename), filename, stack)
    env_variables = {**base.env_variables, **env_variables}
    values = templates.resolve_base_refs(tokens, base.cfg, filename)
    if ext in formats.PY_EXTS:
        names = {token: copy.deepcopy(value) for token, value in values.items()}
        own = _unshare(formats.exec_python(tree, filename, base.cfg, names))
    own = templates.replace_tokens(own, values)
    own.pop(formats.BASE_KEY, None)
    _warn_deprecated(own, filename)

    merged = merge_into(own, base.cfg, file=filename)
    cfg = ConfigDict({k: v for k, v in merged.items() if not str(k).startswith('__')})
    sources = {**base.sources, **{key: filename for key in own}}
    own_text = f'{filename}\n{raw_text}'
    text_all = '\n'.join(filter(None, [base.text, own_text]))
    return Loaded(cfg, text_all, env_variables, sources)


def _unshare(own: dict) -> dict:
    """Copy values the child took from ``_base_`` so the merged config shares no objects."""
    try:
        return copy.deepcopy(own)
    except (TypeError, copy.Error):
        # A value holding an uncopyable object (e.g. a module) is kept as it is.
        return own


def _base_paths(bases: Any, filename: str) -> List[str]:
    if bases is None:
        return []
    items = list(bases) if isinstance(bases, (list, tuple)) else [bases]
    paths = []
    for item in items:
        if not isinstance(item, str) or not item:
            raise ConfigError(f'`_base_` entries must be file paths, got {item!r}',
                              file=filename, key=formats.BASE_KEY,
                              fix="write e.g. _base_ = ['./base.py']")
        if '::' in item:
            raise ConfigError(f"base '{item}' uses the `package::path` form, which is not "
                              'supported', file=filename, key=formats.BASE_KEY,
                              fix="copy the base config into your tree and refer to it by path")
        paths.append(item)
    return paths


def _load_bases(paths: List[str], filename: str, stack: Tuple[str, ...]) -> Loaded:
    result = Loaded(ConfigDict(), '')
    texts = []
    for relative in paths:
        path = os.path.normpath(os.path.join(os.path.dirname(filename),
                                             os.path.expanduser(relative)))
        if not os.path.isfile(path):
            raise ConfigError(f"base config '{relative}' not found (looked for {path})",
                              file=filename, key=formats.BASE_KEY,
                              fix='correct the path; it is relative to this file')
        if os.path.realpath(path) in stack:
            chain = ' -> '.join(stack + (os.path.realpath(path),))
            raise ConfigError(f'circular `_base_` inheritance: {chain}', file=filename,
                              key=formats.BASE_KEY, fix='remove one of the files from the cycle')
        loaded = _load(path, _read(path), stack)
        duplicates = sorted(map(str, loaded.cfg.keys() & result.cfg.keys()))
        if duplicates:
            key = duplicates[0]
            raise ConfigError(f"is defined by two bases: {result.sources.get(key)} and "
                              f"{loaded.sources.get(key)}", file=filename, key=str(key),
                              fix='define the key in only one base, or in this file')
        dict.update(result.cfg, loaded.cfg)
        result.sources.update(loaded.sources)
        result.env_variables.update(loaded.env_variables)
        texts.append(loaded.text)
    result.text = '\n'.join(texts)
    return result


def _warn_deprecated(own: dict, filename: str) -> None:
    info = own.pop(DEPRECATION_KEY, None)
    if info is None:
        return
    message = f'The config file {filename} will be deprecated in the future.'
    if isinstance(info, dict) and 'expected' in info:
        message += f" Please use {info['expected']} instead."
    if isinstance(info, dict) and 'reference' in info:
        message += f" More information can be found at {info['reference']}"
    warnings.warn(message, DeprecationWarning, stacklevel=4)


def import_custom_modules(cfg: dict, filename: Optional[str]) -> None:
    """Import the modules listed in ``custom_imports=dict(imports=[...])``."""
    spec = cfg.get('custom_imports')
    if not spec:
        return
    key = 'custom_imports'
    if not isinstance(spec, dict):
        raise ConfigError(f'must be a dict, got {type(spec).__name__}', file=filename, key=key,
                          fix="write custom_imports=dict(imports=['my_pkg.my_module'])")
    imports = spec.get('imports') or []
    imports = [imports] if isinstance(imports, str) else imports
    if not isinstance(imports, (list, tuple)) or not all(isinstance(m, str) for m in imports):
        raise ConfigError(f'must be a module name or a list of them, got {imports!r}',
                          file=filename, key=f'{key}.imports',
                          fix="write imports=['my_pkg.my_module']")
    allow_failed = bool(spec.get('allow_failed_imports', False))
    for module in imports:
        try:
            import_module(module)
        except ImportError as exc:
            if allow_failed:
                warnings.warn(f'{filename}: custom import {module!r} failed and is ignored: '
                              f'{exc}', UserWarning, stacklevel=3)
                continue
            raise _import_error(module, exc, filename, key) from exc
        except Exception as exc:
            raise _import_error(module, exc, filename, key) from exc


def _import_error(module: str, exc: BaseException, filename: Optional[str],
                  key: str) -> ConfigError:
    return ConfigError(f"cannot import custom module '{module}': {type(exc).__name__}: {exc}",
                       file=filename, key=f'{key}.imports',
                       fix='check the module name, and that its directory is on PYTHONPATH')
