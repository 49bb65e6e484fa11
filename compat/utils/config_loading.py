"""Reading one MMCV 1.7.2 config file and its ``_base_`` tree into a dict (``_file2dict``).

The order is MMCV's: substitute the predefined variables, turn every ``{{_base_.x}}`` into a
quoted random string ``"_x_abcdef"`` (so an expression around it works on that string), run
or parse the file, load and merge the bases, then replace the strings that are *whole values*
by the base values and merge the file over its bases.
"""
from __future__ import annotations

import ast
import copy
import json
import os.path as osp
import re
import types
import uuid
import warnings
from typing import Any, Dict, Tuple

import yaml

from compat.utils.config_dict import ConfigDict
from compat.utils.path import check_file_exist

BASE_KEY = '_base_'
DELETE_KEY = '_delete_'
DEPRECATION_KEY = '_deprecation_'
SUPPORTED_EXTS = ('.py', '.json', '.yaml', '.yml')
UNSUPPORTED_MESSAGE = 'Only py/yml/yaml/json type are supported now!'
_PREDEFINED = ('fileDirname', 'fileBasename', 'fileBasenameNoExtension', 'fileExtname')


def file2dict(filename: str, use_predefined_variables: bool = True) -> Tuple[dict, str]:
    """The merged dict of ``filename`` and its bases, and the text of all of them."""
    filename = osp.abspath(osp.expanduser(filename))
    check_file_exist(filename)
    ext = osp.splitext(filename)[1]
    if ext not in SUPPORTED_EXTS:
        raise OSError(UNSUPPORTED_MESSAGE)
    with open(filename, encoding='utf-8') as handle:
        raw = handle.read()
    text = substitute_predefined(raw, filename) if use_predefined_variables else raw
    text, base_vars = pre_substitute_base_vars(text)
    cfg_dict = _run_python(text, filename, raw) if ext == '.py' else _parse_data(text, ext)
    _warn_deprecated(cfg_dict, filename)
    cfg_text = f'{filename}\n{raw}'
    if BASE_KEY not in cfg_dict:
        return cfg_dict, cfg_text
    bases = cfg_dict.pop(BASE_KEY)
    bases = bases if isinstance(bases, list) else [bases]
    base_cfg: Dict[Any, Any] = {}
    texts = []
    for base in bases:
        # MMCV loads bases with the predefined variables on, whatever the caller asked.
        base_dict, base_text = file2dict(osp.join(osp.dirname(filename), base))
        duplicates = base_cfg.keys() & base_dict.keys()
        if duplicates:
            raise KeyError('Duplicate key is not allowed among bases. '
                           f'Duplicate keys: {duplicates}')
        base_cfg.update(base_dict)
        texts.append(base_text)
    cfg_dict = substitute_base_vars(cfg_dict, base_vars, base_cfg)
    texts.append(cfg_text)
    return merge_a_into_b(cfg_dict, base_cfg), '\n'.join(texts)


def substitute_predefined(text: str, filename: str) -> str:
    """Replace ``{{ fileDirname }}`` and the other predefined variables of ``filename``."""
    basename = osp.basename(filename)
    facts = dict(fileDirname=osp.dirname(filename), fileBasename=basename,
                 fileBasenameNoExtension=osp.splitext(basename)[0],
                 fileExtname=osp.splitext(filename)[1])
    for name in _PREDEFINED:
        value = facts[name].replace('\\', '/')
        text = re.sub(r'\{\{\s*' + name + r'\s*\}\}', lambda _m, v=value: v, text)
    return text


def pre_substitute_base_vars(text: str) -> Tuple[str, Dict[str, str]]:
    """Replace ``{{_base_.x}}`` by ``"_x_<6 hex>"``; return the text and ``{string: 'x'}``."""
    base_vars = {}
    for path in set(re.findall(r'\{\{\s*' + BASE_KEY + r'\.([\w\.]+)\s*\}\}', text)):
        marker = f'_{path}_{uuid.uuid4().hex.lower()[:6]}'
        base_vars[marker] = path
        pattern = r'\{\{\s*' + BASE_KEY + r'\.' + re.escape(path) + r'\s*\}\}'
        text = re.sub(pattern, f'"{marker}"', text)
    return text, base_vars


