"""A cheap look at a config's text before any parser sees it: token count and nesting.

libcst's native parser crashes the process (SIGSEGV) on nesting a few thousand deep, and both
it and Python's parser need memory per token (libcst ~2 KB). So before parsing, one regular
expression walks the tokens, stopping as soon as a limit is crossed: the cost is bounded by
the limits, not by the file.

Nesting counts open brackets plus the operator links of the expression being written at each
bracket level (``1+1+1`` is three levels deep in a parse tree, ``a.b.c`` and ``f()()`` too),
so it bounds the depth of the parse tree, not only of the brackets. A separator (``,`` ``:``
``;`` ``=`` or the end of a statement) starts a new expression at its level.
"""
from __future__ import annotations

import re
from typing import List

from .budget import MAX_NESTING, MAX_TOKENS, BudgetExceeded

_NUMBER = r'0[xXoObB][\w]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?[\d_]+)?[jJ]?'
_STRING = (r'[rRbBuUfF]{0,2}(?:\'\'\'[\s\S]*?\'\'\'|"""[\s\S]*?"""'
           r'|\'(?:\\[\s\S]|[^\'\\\r\n])*\'|"(?:\\[\s\S]|[^"\\\r\n])*")')
_TOKEN = re.compile(
    r'(?P<space>[ \t\f]+|\\\r\n|\\[\r\n])'
    r'|(?P<comment>\#[^\r\n]*)'
    r'|(?P<newline>\r\n|\r|\n)'
    rf'|(?P<string>{_STRING})'
    rf'|(?P<number>{_NUMBER})'
    r'|(?P<name>\w+)'
    r'|(?P<open>[(\[{])'
    r'|(?P<close>[)\]}])'
    r'|(?P<separator>:=|==|[,:;]|=(?!=))'
    r'|(?P<operator>\*\*=?|//=?|>>=?|<<=?|->|\.\.\.|[-+*/%&|^@<>!]=|[-+*/%&|^~@<>.])'
    r'|(?P<other>\S)')
# keywords that build a node around what follows or precedes them
_OPERANDS = frozenset(('name', 'number', 'string', 'close'))
_LINK_WORDS = frozenset(('and', 'or', 'not', 'if', 'else', 'in', 'is', 'lambda', 'await',
                         'for', 'yield'))


def prescan(text: str, file: str) -> None:
    """Raise :class:`BudgetExceeded` when ``text`` holds more than ``MAX_TOKENS`` tokens or
    nests deeper than ``MAX_NESTING``; otherwise return (the text may still be invalid
    Python: the parsers that run next say so)."""
    links: List[int] = [0]   # operator links of the open expression, per bracket level
    depth = 0                # sum(links) + open brackets
    line = 1
    previous = ''
    count = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == 'space':
            if match.group().startswith('\\'):
                line += 1
            continue
        count += 1
        if count > MAX_TOKENS:
            raise BudgetExceeded(
                f'the file has more than {MAX_TOKENS:,} tokens, over the budget for one '
                'config', budget='tokens', file=file, line=line)
        if kind == 'newline' or kind == 'comment':
            line += kind == 'newline'
            if len(links) > 1:   # inside brackets: neither ends the expression
                continue
            depth -= links[0]   # a statement ends
            links[0] = 0
        elif kind == 'string':
            line += match.group().count('\n') or match.group().count('\r')
            if previous == 'string':   # 'a' 'b': concatenated strings nest
                links[-1] += 1
                depth += 1
        elif kind == 'separator':
            depth -= links[-1]
            links[-1] = 0
        elif kind == 'open':
            if previous in _OPERANDS:   # a call or subscript: a node around what precedes
                links[-1] += 1
                depth += 1
            links.append(0)
            depth += 1
        elif kind == 'close':
            if len(links) > 1:
                depth -= links.pop() + 1
        elif kind == 'operator' or (kind == 'name' and match.group() in _LINK_WORDS):
            links[-1] += 1
            depth += 1
        previous = kind if kind != 'name' or match.group() not in _LINK_WORDS else 'operator'
        if depth > MAX_NESTING:
            raise BudgetExceeded(
                f'nesting deeper than {MAX_NESTING} (brackets and operator chains) at this '
                'line', budget='nesting', file=file, line=line,
                fix='flatten the expression: a config value this deep cannot be read safely')
