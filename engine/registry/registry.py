"""An explicit name -> class registry with ``build(cfg)``.

No scope inference and no implicit imports: a name is known once the module that registers it has
been imported (``engine`` imports all of its own modules; user code uses ``custom_imports``).
"""
from __future__ import annotations

import inspect
import re
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Type, Union

from engine.errors import BuildError
from engine.suggest import close_names, did_you_mean


class Registry:
    """Maps names to classes or functions and builds objects from config dicts.

    Args:
        name: the registry's name, used in error messages (``'param scheduler'``).
        build_func: optional custom build function ``f(cfg, registry, default_args)``.

    Example:
        >>> MODELS = Registry('model')
        >>> @MODELS.register_module()
        ... class Net: ...
        >>> MODELS.build(dict(type='Net'))  # doctest: +ELLIPSIS
        <...Net object at ...>
    """

    def __init__(self, name: str, build_func: Optional[Callable] = None):
        self.name = name
        self._modules: Dict[str, Any] = {}
        self._build_func = build_func

    # -- lookup -------------------------------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __repr__(self) -> str:
        return f'Registry({self.name!r}, {len(self)} entries)'

    @property
    def module_dict(self) -> Dict[str, Any]:
        return dict(self._modules)

    def get(self, name: str) -> Any:
        """Return the object registered as ``name`` or raise a :class:`BuildError` with hints."""
        try:
            return self._modules[name]
        except KeyError:
            raise BuildError(self._unknown_message(name), fix=self._unknown_fix(name)) from None

    def _unknown_message(self, name: str) -> str:
        msg = f"'{name}' is not a registered {self.name}"
        hint = did_you_mean(name, self._modules)
        return msg + '; ' + hint if hint else msg

    def _unknown_fix(self, name: str) -> str:
        kind, names = self._same_kind(name)
        what = f'{self.name} names' + (f" ending in '{kind}'" if kind else '')
        return (f"use one of the registered {what} "
                f"({', '.join(names[:12])}{', ...' if len(names) > 12 else ''}) "
                'or import the module that registers it with custom_imports=dict(imports=[...])')

    def _same_kind(self, name: str) -> Tuple[str, List[str]]:
        """The registered names of the kind ``name`` looks like (one registry holds several:
        ``*LR``, ``*Momentum`` and ``*ParamScheduler`` are all param schedulers), told by the
        last word of the name; all names when no registered name ends that way."""
        everything = sorted(self._modules)
        kind = _last_word(str(name))
        family = [n for n in everything if kind and _last_word(n) == kind]
        if family and len(family) < len(everything):
            return kind, family
        return '', everything

    # -- registration -------------------------------------------------------------------------
    def register_module(self, name: Union[str, list, None] = None, force: bool = False,
                        module: Any = None) -> Any:
        """Register a class or function, as a decorator or directly (``module=``).

        ``name`` may be a string or a list of aliases; it defaults to ``module.__name__``.
        Registering a taken name raises unless ``force=True``.
        """
        if name is not None and not isinstance(name, (str, list, tuple)):
            raise TypeError(f'name must be None, a str or a list of str, got {type(name).__name__}')

        def _register(obj: Any) -> Any:
            names = [obj.__name__] if name is None else ([name] if isinstance(name, str) else list(name))
            for n in names:
                if not force and n in self._modules and self._modules[n] is not obj:
                    raise KeyError(f"'{n}' is already registered in the {self.name} registry "
                                   f'(as {self._modules[n]!r}); pass force=True to replace it')
                self._modules[n] = obj
            return obj

        if module is not None:
            return _register(module)
        return _register

    # -- building -----------------------------------------------------------------------------
    def build(self, cfg: Any, default_args: Optional[dict] = None, **kwargs: Any) -> Any:
        """Build ``cfg['type'](**rest, **default_args)``; a non-dict ``cfg`` is returned as is.

        ``type`` may be a registered name or a class/function. Errors name the registry, the type
        and the offending argument.
        """
        if self._build_func is not None:
            return self._build_func(cfg, self, default_args, **kwargs)
        return build_from_cfg(cfg, self, default_args)


def build_from_cfg(cfg: Any, registry: Registry, default_args: Optional[dict] = None) -> Any:
    """Build an object from ``cfg``: see :meth:`Registry.build`."""
    if not isinstance(cfg, dict):
        raise BuildError(f'a {registry.name} config must be a dict with a "type" key, '
                         f'got {type(cfg).__name__}',
                         fix=f"write the {registry.name} as dict(type='Name', ...)")
    args = dict(cfg)
    if default_args:
        for k, v in default_args.items():
            args.setdefault(k, v)
    if 'type' not in args:
        raise BuildError(f'a {registry.name} config needs a "type" key; got keys {sorted(args)}',
                         key='type', fix=f"add type='...' naming a registered {registry.name}")
    obj_type = args.pop('type')
    if isinstance(obj_type, str):
        obj_cls = registry.get(obj_type)
    elif inspect.isclass(obj_type) or callable(obj_type):
        obj_cls = obj_type
    else:
        raise BuildError(f'"type" must be a name or a class, got {obj_type!r}', key='type')
    _check_arguments(obj_cls, args, registry)
    try:
        return obj_cls(**args)
    except BuildError:
        raise
    except (TypeError, ValueError, AssertionError, KeyError) as e:
        name = getattr(obj_cls, '__name__', repr(obj_cls))
        raise BuildError(f'building {registry.name} {name} failed: {type(e).__name__}: {e}',
                         fix=f'check the arguments given to {name}') from e


def _check_arguments(obj_cls: Any, args: dict, registry: Registry) -> None:
    """Name unexpected keyword arguments before the constructor gets a chance to be vague."""
    target = obj_cls.__init__ if inspect.isclass(obj_cls) else obj_cls
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return
    params = sig.parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    accepted = {n for n, p in params.items()
                if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)}
    unknown = [k for k in args if k not in accepted]
    if unknown:
        name = getattr(obj_cls, '__name__', repr(obj_cls))
        hints = []
        for k in unknown:
            close = close_names(k, sorted(accepted - {'self'}), n=1)
            hints.append(f"'{k}'" + (f" (did you mean '{close[0]}'?)" if close else ''))
        raise BuildError(f'{name} got unexpected argument(s) {", ".join(hints)}',
                         key=unknown[0],
                         fix=f'{name} accepts: {", ".join(sorted(accepted - {"self"}))}')


#: the last word of a CamelCase or snake_case name: ``LR`` of ``CosineAnnealingLR``
_LAST_WORD = re.compile(r'(?:[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+)$')


def _last_word(name: str) -> str:
    match = _LAST_WORD.search(name)
    return match.group(0) if match else ''
