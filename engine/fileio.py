"""Atomic file writes (temporary file in the same folder, fsync, rename), torch-free.

A process killed mid-write leaves either the old file or the new one, never half a file.
Used for checkpoints and for converted configs.
"""
from __future__ import annotations

import os
import tempfile


def fsync_dir(directory: str) -> None:
    """Make a rename durable; silently skipped where a folder cannot be opened."""
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


def atomic_write_bytes(path: str, data: bytes, *, suffix: str = '.tmp') -> None:
    """Write ``data`` to ``path`` atomically (the temporary file is hidden: ``.name.*``)."""
    directory = os.path.dirname(os.path.abspath(path)) or '.'
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix=suffix,
                               dir=directory)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    fsync_dir(directory)


def atomic_write_text(path: str, text: str, encoding: str = 'utf-8') -> None:
    """:func:`atomic_write_bytes` for text, written without newline translation."""
    atomic_write_bytes(path, text.encode(encoding))
