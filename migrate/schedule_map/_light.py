"""Load the engine's scheduler package without ``engine.optim`` (which imports torch).

The converter never needs torch: the schedulers and their replay only touch plain dicts. But a
plain ``import engine.optim.scheduler`` first runs ``engine/optim/__init__.py`` (optimizer
wrappers, torch). Unless ``engine.optim`` is already imported, the ``scheduler`` package is
loaded on its own, under its real name, so it is the very module object the engine finds in
``sys.modules`` later (its schedulers are registered once). Same approach as
``compat.schedules._shared`` for ``closed_form``.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import engine

_PACKAGE = 'engine.optim.scheduler'


def scheduler_package() -> ModuleType:
    """``engine.optim.scheduler``, imported without torch when possible."""
    if _PACKAGE in sys.modules:
        return sys.modules[_PACKAGE]
    if 'engine.optim' in sys.modules:
        return importlib.import_module(_PACKAGE)
    directory = Path(engine.__file__).resolve().parent / 'optim' / 'scheduler'
    spec = importlib.util.spec_from_file_location(
        _PACKAGE, directory / '__init__.py', submodule_search_locations=[str(directory)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[_PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_PACKAGE]
        raise
    return module
