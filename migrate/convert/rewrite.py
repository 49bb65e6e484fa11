"""Edit one config module with libcst: remove converted legacy statements, insert the new ones.

Everything else (comments, blank lines, ordering, formatting of untouched statements) is kept
byte for byte. A removed statement's leading comments move onto the new statements that take
its place; where none does, the comment lines directly above it (``# learning policy`` above
``lr_config``) are about it and go with it, and a ``# yapf: disable`` / ``# yapf: enable`` pair
left with nothing between goes too.
"""
from __future__ import annotations

import ast
import re
from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from migrate.convert.render import COMMENT_WIDTH, comment_lines, says


def assigned_names(stmt: cst.CSTNode) -> List[str]:
    """Top-level names a statement binds (``a = ...``, ``a: T = ...``, ``a = b = ...``)."""
    if not isinstance(stmt, cst.SimpleStatementLine):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            return [stmt.name.value]
        return []
    names = []
    for small in stmt.body:
        if isinstance(small, cst.Assign):
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    names.append(target.target.value)
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)) and \
                isinstance(small.target, cst.Name):
            names.append(small.target.value)
    return names


def binding_positions(module: cst.Module) -> Dict[str, int]:
    """Name -> index of the first top-level statement binding it."""
    out: Dict[str, int] = {}
    for index, stmt in enumerate(module.body):
        for name in assigned_names(stmt):
            out.setdefault(name, index)
    return out


