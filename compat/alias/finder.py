"""The ``sys.meta_path`` finder behind ``install_mmcv_alias()``: ``import mmcv.<path>`` gives
the compat module itself (the same object, so ``mmcv.runner.HOOKS is compat.runner.HOOKS`` and
a hook registered through either name is seen by both)."""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from types import ModuleType
from typing import Dict, List, Tuple

from compat.alias.layout import ALIAS, compat_name

__all__ = ['MmcvAliasFinder']

_MISSING = object()


class MmcvAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``mmcv`` and ``mmcv.*`` (refusing what :func:`compat_name` refuses) and loads
    each as the already imported compat module."""

    def __init__(self) -> None:
        # attributes the import system sets on a parent module when it binds an alias child
        # (compat.runner.checkpoint for mmcv.runner.checkpoint): their values before the alias
        self._parent_attrs: Dict[Tuple[int, str], Tuple[ModuleType, object]] = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname != ALIAS and not fullname.startswith(ALIAS + '.'):
            return None
        module = importlib.import_module(compat_name(fullname))
        self._remember_parent_attr(fullname)
        spec = importlib.util.spec_from_loader(fullname, self,
                                               is_package=hasattr(module, '__path__'))
        spec.loader_state = (module, module.__spec__)
        return spec

    def create_module(self, spec):
        return spec.loader_state[0]

    def exec_module(self, module) -> None:
        # the compat module runs once, under its own name; the import system has just set its
        # __spec__ to the alias spec, and compat's own spec must stay (reload, pickling, runpy)
        module.__spec__ = module.__spec__.loader_state[1]

    def aliased_names(self) -> List[str]:
        """The ``mmcv`` modules now in ``sys.modules``."""
        return [name for name in sys.modules
                if name == ALIAS or name.startswith(ALIAS + '.')]

    def restore_parent_attrs(self) -> None:
        """Undo what binding alias children did to compat modules' attributes."""
        for (_, child), (parent, before) in self._parent_attrs.items():
            if before is _MISSING:
                parent.__dict__.pop(child, None)
            else:
                setattr(parent, child, before)
        self._parent_attrs.clear()

    def _remember_parent_attr(self, fullname: str) -> None:
        parent_name, _, child = fullname.rpartition('.')
        parent = sys.modules.get(parent_name)
        if parent is not None and (id(parent), child) not in self._parent_attrs:
            self._parent_attrs[(id(parent), child)] = (parent,
                                                       parent.__dict__.get(child, _MISSING))
