"""Errors of a wrong ``init_cfg``: engine errors (key and fix) that are also the built-in
exception MMEngine 0.10.7 raises for the same mistake, so ``except TypeError`` code still works."""
from __future__ import annotations

from engine.errors import ConfigError

INIT_CFG_FIX = ('write init_cfg as dict(type=<Constant|Xavier|Normal|TruncNormal|Uniform|'
                'Kaiming|Caffe2Xavier|Pretrained>, ...) or a list of such dicts')


class InitCfgTypeError(ConfigError, TypeError):
    """A value of the wrong type (``bias='0'``, ``layer=3``, ``init_cfg='Normal'``)."""


class InitCfgValueError(ConfigError, ValueError):
    """A value MMEngine refuses (an ``override`` without ``name`` or ``type``)."""


class InitCfgAttributeError(ConfigError, RuntimeError):
    """An ``override`` naming an attribute the module does not have (MMEngine: RuntimeError)."""


class InitCfgAssertionError(ConfigError, AssertionError):
    """A malformed entry MMEngine asserts against (a non-dict entry, an unknown
    ``distribution``)."""
