"""``mmcv.version`` under the alias: the MMCV release whose behaviour compat reproduces.

``__version__`` is ``'1.7.2'`` because the runtime behaves as MMCV 1.7.2 (every golden is
recorded from it), and legacy code compares it with the range it supports (MMDet 2.x:
``1.3.17 <= mmcv < 1.8.0``); ``collect_env()['MMCV']`` says that it is the compat runtime.
"""
from __future__ import annotations

from typing import Tuple

from packaging.version import parse

__all__ = ['__version__', 'version_info', 'parse_version_info']

__version__ = '1.7.2'


def parse_version_info(version_str: str, length: int = 4) -> Tuple:
    """``'1.3.0'`` -> ``(1, 3, 0, 0, 0, 0)``, ``'2.0.0rc1'`` -> ``(2, 0, 0, 0, 'rc', 1)``: the
    release padded to ``length``, then the pre (or post) release tag and number, or two 0s."""
    version = parse(version_str)
    assert version.release, f'failed to parse version {version_str}'
    release = list(version.release)[:length]
    release += [0] * (length - len(release))
    if version.is_prerelease:
        release.extend(version.pre)  # type: ignore[arg-type]
    elif version.is_postrelease:
        release.extend(version.post)  # type: ignore[arg-type]
    else:
        release.extend([0, 0])
    return tuple(release)


version_info = tuple(int(x) for x in __version__.split('.')[:3])
