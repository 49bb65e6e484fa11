"""MMCV 1.7.2's remote storage backends (petrel/``s3://``, ceph, memcached, lmdb,
http/``https://``), importable under their names so legacy imports and registries resolve,
but refused when constructed or used: compat reads and writes local files only.

MMCV would have talked to the service through its client library (``petrel_client``,
``ceph``, ``mc``, ``lmdb``) or ``urllib``; compat never sends a file elsewhere or fetches one
behind the user's back.
"""
from __future__ import annotations

from engine.errors import EngineError

from compat.fileio.disk_backend import BaseStorageBackend

__all__ = ['CephBackend', 'HTTPBackend', 'LmdbBackend', 'MemcachedBackend', 'PetrelBackend',
           'UnsupportedStorageError']


class UnsupportedStorageError(EngineError, ImportError):
    """A storage backend other than the local disk was asked for. An ``ImportError``, as
    MMCV's own error when the backend's client library is missing."""


class _RefusedBackend(BaseStorageBackend):
    # set by each subclass: the FileClient backend name, what it reads and what MMCV used
    backend = ''
    serves = ''
    mmcv_used = ''

    def __init__(self, *args, **kwargs):
        raise self._error()

    @classmethod
    def _error(cls) -> UnsupportedStorageError:
        return UnsupportedStorageError(
            f'mmcv.fileio: storage backend {cls.backend!r} ({cls.__name__}, {cls.serves}), '
            'asked for by file_client_args or by a URI prefix of the path, is not supported: '
            'the compat runtime reads and writes local files only (MMCV 1.7.2 would have used '
            f'{cls.mmcv_used})',
            fix="copy the files to a local folder and use backend='disk' (or drop "
                'file_client_args and give local paths)')

    def get(self, filepath):
        raise self._error()

    def get_text(self, filepath, encoding='utf-8'):
        raise self._error()


class CephBackend(_RefusedBackend):
    """Refused: Ceph storage."""

    backend, serves, mmcv_used = 'ceph', 'Ceph object storage', 'the ceph client library'


class PetrelBackend(_RefusedBackend):
    """Refused: petrel (``s3://`` paths)."""

    backend, serves, mmcv_used = 'petrel', 's3:// paths', 'petrel_client'


class MemcachedBackend(_RefusedBackend):
    """Refused: memcached."""

    backend, serves, mmcv_used = 'memcached', 'a memcached cache', 'the mc client library'


class LmdbBackend(_RefusedBackend):
    """Refused: LMDB databases."""

    backend, serves, mmcv_used = 'lmdb', 'an LMDB database', 'the lmdb package'


class HTTPBackend(_RefusedBackend):
    """Refused: ``http://``/``https://`` downloads."""

    backend, serves, mmcv_used = 'http', 'http:// and https:// URLs', 'urllib downloads'
