"""Parsing ``--cfg-options KEY=VALUE ...`` overrides into a dict for ``Config.merge_from_dict``.

Values follow MMEngine's ``DictAction``: ``1`` → int, ``0.1``/``1e-3`` → float, ``true``/``False``
→ bool, ``None`` → None, ``[a,b]`` → list, ``(a,b)`` → tuple (nested brackets allowed),
``a,b`` → list, anything else → str. Two deliberate differences, so that strings survive: a
value (or list element) wrapped in matching quotes is a string taken literally, commas and all
(``'a,b'`` → ``'a,b'``; MMEngine strips the quotes and splits), and whitespace is stripped around
elements instead of being deleted everywhere (``hello world`` stays ``'hello world'``).
"""
from __future__ import annotations

import argparse
from typing import Any, Iterable, Optional

from engine.errors import ConfigError

from .config_dict import ConfigDict

SOURCE = '--cfg-options'
_PAIRS = {'(': ')', '[': ']'}
_QUOTES = ('"', "'")


def parse_cfg_options(items: Iterable[str]) -> dict:
    """Parse ``['a.b=1', 'c=[1,2]', ...]`` into ``{'a.b': 1, 'c': [1, 2], ...}``.

    Usable as a click callback body: ``callback=lambda ctx, param, v: parse_cfg_options(v)``.
    Raises :class:`ConfigError` naming the option for an item without ``=`` or with unbalanced
    brackets or quotes.
    """
    if isinstance(items, str):
        items = [items]
    options: dict = {}
    for item in items:
        key, sep, raw = str(item).partition('=')
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f'option {item!r} is not of the form KEY=VALUE', file=SOURCE,
                              key=key or None,
                              fix='write it as e.g. optim_wrapper.optimizer.lr=0.01')
        options[key] = parse_value(raw, key=key)
    return options


def parse_value(text: str, key: Optional[str] = None) -> Any:
    """Parse one option value (see the module docstring for the rules)."""
    text = text.strip()
    if _is_quoted(text):
        return text[1:-1]
    if text[:1] in _PAIRS and _closing_index(text, key) == len(text) - 1:
        items = [parse_value(part, key) for part in _split_top_level(text[1:-1], key)]
        return tuple(items) if text[0] == '(' else items
    parts = _split_top_level(text, key)
    if len(parts) > 1 or text.endswith(','):
        return [parse_value(part, key) for part in parts]
    return _parse_scalar(text)


def _parse_scalar(text: str) -> Any:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    if text.lower() in ('true', 'false'):
        return text.lower() == 'true'
    if text == 'None':
        return None
    return text


def _is_quoted(text: str) -> bool:
    return (len(text) >= 2 and text[0] in _QUOTES and text[-1] == text[0]
            and text[0] not in text[1:-1])


def _error(message: str, text: str, key: Optional[str]) -> ConfigError:
    return ConfigError(f'{message} in value {text!r}', file=SOURCE, key=key,
                       fix='balance every bracket and quote, or quote the whole string value')


def _scan(text: str, key: Optional[str]):
    """Yield ``(index, char, depth)`` for characters outside quotes, checking balance.

    A quote only opens a quoted string at the start of an element, so that an apostrophe
    inside a plain word (``bob's``) is just a character.
    """
    stack: list = []
    quote = None
    previous = None  # last non-blank character outside quotes
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
            continue
        if not char.isspace():
            starts_element = previous in (None, ',', '(', '[')
            previous = char
            if char in _QUOTES and starts_element:
                quote = char
                continue
        if char in _PAIRS:
            stack.append(_PAIRS[char])
        elif char in _PAIRS.values():
            if not stack or stack.pop() != char:
                raise _error(f"unexpected '{char}'", text, key)
        yield index, char, len(stack)
    if quote:
        raise _error(f'unclosed quote {quote}', text, key)
    if stack:
        raise _error(f"missing '{stack[-1]}'", text, key)


def _closing_index(text: str, key: Optional[str]) -> int:
    """Index of the bracket that closes the one at ``text[0]``."""
    for index, char, depth in _scan(text, key):
        if depth == 0 and char in _PAIRS.values():
            return index
    return -1


def _split_top_level(text: str, key: Optional[str]) -> list:
    """Split on commas outside brackets and quotes; a trailing empty part is dropped."""
    parts, start = [], 0
    for index, char, depth in _scan(text, key):
        if char == ',' and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    if not parts[-1].strip():
        parts.pop()
    return parts


def options_to_tree(options: dict) -> ConfigDict:
    """Turn dotted keys (``{'a.0.b': 1}``) into the nested dict that ``merge_into`` expects."""
    tree = ConfigDict()
    for full_key, value in options.items():
        parts = str(full_key).split('.')
        if not all(parts):
            raise ConfigError('empty part in a dotted key', file=SOURCE, key=str(full_key),
                              fix="write keys as 'a.b.c' without leading, trailing or double dots")
        node = tree
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = ConfigDict()
            node = child
        node[parts[-1]] = value
    return tree


class DictAction(argparse.Action):
    """``argparse`` action for ``--cfg-options k=v ...`` (use with ``nargs='+'``)."""

    def __call__(self, parser, namespace, values, option_string=None):
        options = dict(getattr(namespace, self.dest, None) or {})
        try:
            options.update(parse_cfg_options(values or []))
        except ConfigError as exc:
            parser.error(str(exc))
        setattr(namespace, self.dest, options)
