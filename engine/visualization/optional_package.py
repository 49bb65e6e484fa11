"""Importing the optional package a back end writes through, with an error that says how to
install it."""
from __future__ import annotations

import importlib
from types import ModuleType

from engine.errors import BuildError


class MissingPackageError(BuildError, ImportError):
    """A vis back end's package is not installed (a :class:`BuildError`, so the runner names
    the config key; an :class:`ImportError`, so ``except ImportError`` still catches it)."""


def import_optional(module: str, pip_name: str, backend: str, extra: str) -> ModuleType:
    """Import ``module`` for ``backend``, or raise :class:`MissingPackageError` naming the
    package and the pip command (MMEngine raises at the first write; this raises at build)."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise MissingPackageError(
            f'{backend} needs the {pip_name!r} package, which cannot be imported '
            f'({type(e).__name__}: {e}); MMEngine would fail the same way at the first write',
            fix=f'pip install {pip_name}  (or: pip install "mmcv-migrate[{extra}]"), or remove '
                f'{backend} from visualizer.vis_backends') from e
