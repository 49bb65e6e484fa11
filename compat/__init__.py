"""MMCV 1.x compatible runtime (legacy configs and hooks on the engine).

``compat.install_mmcv_alias()`` (opt-in, never automatic) lets unmodified legacy code
``import mmcv`` and get this runtime; ``compat.uninstall_mmcv_alias()`` backs it out.
"""
from compat.alias import install_mmcv_alias, is_mmcv_alias_installed, uninstall_mmcv_alias

__all__ = ['install_mmcv_alias', 'is_mmcv_alias_installed', 'uninstall_mmcv_alias']
