"""Textual substitutions applied to a config file before it is parsed.

- ``{{ fileDirname }}``, ``{{ fileBasename }}``, ``{{ fileBasenameNoExtension }}``,
  ``{{ fileExtname }}``: facts about the config file itself;
- ``{{$NAME:default}}``: an environment variable, or the default;
- ``{{_base_.a.b}}``: a value of the merged base configs. It is replaced by a placeholder
  token before parsing, and the token by the value afterwards: a token that is a whole value
  (``lr = {{_base_.lr}}``, also quoted: ``lr: "{{_base_.lr}}"``) becomes the value itself, a
  token inside a longer string (``'work_dirs/{{_base_.name}}'``) becomes ``str(value)``.
"""
from __future__ import annotations

import copy
import os
import re
import uuid
from typing import Any, Dict, Tuple

from engine.errors import ConfigError

_PREDEFINED = re.compile(
    r'\{\{\s*(fileDirname|fileBasenameNoExtension|fileBasename|fileExtname)\s*\}\}')
_ENV = re.compile(r'\{\{[\'"]?\s*\$(\w+)\s*:\s*(\S*?)\s*[\'"]?\}\}')
_BASE_REF = re.compile(r'\{\{\s*_base_\.([\w.]+)\s*\}\}')


def substitute_predefined(text: str, filename: str) -> str:
    """Replace ``{{ fileDirname }}`` and friends with facts about ``filename``."""
    stem, ext = os.path.splitext(os.path.basename(filename))
    facts = {'fileDirname': os.path.dirname(filename), 'fileBasename': stem + ext,
             'fileBasenameNoExtension': stem, 'fileExtname': ext}
    return _PREDEFINED.sub(lambda m: facts[m.group(1)].replace('\\', '/'), text)


def substitute_env(text: str, filename: str) -> Tuple[str, Dict[str, str]]:
    """Replace ``{{$NAME:default}}``; return the text and the variables taken from the env."""
    used: Dict[str, str] = {}

    def replace(match: 're.Match') -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            used[name] = os.environ[name]
            return os.environ[name]
        if not default:
            raise ConfigError(f'environment variable ${name} is not set and has no default',
                              file=filename, key=None,
                              fix=f'set {name}, or give a default: {{{{${name}:value}}}}')
        return default

    return _ENV.sub(replace, text), used


def tokenize_base_refs(text: str,
                       quote_outside_strings: bool) -> Tuple[str, Dict[str, Tuple[str, int]]]:
    """Replace each ``{{_base_.path}}`` by a placeholder token.

    Returns the new text and ``{token: (dotted path, line of its first use)}``. The token is a plain identifier, valid as
    a Python name, a YAML scalar and text inside any string; for JSON
    (``quote_outside_strings``) it is quoted where it stands outside a string literal.
    """
    tokens: Dict[str, Tuple[str, int]] = {}
    by_path: Dict[str, str] = {}
    salt = uuid.uuid4().hex[:8]
    pieces, position, in_string = [], 0, False
    for match in _BASE_REF.finditer(text):
        path = match.group(1).strip('.')
        token = by_path.get(path)
        if token is None:
            token = by_path[path] = f'__base_ref_{salt}_{len(by_path)}__'
            tokens[token] = (path, text.count('\n', 0, match.start()) + 1)
        if quote_outside_strings:
            in_string = _json_string_state(text, position, match.start(), in_string)
        pieces.append(text[position:match.start()])
        pieces.append(f'"{token}"' if quote_outside_strings and not in_string else token)
        position = match.end()
    pieces.append(text[position:])
    return ''.join(pieces), tokens


def _json_string_state(text: str, start: int, end: int, in_string: bool) -> bool:
    """Whether ``text[end]`` is inside a JSON string, given the state at ``start``."""
    index = start
    while index < end:
        char = text[index]
        if in_string and char == '\\':
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        index += 1
    return in_string


def resolve_base_refs(tokens: Dict[str, Tuple[str, int]], base: dict,
                      filename: str) -> Dict[str, Any]:
    """Look up every token's path in the merged base config: ``{token: value}``."""
    values = {}
    for token, (path, line) in tokens.items():
        node: Any = base
        for part in path.split('.'):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise ConfigError(f'line {line}: {{{{_base_.{path}}}}} refers to a key that the '
                                  'base configs do not define', file=filename,
                                  key=f'_base_.{path}',
                                  fix='check the spelling against the base files in `_base_`')
        values[token] = node
    return values


def replace_tokens(value: Any, values: Dict[str, Any]) -> Any:
    """Return ``value`` with every placeholder token replaced (see the module docstring)."""
    if not values:
        return value
    if isinstance(value, str):
        if value in values:
            return copy.deepcopy(values[value])
        for token, replacement in values.items():
            if token in value:
                value = value.replace(token, str(replacement))
        return value
    if type(value) in (list, tuple):
        return type(value)(replace_tokens(item, values) for item in value)
    if isinstance(value, dict):
        for key, item in list(dict.items(value)):
            value[key] = replace_tokens(item, values)
        return value
    return value
