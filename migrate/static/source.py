"""Read a config file's bytes and parse them with libcst (each file once per content)."""
from __future__ import annotations

import ast
import os
from typing import Dict, NamedTuple, Optional, Tuple

import libcst as cst

from .errors import StaticConfigError


class ParsedSource(NamedTuple):
    path: str
    text: str
    newline: str
    module: cst.Module


Stamp = Tuple[int, int]


def file_stamp(path: str) -> Stamp:
    """(mtime_ns, size): what the caches compare to see that a file changed."""
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def decode_config(path: str, data: bytes) -> str:
    if data.startswith(b'\xef\xbb\xbf'):
        raise StaticConfigError(
            'the file starts with a UTF-8 byte-order mark, which MMCV cannot load', file=path,
            fix='save it as UTF-8 without a byte-order mark')
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b'\n') + 1
        raise StaticConfigError(
            f'the file is not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})',
            file=path, line=line, fix='save it as UTF-8') from None


def detect_newline(text: str) -> str:
    """The file's line ending: the first one found ('\\r\\n' or '\\n')."""
    at = text.find('\n')
    return '\r\n' if at > 0 and text[at - 1] == '\r' else '\n'


def parse_config_text(path: str, text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as err:
        line, column, message = err.raw_line, err.raw_column + 1, err.message
    try:  # Python's own parser gives the message users know, at the same place
        ast.parse(text, filename=path)
    except SyntaxError as err:
        line, column, message = err.lineno, err.offset, err.msg
    raise StaticConfigError(f'syntax error: {message}', file=path, line=line, column=column,
                            fix='fix the Python syntax at that place')


def line_of(module: cst.Module, node: cst.CSTNode, cache: list) -> Optional[int]:
    """1-based line of ``node`` in ``module`` (None for a node not in it). Positions cost a
    walk of the whole file, so they are resolved once, on demand (only errors need them), and
    kept in ``cache`` (a one-item list owned by the caller, ``[None]`` at first)."""
    if cache[0] is None:
        import libcst.metadata  # slow to import: only errors get here
        wrapper = cst.metadata.MetadataWrapper(module, unsafe_skip_copy=True)
        cache[0] = wrapper.resolve(cst.metadata.PositionProvider)
    pos = cache[0].get(node)
    return pos.start.line if pos is not None else None


class SourceCache:
    """Parsed files keyed by absolute path, reparsed only when (mtime, size) changes."""

    def __init__(self):
        self._entries: Dict[str, Tuple[Stamp, ParsedSource]] = {}

    def get(self, path: str) -> Tuple[Stamp, ParsedSource]:
        try:
            stamp = file_stamp(path)
        except OSError:
            raise StaticConfigError('config file not found', file=path,
                                    fix='check the path') from None
        hit = self._entries.get(path)
        if hit is not None and hit[0] == stamp:
            return hit
        with open(path, 'rb') as f:
            data = f.read()
        text = decode_config(path, data)
        parsed = ParsedSource(path, text, detect_newline(text), parse_config_text(path, text))
        self._entries[path] = (stamp, parsed)
        return stamp, parsed

    def clear(self) -> None:
        self._entries.clear()

    def discard(self, path: str) -> None:
        self._entries.pop(path, None)
