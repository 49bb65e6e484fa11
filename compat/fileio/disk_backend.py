"""The storage backend interface and the local-disk backend of ``mmcv.fileio.file_client``."""
from __future__ import annotations

import os
import os.path as osp
from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from pathlib import Path
from typing import Generator, Iterator, Optional, Tuple, Union

from compat.utils.path import mkdir_or_exist

__all__ = ['BaseStorageBackend', 'HardDiskBackend']


class BaseStorageBackend(metaclass=ABCMeta):
    """A place files live: ``get`` (bytes) and ``get_text`` (str) at least."""

    # whether a checkpoint/log hook may link the latest file instead of copying it
    _allow_symlink = False

    @property
    def name(self):
        return self.__class__.__name__

    @property
    def allow_symlink(self):
        return self._allow_symlink

    @abstractmethod
    def get(self, filepath):
        """The file's bytes."""

    @abstractmethod
    def get_text(self, filepath):
        """The file's text."""


class HardDiskBackend(BaseStorageBackend):
    """Local files (``FileClient(backend='disk')``, the default for paths without a URI
    prefix); ``put``/``put_text`` create the missing parent folders."""

    _allow_symlink = True

    def get(self, filepath: Union[str, Path]) -> bytes:
        with open(filepath, 'rb') as f:
            return f.read()

    def get_text(self, filepath: Union[str, Path], encoding: str = 'utf-8') -> str:
        with open(filepath, encoding=encoding) as f:
            return f.read()

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        mkdir_or_exist(osp.dirname(filepath))
        with open(filepath, 'wb') as f:
            f.write(obj)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        mkdir_or_exist(osp.dirname(filepath))
        with open(filepath, 'w', encoding=encoding) as f:
            f.write(obj)

    def remove(self, filepath: Union[str, Path]) -> None:
        os.remove(filepath)

    def exists(self, filepath: Union[str, Path]) -> bool:
        return osp.exists(filepath)

    def isdir(self, filepath: Union[str, Path]) -> bool:
        return osp.isdir(filepath)

    def isfile(self, filepath: Union[str, Path]) -> bool:
        return osp.isfile(filepath)

    def join_path(self, filepath: Union[str, Path], *filepaths: Union[str, Path]) -> str:
        return osp.join(filepath, *filepaths)

    @contextmanager
    def get_local_path(self, filepath: Union[str, Path]) -> Generator[Union[str, Path], None, None]:
        """The path itself: a local file needs no temporary copy."""
        yield filepath

    def list_dir_or_file(self, dir_path: Union[str, Path], list_dir: bool = True,
                         list_file: bool = True,
                         suffix: Optional[Union[str, Tuple[str]]] = None,
                         recursive: bool = False) -> Iterator[str]:
        """Paths relative to ``dir_path`` in ``os.scandir`` order.

        As MMCV: hidden files are skipped but hidden folders are listed (and searched when
        ``recursive``); ``suffix`` only filters files and is refused together with
        ``list_dir``. The arguments are checked at once, the folder is read lazily.
        """
        if list_dir and suffix is not None:
            raise TypeError('`suffix` should be None when `list_dir` is True')
        if suffix is not None and not isinstance(suffix, (str, tuple)):
            raise TypeError('`suffix` must be a string or tuple of strings')
        return _walk(dir_path, dir_path, list_dir, list_file, suffix, recursive)


def _walk(root, folder, list_dir: bool, list_file: bool, suffix, recursive: bool
          ) -> Iterator[str]:
    for entry in os.scandir(folder):
        if not entry.name.startswith('.') and entry.is_file():
            rel_path = osp.relpath(entry.path, root)
            if list_file and (suffix is None or rel_path.endswith(suffix)):
                yield rel_path
        elif osp.isdir(entry.path):
            if list_dir:
                yield osp.relpath(entry.path, root)
            if recursive:
                yield from _walk(root, entry.path, list_dir, list_file, suffix, recursive)
