"""The local-disk stand-in for MMCV's ``FileClient`` that the checkpoint and text logger hooks use.

MMCV 1.7.2 inferred a ``FileClient`` from ``file_client_args``/``out_dir``; compat writes to the
local disk only, so any other backend (``petrel``, ``http``, ``s3://`` prefixes...) is refused
with an error naming the key, never silently written somewhere else.
"""
from __future__ import annotations

import os.path as osp
from typing import Optional

from engine.errors import ConfigError

#: MMCV's ``HardDiskBackend.name``, which its hooks print in their log lines
BACKEND_NAME = 'HardDiskBackend'


class UnsupportedBackendError(ConfigError, ValueError):
    """``file_client_args``/``out_dir`` ask for a storage backend compat does not have."""


def check_local_disk(hook_name: str, file_client_args: Optional[dict],
                     out_dir: Optional[str], key: Optional[str] = None) -> None:
    """Refuse a non-disk backend or a URI ``out_dir`` (MMCV would have used that backend);
    ``key`` is the config key the error names (default: the hook's name)."""
    key = key or hook_name
    backend = (file_client_args or {}).get('backend', 'disk')
    if backend not in ('disk', BACKEND_NAME, None):
        raise UnsupportedBackendError(
            f'{hook_name}: file_client_args backend {backend!r} is not supported by compat '
            '(local disk only)', key=f'{key}.file_client_args',
            fix='drop file_client_args (or set backend="disk"), give a local out_dir, and copy '
                'the files yourself')
    if isinstance(out_dir, str) and '://' in out_dir:
        raise UnsupportedBackendError(
            f'{hook_name}: out_dir {out_dir!r} is a remote URI; compat writes to the local disk '
            'only', key=f'{key}.out_dir', fix='give a local directory as out_dir')


def join_work_dir_basename(out_dir: str, work_dir: str) -> str:
    """MMCV >= 1.3.16: ``out_dir`` joined with the last level of ``work_dir``."""
    return osp.join(out_dir, osp.basename(work_dir.rstrip(osp.sep)))
