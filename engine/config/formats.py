"""Reading one config file's own content: Python (executed), YAML and JSON.

Python configs are trusted user code, executed like MMEngine does, in a fresh namespace that
holds ``_base_`` (the merged base configs). Only top-level names that are not modules,
functions, classes or ``__private`` become config keys.
"""
from __future__ import annotations

import ast
import json
import types
from typing import Any, Dict, List, Optional

import yaml

from engine.errors import ConfigError

BASE_KEY = '_base_'
PY_EXTS = ('.py',)
YAML_EXTS = ('.yaml', '.yml')
JSON_EXTS = ('.json',)
EXTENSIONS = PY_EXTS + YAML_EXTS + JSON_EXTS

_NOT_CONFIG = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)
_TUPLE_TAG = 'tag:yaml.org,2002:python/tuple'
_LAZY_FIX = ("write `_base_ = ['./base.py']` instead of `with read_base(): from .base import *`, "
             'and read base values as `_base_.key` or `{{_base_.key}}`')


class YamlLoader(yaml.SafeLoader):
    """Safe YAML loading plus ``!!python/tuple``, which our dumper (and MMEngine's) writes."""


class YamlDumper(yaml.SafeDumper):
    """Safe YAML dumping that keeps tuples as ``!!python/tuple``."""


YamlLoader.add_constructor(
    _TUPLE_TAG, lambda loader, node: tuple(loader.construct_sequence(node, deep=True)))
YamlDumper.add_representer(
    tuple, lambda dumper, data: dumper.represent_sequence(_TUPLE_TAG, data))


def parse_python(text: str, filename: str) -> ast.Module:
    """Parse Python config source; refuse MMEngine's lazy-import (``read_base``) style."""
    try:
        tree = ast.parse(text, filename=filename)
    except SyntaxError as exc:
        raise ConfigError(f'invalid Python syntax at line {exc.lineno}: {exc.msg}',
                          file=filename, fix='correct the syntax error on that line') from None
    for node in ast.walk(tree):
        if _mentions_read_base(node):
            raise ConfigError(
                f'line {node.lineno}: lazy-import configs (`with read_base():`) are not '
                'supported', file=filename, key=BASE_KEY, fix=_LAZY_FIX)
    return tree


def _mentions_read_base(node: ast.AST) -> bool:
    if isinstance(node, ast.With):
        for item in node.items:
            func = item.context_expr.func if isinstance(item.context_expr, ast.Call) else None
            if (isinstance(func, ast.Name) and func.id == 'read_base') or \
                    (isinstance(func, ast.Attribute) and func.attr == 'read_base'):
                return True
    if isinstance(node, ast.ImportFrom):
        return any(alias.name == 'read_base' for alias in node.names)
    return False


def _is_base_assign(node: ast.stmt) -> bool:
    return (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name) and node.targets[0].id == BASE_KEY)


def python_bases(tree: ast.Module, filename: str) -> Any:
    """The literal value of the top-level ``_base_ = ...`` assignment, or ``None``."""
    for node in tree.body:
        if _is_base_assign(node):
            try:
                return ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError):
                raise ConfigError(f'line {node.lineno}: `_base_` must be a literal path or list '
                                  'of paths', file=filename, key=BASE_KEY,
                                  fix="write e.g. _base_ = ['../_base_/default_runtime.py']"
                                  ) from None
    return None


def exec_python(tree: ast.Module, filename: str, base: dict,
                extra_names: Optional[Dict[str, Any]] = None) -> dict:
    """Execute a parsed Python config; return its config keys in definition order."""
    body = [node for node in tree.body if not _is_base_assign(node)]
    code = compile(ast.Module(body=body, type_ignores=[]), filename, 'exec')
    namespace: Dict[str, Any] = {BASE_KEY: base, **(extra_names or {})}
    preset = set(namespace)
    try:
        exec(code, namespace)
    except Exception as exc:
        line = _error_line(exc, filename)
        raise ConfigError(f'executing the config failed at line {line}: '
                          f'{type(exc).__name__}: {exc}', file=filename,
                          key=_assigned_name(tree, line),
                          fix='correct the statement on that line') from exc
    return {key: value for key, value in namespace.items()
            if key not in preset and not key.startswith('__')
            and not isinstance(value, _NOT_CONFIG)}


def _error_line(exc: BaseException, filename: str) -> Optional[int]:
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _assigned_name(tree: ast.Module, line: Optional[int]) -> Optional[str]:
    """The name assigned by the top-level statement that spans ``line``, if any."""
    if line is None:
        return None
    for node in tree.body:
        if node.lineno <= line <= (node.end_lineno or node.lineno):
            targets: List[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets = [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            return names[0] if names else None
    return None


def read_yaml(text: str, filename: str) -> dict:
    """Parse YAML config text into a dict."""
    try:
        data = yaml.load(text, Loader=YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        where = f' at line {mark.line + 1}' if mark is not None else ''
        problem = getattr(exc, 'problem', None) or str(exc)
        raise ConfigError(f'invalid YAML{where}: {problem}', file=filename,
                          fix='correct the YAML syntax on that line') from None
    return _top_level_mapping(data, filename)


def read_json(text: str, filename: str) -> dict:
    """Parse JSON config text into a dict."""
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise ConfigError(f'invalid JSON at line {exc.lineno}: {exc.msg}', file=filename,
                          fix='correct the JSON syntax on that line') from None
    return _top_level_mapping(data, filename)


def _top_level_mapping(data: Any, filename: str) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f'the top level must be a mapping, not a {type(data).__name__}',
                          file=filename, fix='write the config as key: value pairs')
    return data


def check_extension(ext: str, filename: str) -> str:
    """Normalise and check a config file extension (``'.py'``, ``'yaml'`` ...)."""
    ext = ext.lower() if ext.startswith('.') else '.' + ext.lower()
    if ext not in EXTENSIONS:
        raise ConfigError(f"unsupported config format '{ext}'", file=filename,
                          fix='use a .py, .yaml, .yml or .json file')
    return ext
