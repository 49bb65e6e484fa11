"""Errors of a legacy run that name the config file, the key and the fix.

The compat runtime raises what MMCV 1.7.2 raised (a ``KeyError`` for an unregistered type, a
``ValueError`` for a hook that defines ``priority``...), so legacy code catching those still
works. A legacy *run* adds what a user needs: :func:`config_stage` turns an error raised while
one part of the config is being built into a :class:`LegacyConfigError` naming the file and
the key (the message keeps MMCV's exception, and says MMCV 1.7.2 raised it too).
"""
from __future__ import annotations

import contextlib
import traceback
from typing import Iterator, Optional

from engine.errors import ConfigError, EngineError

__all__ = ['LegacyConfigError', 'config_stage', 'named_file', 'HOOK_REGISTRATION_KEYS']

#: which config key a ``BaseRunner.register_*`` method reads (found on the traceback)
HOOK_REGISTRATION_KEYS = (
    ('register_lr_hook', 'lr_config'), ('register_momentum_hook', 'momentum_config'),
    ('register_optimizer_hook', 'optimizer_config'),
    ('register_checkpoint_hook', 'checkpoint_config'), ('register_timer_hook', 'timer_config'),
    ('register_logger_hooks', 'log_config'), ('register_custom_hooks', 'custom_hooks'),
    ('register_profiler_hook', 'profiler_config'))

#: what a user cannot have meant: these come from building a config part, not from a bug of
#: ours or a user's training code
_INPUT_ERRORS = (KeyError, TypeError, ValueError, AssertionError, AttributeError,
                 NotImplementedError, ImportError, IndexError)


class LegacyConfigError(ConfigError):
    """A legacy config part that cannot be built or run."""


def _registration_key(error: BaseException) -> Optional[str]:
    names = [frame.name for frame in traceback.extract_tb(error.__traceback__)]
    for method, key in HOOK_REGISTRATION_KEYS:
        if method in names:
            return key
    return None


@contextlib.contextmanager
def config_stage(file: Optional[str], key: str, fix: Optional[str] = None) -> Iterator[None]:
    """Re-raise an input error from the block as a :class:`LegacyConfigError` for ``key``
    (for the training hooks: the key of the ``register_*`` method that failed)."""
    try:
        yield
    except EngineError as e:
        if key == 'training hooks':
            key = _registration_key(e)
        named = e.with_context(file=file, key=key)
        builtin = next((t for t in _INPUT_ERRORS if isinstance(e, t)), None)
        if builtin is not None and 'MMCV' not in named.message:
            # the runtime's own error stands for the builtin MMCV raised: say so
            named.message += f' (MMCV 1.7.2 raised {builtin.__name__} here too)'
            named.args = (named._render(),)
        raise named from e
    except _INPUT_ERRORS as e:
        if key == 'training hooks':
            key = _registration_key(e) or key
        message = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
        raise LegacyConfigError(
            f'{type(e).__name__}: {message or "(no message)"} (MMCV 1.7.2 raised this too; '
            'the run stops here)', file=file, key=key,
            fix=fix or f'correct {key} in the config') from e


@contextlib.contextmanager
def named_file(file: Optional[str]) -> Iterator[None]:
    """Add ``file`` to the config errors the runtime raises while training (they name their
    key already); anything else (user code) passes unchanged."""
    try:
        yield
    except EngineError as e:
        raise e.with_context(file=file) from e
