"""Read a config file's bytes and parse them with libcst (each file once per content)."""
from __future__ import annotations

import ast
import os
import re
import stat
import sys
import warnings
from contextlib import contextmanager
from typing import Dict, Iterator, NamedTuple, Optional, Tuple

import libcst as cst

from .budget import MAX_FILE_BYTES, BudgetExceeded
from .errors import StaticConfigError
from .prescan import prescan

_BARE_CR = re.compile(r'\r(?!\n)')


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


def split_bare_cr(text: str) -> str:
    """``text`` with every lone '\\r' (old Mac line ends, '\\n\\r' pairs) made a line end of
    the file's kind: Python reads a lone '\\r' as a line end (MMCV imports the file), libcst
    does not round-trip it. Line numbers stay Python's."""
    if '\r' not in text:
        return text
    newline = detect_newline(text)
    return _BARE_CR.sub(lambda _: newline, text)


def check_python(path: str, text: str) -> None:
    """Refuse what Python would refuse to run (a NUL byte, a duplicate keyword argument, a
    top-level ``return``, a bad escape): ``compile`` checks all of it and never executes.
    Runs after :func:`~.prescan.prescan`, so the text is bounded in size and nesting."""
    try:
        with warnings.catch_warnings():   # invalid escapes and `is` literals only warn
            warnings.simplefilter('ignore')
            compile(text, path, 'exec', dont_inherit=True)
    except SyntaxError as err:
        raise StaticConfigError(f'syntax error: {err.msg}', file=path, line=err.lineno,
                                column=err.offset,
                                fix='fix the Python syntax at that place') from None
    except (ValueError, RecursionError, MemoryError) as err:   # NUL bytes (before 3.12)
        raise StaticConfigError(f'not valid Python: {err}', file=path,
                                line=text.count('\n', 0, max(text.find('\0'), 0)) + 1,
                                fix='remove the NUL byte (is it a binary file?)') from None


def parse_config_text(path: str, text: str) -> cst.Module:
    """The libcst module of ``text``, after the cheap checks that keep libcst's native parser
    from crashing or stalling (:func:`~.prescan.prescan`) and Python's own check."""
    prescan(text, path)
    check_python(path, text)
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


def read_config_bytes(path: str) -> bytes:
    """The bytes of the regular file at ``path``, at most ``MAX_FILE_BYTES`` of them.

    A FIFO, a device or a socket (also behind a symlink) is refused from its ``stat``,
    without being opened: reading one can block forever or never end (``/dev/zero``)."""
    try:
        info = os.stat(path)
    except OSError:
        raise StaticConfigError('config file not found', file=path,
                                fix='check the path') from None
    check_regular(path, info.st_mode)
    check_size(path, info.st_size)
    # O_NONBLOCK: if the file was swapped for a FIFO since the stat, open does not wait
    fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0))
    with open(fd, 'rb', closefd=True) as f:
        check_regular(path, os.fstat(f.fileno()).st_mode)
        data = f.read(MAX_FILE_BYTES + 1)
    check_size(path, len(data))
    return data


def check_regular(path: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise StaticConfigError(
            f'not a regular file ({file_kind(mode)}): skipped without reading it', file=path,
            fix='configs are regular files; remove it from the tree or point at the real file')


def check_size(path: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise BudgetExceeded(f'file is {size / 2 ** 20:.1f} MB, over the '
                             f'{MAX_FILE_BYTES / 2 ** 20:.0f} MB budget for one config',
                             budget='size', file=path)


def file_kind(mode: int) -> str:
    """'a FIFO', 'a character device', ... for the message about a non-regular file."""
    for test, name in ((stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a FIFO'),
                       (stat.S_ISCHR, 'a character device'), (stat.S_ISBLK, 'a block device'),
                       (stat.S_ISSOCK, 'a socket')):
        if test(mode):
            return name
    return 'not a regular file'


def line_of(module: cst.Module, node: cst.CSTNode, cache: list) -> Optional[int]:
    """1-based line of ``node`` in ``module`` (None for a node not in it). Positions cost a
    walk of the whole file, so they are resolved once, on demand (only errors need them), and
    kept in ``cache`` (a one-item list owned by the caller, ``[None]`` at first)."""
    if cache[0] is None:
        import libcst.metadata  # slow to import: only errors get here
        wrapper = cst.metadata.MetadataWrapper(module, unsafe_skip_copy=True)
        try:
            with _deeper_stack():
                cache[0] = wrapper.resolve(cst.metadata.PositionProvider)
        except RecursionError:   # the message goes out without its line
            cache[0] = {}
    pos = cache[0].get(node)
    return pos.start.line if pos is not None else None


#: Python frames libcst's position walk takes per nesting level is about 7, so the deepest
#: text the prescan lets through (200 levels) needs ~1,400 frames on top of the caller's stack
#: (a file deep in a `_base_` chain is read inside its leaves' loads)
_POSITION_FRAMES = 4000


@contextmanager
def _deeper_stack() -> Iterator[None]:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + _POSITION_FRAMES)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


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
        text = split_bare_cr(decode_config(path, read_config_bytes(path)))
        parsed = ParsedSource(path, text, detect_newline(text), parse_config_text(path, text))
        self._entries[path] = (stamp, parsed)
        return stamp, parsed

    def clear(self) -> None:
        self._entries.clear()

    def discard(self, path: str) -> None:
        self._entries.pop(path, None)
