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


def init_with_param_name(mixin: type, scheduler: Any, optimizer: Any, args: tuple,
                         kwargs: dict) -> None:
    """The mixins' ``__init__`` body, reached from a subclass's own ``__init__`` (MMEngine's
    way to write a custom scheduler: ``super().__init__(optimizer, **kwargs)``): the generic
    scheduler's ``__init__`` with the variant's parameter name put in, unless the caller
    passed one (the engine's own subclasses do)."""
    named = bool(args) and isinstance(args[0], str) or 'param_name' in kwargs
    if not named:
        args = (scheduler._variant_param_name(optimizer), ) + tuple(args)
    super(mixin, scheduler).__init__(optimizer, *args, **kwargs)
