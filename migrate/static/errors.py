"""The error raised when a legacy config tree cannot be read statically."""
from __future__ import annotations

from engine.errors import ConfigError


class StaticConfigError(ConfigError):
    """A legacy config cannot be read: not UTF-8, a syntax error, a missing or cyclic base,
    a key defined by two sibling bases, a ``{{_base_.x}}`` that names nothing.

    ``file`` names the file at fault; ``line``/``column`` (1-based, or None) the place in it.
    """

    def __init__(self, message: str, *, file=None, key=None, fix=None, line=None, column=None):
        self.line = line
        self.column = column
        if line is not None and file is not None:
            file = f'{file}:{line}' + (f':{column}' if column is not None else '')
        super().__init__(message, file=file, key=key, fix=fix)
