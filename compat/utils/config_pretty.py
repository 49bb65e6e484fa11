"""``Config.pretty_text``: MMCV 1.7.2's Python rendering of a config, formatted by yapf.

yapf is not a dependency: without it, asking for the text (or dumping to ``.py``) raises an
ImportError that says so; everything else works.
"""
from __future__ import annotations

from typing import Any

INDENT = 4
YAPF_STYLE = dict(based_on_style='pep8', blank_line_before_nested_class_or_def=True,
                  split_before_expression_after_opening_paren=True)


def pretty_text(cfg_dict: dict) -> str:
    """The config as MMCV writes it: ``key=value`` lines, yapf-formatted (pep8 based)."""
    try:
        import yapf
        from yapf.yapflib.yapf_api import FormatCode
    except ImportError:
        raise ImportError('Config.pretty_text (and Config.dump to a .py file) formats the '
                          'config with yapf, which is not installed: pip install yapf') from None
    text = _format_dict(cfg_dict, outest_level=True)
    if _version(yapf.__version__) >= (0, 40, 2):
        return FormatCode(text, style_config=YAPF_STYLE)[0]
    return FormatCode(text, style_config=YAPF_STYLE, verify=True)[0]


def _version(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in text.split('.')[:3])


def _indent(text: str, spaces: int) -> str:
    first, *rest = text.split('\n')
    return '\n'.join([first] + [' ' * spaces + line for line in rest])


def _key(key: Any, use_mapping: bool) -> str:
    if not use_mapping:
        return f'{key}='
    return (f"'{key}'" if isinstance(key, str) else str(key)) + ': '


def _format_basic(key: Any, value: Any, use_mapping: bool) -> str:
    text = f"'{value}'" if isinstance(value, str) else str(value)
    return _indent(_key(key, use_mapping) + text, INDENT)


def _format_list(key: Any, value: list, use_mapping: bool) -> str:
    if not all(isinstance(item, dict) for item in value):
        return _format_basic(key, value, use_mapping)
    items = '\n'.join(f'dict({_indent(_format_dict(item), INDENT)}),' for item in value)
    return _indent(_key(key, use_mapping) + '[\n' + items.rstrip(','), INDENT) + ']'


def _format_dict(value: dict, outest_level: bool = False) -> str:
    use_mapping = any(not str(key).isidentifier() for key in value)
    lines = []
    for index, (key, item) in enumerate(value.items()):
        end = '' if outest_level or index >= len(value) - 1 else ','
        if isinstance(item, dict):
            line = _indent(_key(key, use_mapping).rstrip(' ') + ('dict(' if not use_mapping
                           else ' dict(') + '\n' + _format_dict(item), INDENT) + ')'
        elif isinstance(item, list):
            line = _format_list(key, item, use_mapping)
        else:
            line = _format_basic(key, item, use_mapping)
        lines.append(line + end)
    text = '\n'.join(lines)
    return '{' + text + '}' if use_mapping else text