def substitute_base_vars(cfg: Any, base_vars: Dict[str, str], base_cfg: dict) -> Any:
    """A copy of ``cfg`` where every marker string that is a whole value is the base value."""
    cfg = copy.deepcopy(cfg)
    if isinstance(cfg, str) and cfg in base_vars:
        return _lookup(base_cfg, base_vars[cfg])
    if isinstance(cfg, dict):
        for key, value in cfg.items():
            if isinstance(value, (str, list, tuple, dict)):
                cfg[key] = substitute_base_vars(value, base_vars, base_cfg)
        return cfg
    if isinstance(cfg, (list, tuple)):
        return type(cfg)(substitute_base_vars(item, base_vars, base_cfg) for item in cfg)
    return cfg


def _lookup(base_cfg: dict, path: str) -> Any:
    # Plain indexing, as MMCV: a missing key is a KeyError, a list step a TypeError.
    value: Any = base_cfg
    for part in path.split('.'):
        value = value[part]
    return value


def merge_a_into_b(a: dict, b: Any, allow_list_keys: bool = False) -> Any:
    """MMCV's ``Config._merge_a_into_b``: ``a`` over a shallow copy of ``b``.

    Like MMCV, ``_delete_`` is popped from ``a``'s dicts (in place) only where ``b`` has the
    key; the rules equal MMEngine's merge (``fixtures/goldens/merge_table.json``).
    """
    b = b.copy()
    for key, value in a.items():
        if allow_list_keys and key.isdigit() and isinstance(b, list):
            index = int(key)
            if len(b) <= index:
                raise KeyError(f'Index {index} exceeds the length of list {b}')
            b[index] = merge_a_into_b(value, b[index], allow_list_keys)
        elif isinstance(value, dict):
            if key in b and not value.pop(DELETE_KEY, False):
                allowed = (dict, list) if allow_list_keys else dict
                if not isinstance(b[key], allowed):
                    raise TypeError(
                        f'{key}={value} in child config cannot inherit from base because '
                        f'{key} is a dict in the child config but is of type {type(b[key])} '
                        f'in base config. You may set `{DELETE_KEY}=True` to ignore the base '
                        'config.')
                b[key] = merge_a_into_b(value, b[key], allow_list_keys)
            else:
                b[key] = ConfigDict(value)
        else:
            b[key] = value
    return b


def _run_python(text: str, filename: str, raw: str) -> dict:
    # MMCV checks the file as written (before substitution) and re-raises with its name.
    try:
        ast.parse(raw)
    except SyntaxError as exc:
        raise SyntaxError(f'There are syntax errors in config file {filename}: {exc}')
    module = types.ModuleType(osp.splitext(osp.basename(filename))[0])
    module.__file__ = filename
    exec(compile(text, filename, 'exec'), module.__dict__)
    # MMCV keeps every module-level name except dunders, modules and Python functions.
    return {name: value for name, value in module.__dict__.items()
            if not name.startswith('__')
            and not isinstance(value, (types.ModuleType, types.FunctionType))}


def _parse_data(text: str, ext: str) -> dict:
    if ext == '.json':
        return json.loads(text)
    loader = getattr(yaml, 'CLoader', yaml.Loader)  # mmcv.load's yaml handler
    return yaml.load(text, Loader=loader)


def _warn_deprecated(cfg_dict: dict, filename: str) -> None:
    if DEPRECATION_KEY not in cfg_dict:
        return
    info = cfg_dict.pop(DEPRECATION_KEY)
    message = f'The config file {filename} will be deprecated in the future.'
    if 'expected' in info:
        message += f' Please use {info["expected"]} instead.'
    if 'reference' in info:
        message += f' More information can be found at {info["reference"]}'
    warnings.warn(message, DeprecationWarning)
