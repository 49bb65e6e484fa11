"""The opt-in ``mmcv`` alias: unmodified MMCV 1.x code imports compat as ``mmcv``.

:func:`install_mmcv_alias` puts :class:`~compat.alias.finder.MmcvAliasFinder` first on
``sys.meta_path``; :mod:`compat.alias.layout` says which compat module each ``mmcv`` module is
and refuses the rest (``mmcv.ops``, ``mmcv.image``...) with an ``ImportError`` naming it;
:mod:`compat.alias.root` is ``mmcv`` itself.
"""
from compat.alias.install import (MmcvAlreadyImportedError, install_mmcv_alias,
                                  is_mmcv_alias_installed, uninstall_mmcv_alias)
from compat.alias.layout import MmcvAliasError

__all__ = ['MmcvAliasError', 'MmcvAlreadyImportedError', 'install_mmcv_alias',
           'is_mmcv_alias_installed', 'uninstall_mmcv_alias']
