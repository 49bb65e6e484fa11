"""MMCV 1.7.2's ``mmcv/utils/path.py`` file helpers used by legacy hooks and train scripts."""
from __future__ import annotations

import os
import os.path as osp
from pathlib import Path
from typing import Iterator, Optional, Tuple, Union

__all__ = ['check_file_exist', 'mkdir_or_exist', 'scandir', 'symlink']


def check_file_exist(filename, msg_tmpl: str = 'file "{}" does not exist') -> None:
    if not osp.isfile(filename):
        raise FileNotFoundError(msg_tmpl.format(filename))


def mkdir_or_exist(dir_name: str, mode: int = 0o777) -> None:
    """``makedirs(exist_ok=True)`` after ``~`` expansion; ``''`` is the current folder."""
    if dir_name == '':
        return
    os.makedirs(osp.expanduser(dir_name), mode=mode, exist_ok=True)


def symlink(src: str, dst: str, overwrite: bool = True, **kwargs) -> None:
    """Link ``dst`` to ``src``, replacing what ``dst`` names when ``overwrite`` is set."""
    if os.path.lexists(dst) and overwrite:
        os.remove(dst)
    os.symlink(src, dst, **kwargs)


def scandir(dir_path: Union[str, Path], suffix: Union[str, Tuple[str, ...], None] = None,
            recursive: bool = False, case_sensitive: bool = True) -> Iterator[str]:
    """Yield the paths, relative to ``dir_path``, of its files in ``os.scandir`` order.

    As MMCV: hidden *files* are skipped but hidden folders are searched when ``recursive``;
    ``suffix`` is matched against the relative path (so ``'sub/a.py'`` ends with ``'a.py'``),
    lower-cased on both sides unless ``case_sensitive``. The arguments are checked at once, the
    folder is read lazily.
    """
    if not isinstance(dir_path, (str, Path)):
        raise TypeError('"dir_path" must be a string or Path object')
    if suffix is not None and not isinstance(suffix, (str, tuple)):
        raise TypeError('"suffix" must be a string or tuple of strings')
    if suffix is not None and not case_sensitive:
        suffix = suffix.lower() if isinstance(suffix, str) else tuple(s.lower() for s in suffix)
    return _scan(str(dir_path), str(dir_path), suffix, recursive, case_sensitive)


def _scan(root: str, folder: str, suffix: Optional[Union[str, tuple]], recursive: bool,
          case_sensitive: bool) -> Iterator[str]:
    for entry in os.scandir(folder):
        if not entry.name.startswith('.') and entry.is_file():
            rel_path = osp.relpath(entry.path, root)
            matched = rel_path if case_sensitive else rel_path.lower()
            if suffix is None or matched.endswith(suffix):
                yield rel_path
        elif recursive and os.path.isdir(entry.path):
            yield from _scan(root, entry.path, suffix, recursive, case_sensitive)
