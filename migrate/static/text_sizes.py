"""String operations sized before they run: a format width, a padding or a replacement can
ask Python for a string of a billion characters (``'{:>999999999}'.format(1)``,
``'x'.center(10 ** 9)``) in one step, too fast for the work budget to notice. Each refusal is
a budget error with its own message, naming the operation and the size it asked for."""
from __future__ import annotations

import re
import string
from typing import Any

from .budget import BudgetExceeded
from .limits import MAX_ITEMS

_NUMBER = re.compile(r'\d+')
# printf-style conversions: %[(key)][flags][width][.precision][length]type
_PERCENT = re.compile(r'%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)', re.S)


def refuse_size(what: str, size: int) -> None:
    raise BudgetExceeded(
        f'{what} would build a string of {size:,} characters, over the {MAX_ITEMS:,}-character '
        'budget for one value', budget='string size')


def check_spec(spec: str, what: str) -> None:
    """A format spec's width and precision (every number in it) within the budget."""
    for number in _NUMBER.findall(spec):
        if len(number) > 7 or int(number) > MAX_ITEMS:
            refuse_size(f"{what} with the format spec '{spec[:40]}'", int(number[:30]))


class _SizedFormatter(string.Formatter):
    """``str.format`` checking each field's spec before formatting it, and the total."""

    def __init__(self):
        self.built = 0

    def format_field(self, value: Any, format_spec: str) -> str:
        check_spec(format_spec, 'str.format')
        text = super().format_field(value, format_spec)
        self.built += len(text)
        if self.built > MAX_ITEMS:
            refuse_size('str.format', self.built)
        return text


def sized_format(template: str, *args, **kwargs) -> str:
    return _SizedFormatter().vformat(template, args, kwargs)


def sized_percent(template: Any, values: Any) -> Any:
    """``template % values`` for a str template: widths, precisions and ``*`` arguments, and
    a mapping's values used many times, within the budget."""
    if not isinstance(template, str):
        return template % values
    conversions = [m for m in _PERCENT.finditer(template) if m.group(3) != '%']
    for m in conversions:
        for number in (m.group(1), m.group(2)):
            if number and number != '*' and (len(number) > 7 or int(number) > MAX_ITEMS):
                refuse_size(f"'%' with the conversion '{m.group(0)[:40]}'", int(number[:30]))
    if any('*' in (m.group(1) or '') + (m.group(2) or '') for m in conversions):
        stars = values if isinstance(values, tuple) else (values,)
        for value in stars:
            if type(value) is int and value > MAX_ITEMS:
                refuse_size("'%' with a '*' width", value)
    if isinstance(values, dict):   # one value may be used by every conversion
        longest = max((len(v) for v in values.values() if isinstance(v, str)), default=0)
        if longest * len(conversions) > MAX_ITEMS:
            refuse_size("'%' with a mapping", longest * len(conversions))
    return template % values


def sized_str_method(receiver: str, name: str, args: list, kwargs: dict) -> None:
    """Refuse a padding, replacement or join whose result would be over the budget."""
    if name in ('center', 'ljust', 'rjust', 'zfill'):
        width = args[0] if args else kwargs.get('width')
        if type(width) is int and width > MAX_ITEMS:
            refuse_size(f'str.{name}', width)
    elif name == 'replace' and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        old, new = args[0], args[1]
        count = receiver.count(old) if old else len(receiver) + 1
        if len(args) > 2 and type(args[2]) is int and args[2] >= 0:
            count = min(count, args[2])
        size = len(receiver) + count * (len(new) - len(old))
        if size > MAX_ITEMS:
            refuse_size('str.replace', size)
    elif name == 'join' and args and isinstance(args[0], (list, tuple)):
        parts = args[0]
        size = len(receiver) * max(len(parts) - 1, 0) + sum(
            len(p) for p in parts if isinstance(p, str))
        if size > MAX_ITEMS:
            refuse_size('str.join', size)
