"""Write config values back as Python source in the OpenMMLab style (``dict(type=..., ...)``).

A value that came unchanged from an expression of the file being converted is written with
that expression's own text (``max_epochs=max_epochs`` stays a reference to the variable);
everything else is written as a literal. Lines that do not fit ``width`` break one item per
line, the way OpenMMLab configs are laid out. Comments (``# migrate[RULE]: ...``) can be hung
on list items and dict entries; an item with a comment always gets a line of its own, and the
comment stays within the comment width (:func:`comment_width`): after the item when it fits
there, else above it, wrapped over several comment lines.
"""
from __future__ import annotations

import keyword
import math
import re
import textwrap
from typing import Any, Callable, Dict, List, Optional, Tuple

Path = Tuple[Any, ...]
#: path -> source text to use for the value at that path (or None: render the value).
CodeLookup = Callable[[Path, Any], Optional[str]]

INDENT = '    '
#: the line length comments are kept within, unless the file evidently uses longer lines
COMMENT_WIDTH = 99
#: how many of a file's lines must be longer before their length counts as the file's own
_EVIDENT_LINES = 3


class Renderer:
    """Render values; ``code_for`` supplies original source text, ``comments`` maps a path to
    the comments to hang on it."""

    def __init__(self, code_for: Optional[CodeLookup] = None,
                 comments: Optional[Dict[Path, List[str]]] = None, width: int = 79,
                 comment_width: int = COMMENT_WIDTH):
        self._lookup = code_for or (lambda path, value: None)
        self._looked_up: Dict[Path, Optional[str]] = {}
        self._flats: Dict[Path, Optional[str]] = {}
        self.comments = comments or {}
        self.width = width
        self.comment_width = comment_width

    def code_for(self, path: Path, value: Any) -> Optional[str]:
        """The original text for ``path``; asked once per path (layout tries ask again)."""
        if path not in self._looked_up:
            self._looked_up[path] = self._lookup(path, value)
        return self._looked_up[path]

    # -- entry point ----------------------------------------------------------------------------
    def statement(self, name: str, value: Any) -> str:
        """``name = <value>`` (one or more lines, without the final newline)."""
        prefix = f'{name} = '
        return prefix + self.render(value, (name,), len(prefix), 0)

    def render(self, value: Any, path: Path, column: int, depth: int) -> str:
        original = self.code_for(path, value)
        if original is not None:
            return original
        flat = self._flat(value, path)
        if flat is not None and column + len(flat) <= self.width \
                and not self._has_comments_below(path):
            return flat
        return self._broken(value, path, depth)

    # -- one line -------------------------------------------------------------------------------
    def _flat(self, value: Any, path: Path) -> Optional[str]:
        # a broken layout asks again for every nested item: remember each path's one-liner
        if path not in self._flats:
            self._flats[path] = self._one_line(value, path)
        return self._flats[path]

    def _one_line(self, value: Any, path: Path) -> Optional[str]:
        if isinstance(value, dict):
            items = self._dict_items(value, path, None)
            if items is None:
                return None
            opener, closer = self._dict_brackets(value)
            return opener + ', '.join(items) + closer
        if isinstance(value, (list, tuple)):
            parts = []
            for i, item in enumerate(value):
                part = self.code_for(path + (i,), item) or self._flat(item, path + (i,))
                if part is None:
                    return None
                parts.append(part)
            if isinstance(value, tuple):
                return '(' + ', '.join(parts) + (',)' if len(parts) == 1 else ')')
            return '[' + ', '.join(parts) + ']'
        return literal(value)

    def _dict_items(self, value: dict, path: Path, depth: Optional[int]) -> Optional[List[str]]:
        as_call = self._is_call_dict(value)
        items = []
        for key, item in value.items():
            sub = path + (key,)
            if depth is None:
                text = self.code_for(sub, item) or self._flat(item, sub)
                if text is None:
                    return None
            else:
                lead = len(INDENT) * (depth + 1) + len(str(key)) + 4
                text = self.render(item, sub, lead, depth + 1)
            items.append(f'{key}={text}' if as_call else f'{literal(key)}: {text}')
        return items

    # -- several lines --------------------------------------------------------------------------
    def _broken(self, value: Any, path: Path, depth: int) -> str:
        inner = INDENT * (depth + 1)
        if isinstance(value, dict):
            opener, closer = self._dict_brackets(value)
            items = self._dict_items(value, path, depth)
            keys: List[Any] = list(value)
        elif isinstance(value, (list, tuple)):
            opener, closer = ('(', ')') if isinstance(value, tuple) else ('[', ']')
            items = [self.render(item, path + (i,), len(inner), depth + 1)
                     for i, item in enumerate(value)]
            keys = list(range(len(value)))
        else:
            return literal(value)
        lines = [opener]
        for key, text in zip(keys, items):
            comment = self.comments.get(path + (key,))
            line = f'{inner}{text},'
            if comment:
                after = line + '  ' + '  '.join(f'# {c}' for c in comment)
                if len(after.rsplit('\n', 1)[-1]) <= self.comment_width:
                    line = after
                else:
                    lines.extend(comment_lines(comment, inner, self.comment_width))
            lines.append(line)
        lines.append(INDENT * depth + closer)
        return '\n'.join(lines)

    def _has_comments_below(self, path: Path) -> bool:
        n = len(path)
        return any(len(p) > n and p[:n] == path for p in self.comments)

    @staticmethod
    def _is_call_dict(value: dict) -> bool:
        return all(isinstance(k, str) and k.isidentifier() and not keyword.iskeyword(k)
                   for k in value)

    def _dict_brackets(self, value: dict) -> Tuple[str, str]:
        return ('dict(', ')') if self._is_call_dict(value) else ('{', '}')


