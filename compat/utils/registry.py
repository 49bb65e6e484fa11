"""MMCV 1.7.2's ``Registry`` and ``build_from_cfg(cfg, registry, default_args=None)``.

A thin layer over :mod:`engine.registry`: names are stored and registered by the engine's
registry; what differs is MMCV's contract, which legacy code relies on. ``get`` answers None
for an unknown name (MMDet 2.x ``build_model_from_cfg`` and friends test for it), a
``'scope.Name'`` key is looked up in the child registry of that scope (MMDet 2.x
``mmdet/models/builder.py``: ``MODELS = Registry('models', parent=MMCV_MODELS)``), and
``build`` calls ``build_func(cfg, ..., registry=self)``, inherited from the parent.

The errors keep MMCV's types: a non-dict ``cfg`` raises a TypeError, an unregistered or
missing ``type`` a KeyError, both also :class:`engine.errors.BuildError` so the CLI prints
them as one line with the fix; a constructor's exception is re-raised as its own type with
the class name in front, as MMCV does.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Optional, Tuple

from engine.errors import BuildError
from engine.registry import Registry as EngineRegistry

__all__ = ['Registry', 'build_from_cfg', 'LegacyConfigTypeError', 'UnregisteredTypeError']


class _BuiltinMessage:
    """KeyError's ``str`` is the repr of its argument; keep the readable engine text."""

    def __str__(self) -> str:
        return self.args[0] if self.args else ''


class UnregisteredTypeError(_BuiltinMessage, BuildError, KeyError):
    """``type`` names nothing in the registry, or there is no ``type`` (MMCV: KeyError)."""


class LegacyConfigTypeError(_BuiltinMessage, BuildError, TypeError):
    """``cfg``, ``default_args``, the registry or ``type`` has the wrong type (MMCV: TypeError)."""


def build_from_cfg(cfg: Dict, registry: EngineRegistry,
                   default_args: Optional[Dict] = None) -> Any:
    """Build ``cfg['type'](**rest)`` with ``default_args`` filling unset arguments (``type``
    too). ``registry`` may be any engine registry (compat's ``HOOKS``, ``OPTIMIZERS``...)."""
    if not isinstance(cfg, dict):
        raise LegacyConfigTypeError(f'cfg must be a dict, but got {type(cfg)}',
                                    fix="write it as dict(type='Name', ...)")
    if 'type' not in cfg and (default_args is None or 'type' not in default_args):
        raise UnregisteredTypeError(
            f'`cfg` or `default_args` must contain the key "type", but got {cfg}\n{default_args}',
            key='type', fix=f'add type=... naming a registered {registry_name(registry)}')
    if not isinstance(registry, EngineRegistry):
        raise LegacyConfigTypeError(f'registry must be a Registry object, but got '
                                    f'{type(registry)}')
    if not (isinstance(default_args, dict) or default_args is None):
        raise LegacyConfigTypeError(f'default_args must be a dict or None, but got '
                                    f'{type(default_args)}')
    args = cfg.copy()
    for name, value in (default_args or {}).items():
        args.setdefault(name, value)
    obj_cls = _resolve_type(args.pop('type'), registry)
    try:
        return obj_cls(**args)
    except Exception as e:
        raise _prefixed(e, obj_cls.__name__) from e


def registry_name(registry: Any) -> str:
    return getattr(registry, 'name', 'registry')


def _resolve_type(obj_type: Any, registry: EngineRegistry) -> Any:
    if inspect.isclass(obj_type) or inspect.isfunction(obj_type):
        return obj_type
    if not isinstance(obj_type, str):
        raise LegacyConfigTypeError(f'type must be a str or valid type, but got '
                                    f'{type(obj_type)}', key='type')
    if isinstance(registry, Registry):
        obj_cls = registry.get(obj_type)
        if obj_cls is not None:
            return obj_cls
        unknown = BuildError(f'{obj_type} is not in the {registry.name} registry')
        try:  # the engine's message lists close names and the registered ones
            EngineRegistry.get(registry, obj_type)
        except BuildError as e:
            unknown = e
    else:
        try:
            return registry.get(obj_type)
        except BuildError as e:
            unknown = e
    raise UnregisteredTypeError(unknown.message, key='type', fix=unknown.fix) from None


