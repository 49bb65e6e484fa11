"""Writing a config back as Python source, YAML or JSON.

The Python form is ``key = value`` lines with ``dict(...)`` for mappings, kept on one line when
short and split one item per line otherwise. It is valid source that loads back to an equal
config, as long as the config holds only plain values (str, numbers, bool, None, bytes, and
dicts, lists, tuples, sets of them). JSON has no tuples: they come back as lists.
"""
from __future__ import annotations

import json
import keyword
import math
from typing import Any, Optional

import yaml

from engine.errors import ConfigError

from .config_dict import to_plain
from .formats import BASE_KEY, JSON_EXTS, PY_EXTS, YamlDumper

WIDTH = 100
INDENT = '    '
_SCALARS = (str, int, float, bool, type(None))


def dump_text(cfg: dict, ext: str, *, file: Optional[str] = None) -> str:
    """Serialise ``cfg`` for a file with extension ``ext`` (``.py``, ``.yaml``/``.yml``, ``.json``).

    Raises :class:`ConfigError` naming the key of a value the format cannot hold.
    """
    data = to_plain(cfg)
    if ext in PY_EXTS:
        return python_source(data, strict=True, file=file)
    if ext in JSON_EXTS:
        _check_values(data, '', allowed=_SCALARS + (list, tuple), fmt='JSON', file=file)
        return json.dumps(data, indent=4, ensure_ascii=False) + '\n'
    _check_values(data, '', allowed=_SCALARS + (list, tuple, bytes), fmt='YAML', file=file)
    return yaml.dump(data, Dumper=YamlDumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True)


def _check_values(value: Any, path: str, *, allowed: tuple, fmt: str,
                  file: Optional[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _check_values(item, f'{path}.{key}' if path else str(key), allowed=allowed,
                          fmt=fmt, file=file)
    elif isinstance(value, allowed):
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                _check_values(item, f'{path}.{index}', allowed=allowed, fmt=fmt, file=file)
    else:
        raise _unwritable(value, path, fmt, file)


def _unwritable(value: Any, path: str, fmt: str, file: Optional[str]) -> ConfigError:
    return ConfigError(f'a value of type {type(value).__name__} ({value!r}) cannot be written '
                       f'as {fmt}', file=file, key=path or None,
                       fix='replace it with a plain value (str, number, bool, None, list, dict)')


def _is_name(key: Any) -> bool:
    return isinstance(key, str) and key.isidentifier() and not keyword.iskeyword(key)


def python_source(cfg: dict, *, strict: bool, file: Optional[str] = None) -> str:
    """Python source for ``cfg`` (plain dicts expected, see :func:`~.config_dict.to_plain`).

    With ``strict`` a value that has no literal form raises :class:`ConfigError`; without it
    the value's ``repr`` is written, which keeps the text readable for logs.
    """
    lines = []
    for key, value in cfg.items():
        if not _is_name(key) or key.startswith('__') or key == BASE_KEY:
            raise ConfigError('cannot be written as a top-level name of a Python config',
                              file=file, key=str(key),
                              fix='rename the key, or dump to .yaml or .json instead')
        prefix = f'{key} = '
        lines.append(prefix + _format(value, len(prefix), key, strict, file))
    return '\n'.join(lines) + '\n'


def _format(value: Any, used: int, path: str, strict: bool, file: Optional[str]) -> str:
    """Format ``value`` whose first line already holds ``used`` characters."""
    inline = _inline(value, path, strict, file)
    if used + len(inline) <= WIDTH or not _is_container(value) or not value:
        return inline
    return _multiline(value, path, strict, file)


def _is_container(value: Any) -> bool:
    return isinstance(value, (dict, list, tuple))


def _items(value: Any):
    """``(prefix, item, key)`` per element; ``prefix`` is what precedes the item's text."""
    if isinstance(value, dict):
        names = all(_is_name(k) for k in value)
        for key, item in value.items():
            yield (f'{key}=' if names else f'{_scalar(key, "", strict=True, file=None)}: '), \
                item, key
    else:
        for index, item in enumerate(value):
            yield '', item, index


def _brackets(value: Any):
    if isinstance(value, dict):
        return ('dict(', ')') if all(_is_name(k) for k in value) else ('{', '}')
    return ('[', ']') if isinstance(value, list) else ('(', ')')


def _inline(value: Any, path: str, strict: bool, file: Optional[str]) -> str:
    if isinstance(value, (dict, list, tuple)):
        left, right = _brackets(value)
        parts = [prefix + _inline(item, f'{path}.{key}', strict, file)
                 for prefix, item, key in _items(value)]
        if type(value) is tuple and len(parts) == 1:
            return f'({parts[0]},)'
        return left + ', '.join(parts) + right
    if isinstance(value, (set, frozenset)):
        parts = sorted((_inline(item, path, strict, file) for item in value))
        body = '{' + ', '.join(parts) + '}' if parts else ''
        text = body or 'set()'
        return f'frozenset({body})' if isinstance(value, frozenset) else text
    return _scalar(value, path, strict=strict, file=file)


def _multiline(value: Any, path: str, strict: bool, file: Optional[str]) -> str:
    left, right = _brackets(value)
    lines = [left]
    for prefix, item, key in _items(value):
        text = _format(item, len(INDENT) + len(prefix), f'{path}.{key}', strict, file)
        lines.append(INDENT + prefix + text.replace('\n', '\n' + INDENT) + ',')
    lines.append(right)
    return '\n'.join(lines)


def _scalar(value: Any, path: str, *, strict: bool, file: Optional[str]) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return f"float('{value}')"
    if isinstance(value, complex) and not (math.isfinite(value.real)
                                           and math.isfinite(value.imag)):
        return f"complex('{value}')"
    if isinstance(value, (str, int, float, complex, bool, bytes, type(None))):
        return repr(value)
    if strict:
        raise _unwritable(value, path, 'Python source', file)
    return repr(value)
