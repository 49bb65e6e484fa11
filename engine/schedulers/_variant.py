"""Turn a generic ``*ParamScheduler`` into a thin variant with a fixed ``param_name``.

MMEngine's LR/momentum classes take ``*args, **kwargs``; here each variant gets the generic
signature minus ``param_name``, so the registry can name a misspelt argument at build time.
"""
from __future__ import annotations

import inspect
from typing import Any

from engine.schedulers.param_scheduler import ParamScheduler


def bind_param_name(cls: type) -> None:
    """Give ``cls`` an ``__init__`` that asks ``cls._variant_param_name(optimizer)`` for the
    parameter and forwards everything else to the generic scheduler it derives from."""
    if '__init__' in cls.__dict__:
        return
    generic = next(base for base in cls.__mro__[1:] if issubclass(base, ParamScheduler))
    generic_init = generic.__init__

    def __init__(self, optimizer: Any, *args: Any, **kwargs: Any) -> None:
        generic_init(self, optimizer, self._variant_param_name(optimizer), *args, **kwargs)

    sig = inspect.signature(generic_init)
    __init__.__signature__ = sig.replace(
        parameters=[p for name, p in sig.parameters.items() if name != 'param_name'])
    __init__.__qualname__ = f'{cls.__qualname__}.__init__'
    __init__.__doc__ = generic_init.__doc__
    cls.__init__ = __init__
