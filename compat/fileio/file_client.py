"""``mmcv.fileio.file_client``: ``FileClient`` picks a storage backend by name or by the URI
prefix of a path, and keeps one instance per set of arguments, as MMCV 1.7.2.

Only the local disk works; the remote backends are registered under MMCV's names and prefixes
(so lookups, error messages and ``register_backend(force=True)`` behave as in MMCV) but refuse
to be built (:mod:`compat.fileio.remote_backends`).
"""
from __future__ import annotations

import inspect
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generator, Iterator, Optional, Tuple, Union

from compat.fileio.disk_backend import BaseStorageBackend, HardDiskBackend
from compat.fileio.remote_backends import (CephBackend, HTTPBackend, LmdbBackend,
                                           MemcachedBackend, PetrelBackend,
                                           UnsupportedStorageError)

__all__ = ['BaseStorageBackend', 'CephBackend', 'FileClient', 'HTTPBackend', 'HardDiskBackend',
           'LmdbBackend', 'MemcachedBackend', 'PetrelBackend', 'UnsupportedStorageError']


class FileClient:
    """A storage backend chosen by ``backend`` name or URI ``prefix`` (``'disk'`` when neither
    is given); the same arguments give the same instance."""

    _backends = {
        'disk': HardDiskBackend,
        'ceph': CephBackend,
        'memcached': MemcachedBackend,
        'lmdb': LmdbBackend,
        'petrel': PetrelBackend,
        'http': HTTPBackend,
    }
    _prefix_to_backends = {
        's3': PetrelBackend,
        'http': HTTPBackend,
        'https': HTTPBackend,
    }
    _instances: dict = {}

    client: Any

    def __new__(cls, backend=None, prefix=None, **kwargs):
        if backend is None and prefix is None:
            backend = 'disk'
        if backend is not None and backend not in cls._backends:
            raise ValueError(f'Backend {backend} is not supported. Currently supported ones are '
                             f'{list(cls._backends.keys())}')
        if prefix is not None and prefix not in cls._prefix_to_backends:
            raise ValueError(f'prefix {prefix} is not supported. Currently supported ones are '
                             f'{list(cls._prefix_to_backends.keys())}')
        # the cache key is MMCV's, so two spellings of the same arguments stay two instances
        arg_key = f'{backend}:{prefix}' + ''.join(f':{k}:{v}' for k, v in kwargs.items())
        instance = cls._instances.get(arg_key)
        if instance is None:
            instance = super().__new__(cls)
            backend_cls = (cls._backends[backend] if backend is not None
                           else cls._prefix_to_backends[prefix])
            instance.client = backend_cls(**kwargs)
            cls._instances[arg_key] = instance
        return instance

    @property
    def name(self):
        return self.client.name

    @property
    def allow_symlink(self):
        return self.client.allow_symlink

    @staticmethod
    def parse_uri_prefix(uri: Union[str, Path]) -> Optional[str]:
        """``'s3://a/b'`` -> ``'s3'``, ``'cluster:s3://a'`` -> ``'s3'``, a local path -> None."""
        assert isinstance(uri, (str, Path))
        uri = str(uri)
        if '://' not in uri:
            return None
        prefix, _ = uri.split('://')
        if ':' in prefix:
            _, prefix = prefix.split(':')
        return prefix

    @classmethod
    def infer_client(cls, file_client_args: Optional[dict] = None,
                     uri: Optional[Union[str, Path]] = None) -> 'FileClient':
        """``FileClient(**file_client_args)``, else the client of ``uri``'s prefix."""
        assert file_client_args is not None or uri is not None
        if file_client_args is None:
            return cls(prefix=cls.parse_uri_prefix(uri))  # type: ignore[arg-type]
        return cls(**file_client_args)

    @classmethod
    def _register_backend(cls, name, backend, force=False, prefixes=None):
        if not isinstance(name, str):
            raise TypeError(f'the backend name should be a string, but got {type(name)}')
        if not inspect.isclass(backend):
            raise TypeError(f'backend should be a class but got {type(backend)}')
        if not issubclass(backend, BaseStorageBackend):
            raise TypeError(f'backend {backend} is not a subclass of BaseStorageBackend')
        if not force and name in cls._backends:
            raise KeyError(f'{name} is already registered as a storage backend, '
                           'add "force=True" if you want to override it')
        if name in cls._backends and force:
            cls._drop_instances_of(cls._backends[name])
        cls._backends[name] = backend
        if prefixes is None:
            return
        if isinstance(prefixes, str):
            prefixes = [prefixes]
        else:
            assert isinstance(prefixes, (list, tuple))
        for prefix in prefixes:
            if prefix not in cls._prefix_to_backends:
                cls._prefix_to_backends[prefix] = backend
            elif force:
                overridden = cls._prefix_to_backends[prefix]
                cls._drop_instances_of(tuple(overridden) if isinstance(overridden, list)
                                       else overridden)
                cls._prefix_to_backends[prefix] = backend
            else:
                raise KeyError(f'{prefix} is already registered as a storage backend, '
                               'add "force=True" if you want to override it')

    @classmethod
    def _drop_instances_of(cls, backend_cls) -> None:
        for arg_key, instance in list(cls._instances.items()):
            if isinstance(instance.client, backend_cls):
                cls._instances.pop(arg_key)

    @classmethod
    def register_backend(cls, name, backend=None, force=False, prefixes=None):
        """Register a ``BaseStorageBackend`` subclass under ``name`` (and URI ``prefixes``);
        without ``backend`` it returns a class decorator."""
        if backend is not None:
            cls._register_backend(name, backend, force=force, prefixes=prefixes)
            return None

        def _register(backend_cls):
            cls._register_backend(name, backend_cls, force=force, prefixes=prefixes)
            return backend_cls

        return _register

    def get(self, filepath: Union[str, Path]) -> Union[bytes, memoryview]:
        return self.client.get(filepath)

    def get_text(self, filepath: Union[str, Path], encoding='utf-8') -> str:
        return self.client.get_text(filepath, encoding)

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        self.client.put(obj, filepath)

    def put_text(self, obj: str, filepath: Union[str, Path]) -> None:
        self.client.put_text(obj, filepath)

    def remove(self, filepath: Union[str, Path]) -> None:
        self.client.remove(filepath)

    def exists(self, filepath: Union[str, Path]) -> bool:
        return self.client.exists(filepath)

    def isdir(self, filepath: Union[str, Path]) -> bool:
        return self.client.isdir(filepath)

    def isfile(self, filepath: Union[str, Path]) -> bool:
        return self.client.isfile(filepath)

    def join_path(self, filepath: Union[str, Path], *filepaths: Union[str, Path]) -> str:
        return self.client.join_path(filepath, *filepaths)

    @contextmanager
    def get_local_path(self, filepath: Union[str, Path]) -> Generator[Union[str, Path], None, None]:
        """A local path for ``filepath`` while the ``with`` block runs (given as ``str``)."""
        with self.client.get_local_path(str(filepath)) as local_path:
            yield local_path

    def list_dir_or_file(self, dir_path: Union[str, Path], list_dir: bool = True,
                         list_file: bool = True,
                         suffix: Optional[Union[str, Tuple[str]]] = None,
                         recursive: bool = False) -> Iterator[str]:
        """The backend's listing; a generator here, so bad arguments fail on the first
        ``next``, as in MMCV."""
        yield from self.client.list_dir_or_file(dir_path, list_dir, list_file, suffix, recursive)
