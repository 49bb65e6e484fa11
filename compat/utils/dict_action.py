"""MMCV 1.7.2's ``DictAction``: ``--cfg-options a.b=1 c=[1,(2,3)]`` into a dict."""
from __future__ import annotations

from argparse import Action
from typing import Any, List, Tuple, Union


def _is_balanced(text: str) -> bool:
    return text.count('(') == text.count(')') and text.count('[') == text.count(']')


class DictAction(Action):
    """Split each ``KEY=VALUE`` on the first ``=`` into a dict stored on the namespace.

    ``V1,V2`` and ``[V1,V2]`` give lists, ``(V1,V2)`` tuples, nested as written; scalars
    become int, float, bool (``true``/``false`` in any case), ``None`` or stay strings.
    """

    @staticmethod
    def _parse_int_float_bool(val: str) -> Any:
        for cast in (int, float):
            try:
                return cast(val)
            except ValueError:
                pass
        if val.lower() in ('true', 'false'):
            return val.lower() == 'true'
        return None if val == 'None' else val

    @staticmethod
    def _parse_iterable(val: str) -> Union[Any, List[Any], Tuple[Any, ...]]:
        """``'[(1,2),[a,b],c]'`` -> ``[(1, 2), ['a', 'b'], 'c']``."""
        # MMCV strips quotes at both ends and drops every space, inside strings too.
        val = val.strip('\'"').replace(' ', '')
        is_tuple = val.startswith('(') and val.endswith(')')
        if is_tuple or (val.startswith('[') and val.endswith(']')):
            val = val[1:-1]
        elif ',' not in val:
            return DictAction._parse_int_float_bool(val)
        values = []
        while val:
            end = _next_comma(val)
            values.append(DictAction._parse_iterable(val[:end]))
            val = val[end + 1:]
        return tuple(values) if is_tuple else values

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        options = {}
        for pair in values:
            key, val = pair.split('=', maxsplit=1)
            options[key] = self._parse_iterable(val)
        setattr(namespace, self.dest, options)


def _next_comma(text: str) -> int:
    """Index of the first top-level comma (outside brackets), or ``len(text)``."""
    # MMCV asserts the brackets balance; the same AssertionError text is kept.
    assert _is_balanced(text), f'Imbalanced brackets exist in {text}'
    for index, char in enumerate(text):
        if char == ',' and _is_balanced(text[:index]):
            return index
    return len(text)
