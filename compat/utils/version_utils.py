"""MMCV 1.7.2's ``digit_version``: a version string as a comparable tuple of ints.

The release is cut or zero-padded to ``length`` numbers, then two more tell the kind:
alpha ``(-3, n)``, beta ``(-2, n)``, rc ``(-1, n)``, a dev release without a pre-release tag
``(-4, 0)``, a post release ``(1, n)``, a final release ``(0, 0)``. A local part (``+cu117``)
is ignored, and a dev number is dropped (``1.0rc1.dev2`` is ``(..., -1, 1)``), as in MMCV.
"""
from __future__ import annotations

import os
import subprocess
import warnings
from typing import Tuple

from packaging.version import parse

__all__ = ['digit_version', 'get_git_hash']

_PRE_RELEASE_CODES = {'a': -3, 'b': -2, 'rc': -1}
_DEV_CODE = -4


def digit_version(version_str: str, length: int = 4) -> Tuple[int, ...]:
    """``digit_version('1.8.0rc1') == (1, 8, 0, 0, -1, 1)``; raises AssertionError for a
    ``parrots`` version and packaging's ``InvalidVersion`` for an unparseable one, as MMCV."""
    assert 'parrots' not in version_str
    version = parse(version_str)
    assert version.release, f'failed to parse version {version_str}'
    release = list(version.release)[:length]
    release += [0] * (length - len(release))
    if version.is_prerelease:
        if not version.pre:
            release += [_DEV_CODE, 0]
        else:
            if version.pre[0] not in _PRE_RELEASE_CODES:  # packaging normalises every tag
                warnings.warn(f'unknown prerelease version {version.pre[0]}, '
                              'version checking may go wrong')
            release += [_PRE_RELEASE_CODES.get(version.pre[0], _DEV_CODE), version.pre[-1]]
    elif version.is_postrelease:
        release += [1, version.post]
    else:
        release += [0, 0]
    return tuple(release)


def get_git_hash(fallback: str = 'unknown', digits=None) -> str:
    """``git rev-parse HEAD`` of the current folder's repository, cut to ``digits``; as MMCV,
    ``fallback`` only when git cannot be run, and ``''`` outside a repository."""
    if digits is not None and not isinstance(digits, int):
        raise TypeError('digits must be None or an integer')
    # a minimal, C-locale environment, as MMCV, so the output is plain ASCII
    env = {k: os.environ[k] for k in ('SYSTEMROOT', 'PATH', 'HOME') if k in os.environ}
    env.update(LANGUAGE='C', LANG='C', LC_ALL='C')
    try:
        out = subprocess.Popen(['git', 'rev-parse', 'HEAD'], stdout=subprocess.PIPE,
                               env=env).communicate()[0]
    except OSError:
        return fallback
    sha = out.strip().decode('ascii')
    return sha if digits is None else sha[:digits]
