"""``install_mmcv_alias()``/``uninstall_mmcv_alias()``: opt in to ``import mmcv`` resolving to
compat in this process, and back out. Nothing installs it automatically."""
from __future__ import annotations

import importlib.machinery
import sys
import warnings
from typing import Optional

from engine.errors import EngineError

from compat.alias.finder import MmcvAliasFinder
from compat.alias.layout import ALIAS

__all__ = ['MmcvAlreadyImportedError', 'install_mmcv_alias', 'is_mmcv_alias_installed',
           'uninstall_mmcv_alias']

_finder: Optional[MmcvAliasFinder] = None


class MmcvAlreadyImportedError(EngineError, RuntimeError):
    """A real ``mmcv`` was imported before the alias could be installed."""


def install_mmcv_alias() -> None:
    """Make ``import mmcv`` and the runtime ``mmcv.*`` modules (``mmcv.runner`` and its hooks,
    ``mmcv.utils``, ``mmcv.parallel``, ``mmcv.fileio``, ``mmcv.cnn``'s weight initialisers)
    the compat modules, so unmodified legacy hook modules and train scripts run on compat.

    Idempotent. Refuses when a real ``mmcv`` is already imported (its objects would mix with
    compat's); warns, and shadows it for this process, when one is merely installed.
    """
    global _finder
    if _finder is not None:
        return
    loaded = sys.modules.get(ALIAS)
    if loaded is not None:
        raise MmcvAlreadyImportedError(
            f'install_mmcv_alias(): a real mmcv is already imported in this process (from '
            f'{getattr(loaded, "__file__", None) or "an unknown location"}); MMCV would keep '
            'running its own runner and hooks, and mixing them with compat\'s is unsupported',
            fix='call compat.install_mmcv_alias() before anything imports mmcv (first thing in '
                'the script or launcher), or do not install the alias')
    real = importlib.machinery.PathFinder.find_spec(ALIAS)
    if real is not None:
        warnings.warn(
            f'install_mmcv_alias(): a real mmcv is installed ({real.origin}); in this process '
            '`import mmcv` now gives the compat runtime instead (uninstall_mmcv_alias() '
            'restores it)', stacklevel=2)
    _finder = MmcvAliasFinder()
    sys.meta_path.insert(0, _finder)


def uninstall_mmcv_alias() -> None:
    """Remove the alias: ``mmcv`` leaves ``sys.modules`` and ``sys.meta_path``, and compat's
    modules lose the attributes the alias imports gave them. A no-op when not installed."""
    global _finder
    if _finder is None:
        return
    finder, _finder = _finder, None
    if finder in sys.meta_path:
        sys.meta_path.remove(finder)
    for name in finder.aliased_names():
        del sys.modules[name]
    finder.restore_parent_attrs()


def is_mmcv_alias_installed() -> bool:
    """Whether ``install_mmcv_alias()`` is in effect."""
    return _finder is not None
