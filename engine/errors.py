"""Error types that name the file, the key and the fix.

Every error a user can cause by writing a bad config derives from :class:`EngineError`, so the
CLI can print it as one readable line instead of a traceback.
"""
from __future__ import annotations

from typing import Optional


class EngineError(Exception):
    """Base class for user-facing errors.

    Args:
        message: what is wrong.
        file: the config (or checkpoint) file involved, if known.
        key: the dotted key path inside the config, e.g. ``optim_wrapper.optimizer.type``.
        fix: one sentence telling the user what to do.
    """

    def __init__(self, message: str, *, file: Optional[str] = None, key: Optional[str] = None,
                 fix: Optional[str] = None):
        self.message = message
        self.file = file
        self.key = key
        self.fix = fix
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.key:
            where.append(f"key '{self.key}'")
        text = (': '.join(where) + ': ' if where else '') + self.message
        if self.fix:
            text += f'\n  fix: {self.fix}'
        return text

    def with_context(self, *, file: Optional[str] = None, key: Optional[str] = None) -> 'EngineError':
        """Return a copy that also names ``file``/``key`` (inner key paths are kept as suffixes)."""
        new_key = self.key
        if key:
            already = self.key and (self.key == key or self.key.startswith((key + '.', key + '[')))
            new_key = self.key if already else (f'{key}.{self.key}' if self.key else key)
        err = type(self).__new__(type(self))
        EngineError.__init__(err, self.message, file=self.file or file, key=new_key, fix=self.fix)
        return err


class ConfigError(EngineError):
    """A config file cannot be read, parsed or merged, or holds a wrong value."""


class BuildError(EngineError):
    """An object cannot be built from its config (unknown type, wrong arguments)."""


class HookError(EngineError):
    """A hook is malformed (wrong method signature, bad priority)."""


class CheckpointError(EngineError):
    """A checkpoint is missing, truncated, foreign or unsafe to load."""