def _prefixed(error: Exception, class_name: str) -> Exception:
    """MMCV's ``type(e)(f'{cls}: {e}')``; an exception type that cannot be built from one
    message is passed on unchanged rather than replaced by a confusing TypeError."""
    try:
        return type(error)(f'{class_name}: {error}')
    except Exception:
        return error


class Registry(EngineRegistry):
    """MMCV's ``Registry(name, build_func=None, parent=None, scope=None)``.

    ``scope`` defaults to the top-level package of the module that creates the registry.
    """

    def __init__(self, name: str, build_func: Optional[Callable] = None,
                 parent: Optional['Registry'] = None, scope: Optional[str] = None):
        super().__init__(name)
        self._children: Dict[str, Registry] = {}
        self._scope = _caller_package(inspect.currentframe().f_back) if scope is None else scope
        if build_func is None:
            build_func = parent.build_func if parent is not None else build_from_cfg
        self.build_func = build_func
        self.parent = parent
        if parent is not None:
            assert isinstance(parent, Registry), 'parent must be a compat Registry'
            parent._add_children(self)

    @staticmethod
    def split_scope_key(key: str) -> Tuple[Optional[str], str]:
        """``'mmdet.ResNet'`` -> ``('mmdet', 'ResNet')``; ``'ResNet'`` -> ``(None, 'ResNet')``."""
        scope, dot, rest = key.partition('.')
        return (scope, rest) if dot else (None, key)

    @property
    def scope(self) -> str:
        return self._scope

    @property
    def children(self) -> Dict[str, 'Registry']:
        return self._children

    @property
    def module_dict(self) -> Dict[str, Any]:
        return self._modules  # MMCV hands out the live dict; legacy code mutates it

    def get(self, key: str) -> Any:
        """The object registered as ``key`` or None; a scoped key not of this registry's scope
        is looked up in that child, else from the root (MMCV; where MMCV's root lookup failed
        with an AttributeError on a registry without parent, this answers None)."""
        scope, real_key = self.split_scope_key(key)
        if scope is None or scope == self._scope:
            return self._modules.get(real_key)
        if scope in self._children:
            return self._children[scope].get(real_key)
        root = self
        while root.parent is not None:
            root = root.parent
        return None if root is self else root.get(key)

    def build(self, *args: Any, **kwargs: Any) -> Any:
        return self.build_func(*args, **kwargs, registry=self)

    def _add_children(self, registry: 'Registry') -> None:
        assert registry.scope is not None
        assert registry.scope not in self._children, \
            f'scope {registry.scope} exists in {self.name} registry'
        self._children[registry.scope] = registry

    def register_module(self, name: Any = None, force: bool = False, module: Any = None) -> Any:
        """Register a class or function, as a decorator or with ``module=``; a taken name
        raises KeyError unless ``force``; anything but a class or function a TypeError."""
        if not isinstance(force, bool):
            raise TypeError(f'force must be a boolean, but got {type(force)}')
        register = super().register_module(name=name, force=force)

        def _register(obj: Any) -> Any:
            if not inspect.isclass(obj) and not inspect.isfunction(obj):
                raise TypeError(f'module must be a class or a function, but got {type(obj)}')
            if not force:
                taken = [n for n in _names(name, obj) if n in self._modules]
                if taken:
                    raise KeyError(f'{taken[0]} is already registered in {self.name}')
            return register(obj)

        return _register(module) if module is not None else _register


def _names(name: Any, obj: Any) -> list:
    if name is None:
        return [obj.__name__]
    return [name] if isinstance(name, str) else list(name)


def _caller_package(frame) -> str:
    """The top-level package of the module running ``frame`` (MMCV's ``infer_scope``)."""
    module = inspect.getmodule(frame)
    name = module.__name__ if module is not None else frame.f_globals.get('__name__', '')
    return name.split('.')[0]