def comment_lines(comments: List[str], indent: str = '', width: int = COMMENT_WIDTH) -> List[str]:
    """Each comment as ``# ...`` lines at ``indent``, wrapped within ``width`` (a word longer
    than the line is not cut); continuation lines are indented under the first.

    >>> comment_lines(['migrate[MIG100]: the warmup is laid over a cosine'], '    ', 40)
    ['    # migrate[MIG100]: the warmup is', '    #   laid over a cosine']
    """
    out: List[str] = []
    for comment in comments:
        out.extend(textwrap.wrap(comment, width=max(width, len(indent) + 20),
                                 initial_indent=indent + '# ',
                                 subsequent_indent=indent + '#   ',
                                 break_long_words=False, break_on_hyphens=False))
    return out


def says(comments: List[str], comment: str) -> bool:
    """Whether the comment lines ``comments`` (``# ...`` each) hold ``comment``, on one line
    or wrapped by :func:`comment_lines` at any width.

    >>> says(['# migrate[MIG100]: the warmup is', '#   laid over a cosine'],
    ...      'migrate[MIG100]: the warmup is laid over a cosine')
    True
    """
    said = ' '.join(line.strip().lstrip('#').strip() for line in comments)
    return ' '.join(comment.split()) in ' '.join(said.split())


def comment_width(text: str) -> int:
    """The width comments are kept within in the file whose source is ``text``:
    :data:`COMMENT_WIDTH`, or the file's own longer line length where it evidently has one
    (at least :data:`_EVIDENT_LINES` lines reach it; one long URL does not make a style)."""
    lengths = sorted((len(line) for line in re.split(r'\r\n|\r|\n', text)), reverse=True)
    evident = lengths[_EVIDENT_LINES - 1] if len(lengths) >= _EVIDENT_LINES else 0
    return max(COMMENT_WIDTH, evident)


def literal(value: Any) -> str:
    """Python source for a scalar (or any value without nested layout concerns)."""
    code = getattr(value, 'code', None)
    if code is not None and type(value).__name__ == 'Opaque':
        return code
    if isinstance(value, float):
        if math.isinf(value):
            return "float('inf')" if value > 0 else "float('-inf')"
        if math.isnan(value):
            return "float('nan')"
        return repr(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, dict):
        return Renderer().render(value, (), 0, 0)
    if isinstance(value, (list, tuple)):
        return Renderer(width=10 ** 9).render(value, (), 0, 0)
    return repr(value)


def _quote(text: str) -> str:
    # OpenMMLab configs use single quotes; repr() picks them unless the text holds one.
    return repr(text)
