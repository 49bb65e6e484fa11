"""MMCV 1.7.2's ``CheckpointLoader``: a file name's scheme picks the function that reads it.

The compat runtime reads local files only (a plain path or ``file://``), always through
:func:`engine.checkpoint.checkpoint_io.load_checkpoint_file`: ``torch.load(weights_only=True)``
unless the caller passes ``unsafe=True``, and a :class:`CheckpointError` naming the file and the
fix for a missing, torn or unsafe file. MMCV's remote schemes (``http(s)://``,
``torchvision://``/``modelzoo://``, ``open-mmlab://``/``openmmlab://``, ``mmcls://``,
``pavi://``, ``s3://``) keep their names and prefixes so legacy code imports and dispatches as
before, but they raise an error naming the scheme instead of downloading.
"""
from __future__ import annotations

import logging
import os
import re
from collections import OrderedDict
from typing import Callable, List, Optional, Tuple, Union

from engine.checkpoint.checkpoint_io import load_checkpoint_file
from engine.errors import CheckpointError

from compat.utils.logging import print_log

MapLocation = Union[str, Callable, None]
LOCAL_ONLY_FIX = ('download the file yourself and pass its local path (or a file:// URL): the '
                  'compat runtime loads local files only')


class CheckpointLoader:
    """Scheme prefix (a regex matched at the start of the file name) -> loader function.

    Longer / later-sorting prefixes are tried first, ``''`` (the local loader) last, as MMCV
    sorts them, so a user's ``register_scheme`` keeps working unchanged."""

    _schemes: 'OrderedDict[str, Callable]' = OrderedDict()

    @classmethod
    def _register_scheme(cls, prefixes: Union[str, List[str], Tuple[str, ...]],
                         loader: Callable, force: bool = False) -> None:
        if isinstance(prefixes, str):
            prefixes = [prefixes]
        elif not isinstance(prefixes, (list, tuple)):
            raise TypeError(f'prefixes must be a str, list or tuple, got {type(prefixes).__name__}')
        for prefix in prefixes:
            if prefix in cls._schemes and not force:
                raise KeyError(f'{prefix} is already registered as a loader backend, '
                               'add "force=True" if you want to override it')
            cls._schemes[prefix] = loader
        cls._schemes = OrderedDict(sorted(cls._schemes.items(), key=lambda t: t[0],
                                          reverse=True))

    @classmethod
    def register_scheme(cls, prefixes: Union[str, List[str], Tuple[str, ...]],
                        loader: Optional[Callable] = None, force: bool = False):
        """Register ``loader`` for ``prefixes``; without ``loader``, a decorator."""
        if loader is not None:
            cls._register_scheme(prefixes, loader, force=force)
            return None

        def _register(loader_fn):
            cls._register_scheme(prefixes, loader_fn, force=force)
            return loader_fn
        return _register

    @classmethod
    def _get_checkpoint_loader(cls, path: str) -> Callable:
        for prefix, loader in cls._schemes.items():
            if re.match(prefix, path) is not None:
                return loader
        raise CheckpointError('no checkpoint loader matches this name', file=path,
                              fix=LOCAL_ONLY_FIX)  # only reachable if '' was unregistered

    @classmethod
    def load_checkpoint(cls, filename: str, map_location: MapLocation = None,
                        logger: Union[logging.Logger, str, None] = None, *,
                        unsafe: bool = False):
        """Load ``filename`` with the loader of its scheme (MMCV logs which one first).

        ``unsafe=True`` (compat only, keyword): unpickle without ``weights_only`` -- for
        trusted files holding objects other than tensors and plain data. It is passed only
        when set, so loaders registered by legacy code keep their two-argument form."""
        loader = cls._get_checkpoint_loader(filename)
        print_log(f'load checkpoint from {loader.__name__[10:]} path: {filename}', logger)
        if unsafe:
            return loader(filename, map_location, unsafe=True)
        return loader(filename, map_location)


@CheckpointLoader.register_scheme(prefixes='')
def load_from_local(filename: str, map_location: MapLocation = None, *, unsafe: bool = False):
    """A local file (``~`` expanded), read with ``weights_only=True`` unless ``unsafe``."""
    return load_checkpoint_file(os.path.expanduser(filename), map_location=map_location,
                                unsafe=unsafe)


@CheckpointLoader.register_scheme(prefixes='file://')
def load_from_file_url(filename: str, map_location: MapLocation = None, *,
                       unsafe: bool = False):
    """A ``file://`` URL: its path, read as :func:`load_from_local` does."""
    return load_from_local(filename[len('file://'):], map_location, unsafe=unsafe)


def _local_only(scheme: str, filename: str):
    raise CheckpointError(f'cannot load a {scheme} checkpoint: the compat runtime loads local '
                          'files only', file=filename, fix=LOCAL_ONLY_FIX)


@CheckpointLoader.register_scheme(prefixes=('http://', 'https://'))
def load_from_http(filename: str, map_location: MapLocation = None, model_dir=None, **_):
    """MMCV downloaded the URL; compat refuses it (local files only)."""
    _local_only('http(s)://', filename)


@CheckpointLoader.register_scheme(prefixes='pavi://')
def load_from_pavi(filename: str, map_location: MapLocation = None, **_):
    """MMCV fetched from PAVI's model cloud; compat refuses it (local files only)."""
    _local_only('pavi://', filename)


@CheckpointLoader.register_scheme(prefixes=r'(\S+\:)?s3://')
def load_from_ceph(filename: str, map_location: MapLocation = None, backend: str = 'petrel',
                   **_):
    """MMCV read from Ceph/petrel; compat refuses it (local files only)."""
    _local_only('s3://', filename)


@CheckpointLoader.register_scheme(prefixes=('modelzoo://', 'torchvision://'))
def load_from_torchvision(filename: str, map_location: MapLocation = None, **_):
    """MMCV downloaded torchvision's weights; compat refuses it (local files only)."""
    _local_only(filename.split('://', 1)[0] + '://', filename)


@CheckpointLoader.register_scheme(prefixes=('open-mmlab://', 'openmmlab://'))
def load_from_openmmlab(filename: str, map_location: MapLocation = None, **_):
    """MMCV downloaded OpenMMLab's model zoo; compat refuses it (local files only)."""
    _local_only(filename.split('://', 1)[0] + '://', filename)


@CheckpointLoader.register_scheme(prefixes='mmcls://')
def load_from_mmcls(filename: str, map_location: MapLocation = None, **_):
    """MMCV downloaded MMClassification's model zoo; compat refuses it (local files only)."""
    _local_only('mmcls://', filename)