def names_used(code: str) -> Set[str]:
    """Names an expression or statement's source reads: ``a.b`` reads ``a``, and a keyword
    argument's name is not a reference (Python's own parser: much cheaper than a CST walk).

    >>> sorted(names_used('dict(max_epochs=total_epochs, lr=base.lr * 2)'))
    ['base', 'dict', 'total_epochs']
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = ast.parse('(\n' + code + '\n)', mode='eval')   # an expression across lines
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def removable(stmt: cst.CSTNode, keys: Set[str]) -> bool:
    """True when ``stmt`` only assigns keys in ``keys`` (so removing it loses nothing else)."""
    names = assigned_names(stmt)
    return bool(names) and isinstance(stmt, cst.SimpleStatementLine) \
        and len(stmt.body) == 1 and all(n in keys for n in names)


class _Inline(cst.CSTTransformer):
    """Replace references to removed keys by their values (``max_epochs=total_epochs`` after
    ``total_epochs`` is converted away becomes ``max_epochs=24``)."""

    def __init__(self, values: Dict[str, str]):
        self.values = values

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        code = self.values.get(original.value)
        return cst.parse_expression(code) if code is not None else updated

    def visit_Arg(self, node: cst.Arg) -> bool:
        return True

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        # A keyword's name is not a reference: keep it as written.
        return updated.with_changes(keyword=original.keyword)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return True

    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)


def rewrite_module(module: cst.Module, remove: Set[str],
                   inserts: Sequence[Tuple[Optional[int], str]],
                   inline: Optional[Dict[str, str]] = None,
                   text: Optional[str] = None,
                   drop: Optional[Set[int]] = None,
                   notes: Optional[Dict[int, List[str]]] = None,
                   parsed: Optional[List[ast.stmt]] = None,
                   comment_width: int = COMMENT_WIDTH) -> str:
    """Return the source of ``module`` without the statements assigning ``remove`` and with
    ``inserts`` (statement index -> source of new statements; ``None`` appends at the end).

    An insert at index ``i`` goes where statement ``i`` was (it must be a removed one) and
    inherits its leading comments. The result is spliced as text: untouched statements are
    the module's own code, and inserted source is used as written (in the file's line ending),
    never reparsed. ``text`` (the module's source, if at hand) saves generating the code of
    the untouched statements: they are cut out of it. ``drop``: indexes of further statements
    to remove as if they assigned ``remove`` keys; ``notes``: comment lines (without ``# ``)
    to put right above a kept statement's first line, wrapped within ``comment_width``.
    ``parsed``: ``ast.parse(text).body``, if the caller has it.
    """
    newline = module.default_newline
    pieces = _cut(module, text, parsed) if text is not None else None
    header = pieces[0] if pieces else \
        ''.join(module.code_for_node(line) for line in module.header)
    footer = pieces[-1] if pieces else \
        ''.join(module.code_for_node(line) for line in module.footer)

    def code_of(index: int, stmt: cst.CSTNode) -> str:
        return pieces[index + 1] if pieces else module.code_for_node(stmt)

    inliner = _Inline(inline) if inline else None
    inline_names = _name_pattern(inline) if inline else None
    by_index: Dict[Optional[int], List[str]] = {}
    for index, code in inserts:
        by_index.setdefault(index, []).append(_as_lines(code, newline))
    out: List[str] = [header]
    # leading lines of removed statements, waiting for the next statement: (the lines to keep
    # whatever comes, the comment lines directly above the removed statement)
    pending: List[Tuple[str, str]] = []
    emitted = False
    for index, stmt in enumerate(module.body):
        new = ''.join(by_index.get(index, []))
        if removable(stmt, remove) or (drop and index in drop):
            if index == 0 and not new:
                out[0], attached = _split_header(header)
                pending.append(('', attached))
            pending.append(_split_attached(
                _leading_text(code_of(index, stmt), len(stmt.leading_lines))))
            if new:
                out.append(_drop_empty_yapf_pairs(_joined(pending)) + new)
                pending, emitted = [], True
            continue
        code = code_of(index, stmt)
        if inline_names is not None and inline_names.search(code) \
                and names_used(code) & set(inliner.values):
            code = module.code_for_node(stmt.visit(inliner))
        if notes and index in notes:
            lead = _leading_text(code, len(stmt.leading_lines))
            code = lead + _new_notes(notes[index], lead, comment_width, newline) \
                + code[len(lead):]
        lead = _leading_text(code, len(stmt.leading_lines))
        out.append(new + _settled(pending, lead) + code[len(lead):])
        pending, emitted = [], True
    tail = ''.join(by_index.get(None, []))
    if tail:
        # nothing taking a removed statement's place is appended at the end
        left = _settled(pending, '')
        out.append(left + tail if left or not emitted else newline + tail)
        pending = []
    out.append(_settled(pending, footer))
    text = ''.join(out)
    if not module.has_trailing_newline:
        if text.endswith(newline):
            text = text[:-len(newline)]
    elif not text:
        text = newline   # libcst's rule: an emptied module keeps its final newline
    return text


def _new_notes(notes: List[str], lead: str, width: int, newline: str) -> str:
    """The comment lines of ``notes`` that the statement's leading lines do not already hold
    (a file converted before says so once: converting twice changes nothing)."""
    above = [line for line in _lines(lead) if line.lstrip().startswith('#')]
    return ''.join(_as_lines(line, newline) for note in notes if not says(above, note)
                   for line in comment_lines([note], '', width))


def _cut(module: cst.Module, text: str,
         parsed: Optional[List[ast.stmt]] = None) -> Optional[List[str]]:
    """``[header, statement 0, ..., statement n-1, footer]`` as slices of ``text``, located
    with Python's own parser (a statement's code starts ``len(leading_lines)`` lines above its
    first line). None when anything does not line up: the caller generates the code instead.
    """
    if not text.endswith(('\n', '\r')):
        return None   # the last line's code would lack the line end generation gives it
    try:
        nodes = ast.parse(text).body if parsed is None else parsed
    except (SyntaxError, ValueError):
        return None
    starts = [0] + [m.end() for m in _LINE_END.finditer(text)]   # offset of each line
    cuts, k = [], 0
    for stmt in module.body:
        if k >= len(nodes):
            return None
        node = nodes[k]
        line = min([node.lineno] + [d.lineno for d in getattr(node, 'decorator_list', ())])
        first = line - 1 - len(stmt.leading_lines)
        if first < 0 or first >= len(starts):
            return None
        cuts.append(starts[first])
        k += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
    if k != len(nodes):
        return None
    end = starts[len(starts) - 1 - len(module.footer)]
    bounds = [0] + cuts + [end, len(text)]
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    if any(b < a for a, b in zip(bounds, bounds[1:])) or \
            pieces[0].count('\n') + pieces[0].count('\r') < len(module.header) - 1:
        return None
    return pieces


_LINE_END = re.compile(r'\r\n|\r|\n')


def _as_lines(code: str, newline: str) -> str:
    """Inserted source in the file's line ending, ending with one."""
    return code.rstrip('\n').replace('\n', newline) + newline


def _leading_text(code: str, lines: int) -> str:
    """The first ``lines`` lines of a statement's code: its leading comments and blank lines
    (each ``EmptyLine`` is exactly one line)."""
    at = 0
    for _ in range(lines):
        at = code.index('\n', at) + 1
    return code[:at]


_COMMENT_LINE = re.compile(r'[ \t]*#[^\r\n]*(?:\r\n|\r|\n)?\Z')
_YAPF = re.compile(r'[ \t]*#\s*yapf:\s*(disable|enable)\s*\Z')


def _lines(text: str) -> List[str]:
    """``text`` cut after each line end (the last piece may lack one)."""
    return [m.group(0) for m in re.finditer(r'[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z', text)]


def _split_attached(lead: str) -> Tuple[str, str]:
    """A removed statement's leading lines as (lines that stay, comment lines about it): the
    comment lines directly above it, without a blank line between. ``# yapf:`` directives
    stay, paired with their other half further on (see :func:`_drop_empty_yapf_pairs`)."""
    lines = _lines(lead)
    start = len(lines)
    while start and _COMMENT_LINE.match(lines[start - 1]):
        start -= 1
    block = lines[start:]
    directives = [line for line in block if _YAPF.match(line.rstrip('\r\n'))]
    return ''.join(lines[:start] + directives), \
        ''.join(line for line in block if line not in directives)


def _split_header(header: str) -> Tuple[str, str]:
    """The module header (libcst puts the first statement's comments there) as (header that
    stays, comment lines directly above the first statement). The file's opening comment
    block (a licence, a title) is never taken for a statement's comment."""
    kept, attached = _split_attached(header)
    if not kept.strip():
        return header, ''
    return kept, attached


def _joined(pending: List[Tuple[str, str]]) -> str:
    return ''.join(kept + attached for kept, attached in pending)


def _settled(pending: List[Tuple[str, str]], lead: str) -> str:
    """The leading lines of removed statements that nothing took the place of, before
    ``lead`` (the next survivor's own leading lines): without the comments about them, and
    without a yapf pair they leave empty."""
    if not pending:
        return lead
    return _drop_empty_yapf_pairs(''.join(kept for kept, _ in pending) + lead)


def _drop_empty_yapf_pairs(text: str) -> str:
    """Leading lines with a ``# yapf: disable`` followed by its ``# yapf: enable`` (no code
    between: these are only comments and blank lines), without the pair: what it fenced off
    was removed."""
    if 'yapf' not in text:
        return text
    lines = _lines(text)
    opened: Optional[int] = None
    gone: Set[int] = set()
    for i, line in enumerate(lines):
        match = _YAPF.match(line.rstrip('\r\n'))
        if match and match.group(1) == 'disable':
            opened = i
        elif match and opened is not None:
            gone |= {opened, i}
            opened = None
    return ''.join(line for i, line in enumerate(lines) if i not in gone)


def _name_pattern(names: Dict[str, str]) -> 're.Pattern[str]':
    """Matches any of ``names`` as a whole word: a cheap filter before walking a statement."""
    return re.compile(r'\b(?:' + '|'.join(map(re.escape, sorted(names))) + r')\b')
