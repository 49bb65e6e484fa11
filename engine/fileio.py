"""Atomic file writes (hidden temporary file in the same folder, fsync, rename), torch-free.

A process killed mid-write leaves either the old file or the complete new one, plus at most a
hidden ``.<name>.<random>.partial`` that a later run can remove. Used for checkpoints, the
``last_checkpoint`` pointer, converted configs, reports and plots.
"""
from __future__ import annotations

import os
import re
import secrets
from typing import IO, Callable, Optional

PARTIAL_SUFFIX = '.partial'
_TOKEN_BYTES = 4   # the random part of a temporary name, in bytes (twice as many hex digits)
_PARTIAL_NAME = re.compile(r'\.(?P<target>.+)\.[0-9a-f]{%d}' % (2 * _TOKEN_BYTES)
                           + re.escape(PARTIAL_SUFFIX))


def partial_target(name: str) -> Optional[str]:
    """The file name a leftover temporary file ``name`` of :func:`atomic_write` was for, or
    None when ``name`` is not one (so a cleanup removes only what this module made)."""
    match = _PARTIAL_NAME.fullmatch(name)
    return match.group('target') if match else None


def fsync_dir(directory: str) -> None:
    """Make a rename durable; skipped where a folder cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str, write: Callable[[IO[bytes]], None], durable: bool = True) -> None:
    """Call ``write(f)`` on a hidden temporary file beside ``path``, fsync it, rename it to
    ``path``: readers see the old file or the complete new one, never a torn one.

    ``durable=False`` skips the two fsyncs (file and folder): the rename is still atomic, but
    a power cut may lose the new file. For outputs that can be written again from inputs
    that were not touched (a converted tree), where the fsyncs would dominate the run."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):   # a stat: far cheaper than a failing mkdir
        os.makedirs(directory, exist_ok=True)
    # not tempfile.mkstemp: its files are private (0600); ours get the umask's mode
    tmp = os.path.join(directory, f'.{os.path.basename(path)}.{secrets.token_hex(_TOKEN_BYTES)}'
                                  f'{PARTIAL_SUFFIX}')
    try:
        with open(tmp, 'xb') as f:
            write(f)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    if durable:
        fsync_dir(directory)


def atomic_write_bytes(path: str, data: bytes, durable: bool = True) -> None:
    """:func:`atomic_write` of ``data``."""
    atomic_write(path, lambda f: f.write(data), durable=durable)


def atomic_write_text(path: str, text: str, encoding: str = 'utf-8',
                      durable: bool = True) -> None:
    """:func:`atomic_write` of ``text``, without newline translation (CRLF stays CRLF)."""
    atomic_write_bytes(path, text.encode(encoding), durable=durable)
