"""Imports of the logger hooks' optional packages, failing with the hook and the pip command."""
from __future__ import annotations

import importlib
from types import ModuleType


def import_optional(module: str, hook: str, package: str) -> ModuleType:
    """``module`` imported, or an ImportError naming ``hook`` and ``pip install package``.

    The hooks call it where MMCV 1.7.2 imports (most in ``__init__``), so a missing package
    fails at the same moment as there.
    """
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(f"{hook} needs the '{package}' package (module '{module}'), which "
                          f'is not installed: pip install {package}') from err
