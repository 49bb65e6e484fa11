"""Where ``migrate convert`` may read and write: regular files in, nothing outside ``-o`` out.

Paths are compared after resolving symlinks (``os.path.realpath``), so ``-o`` naming the input
file, an output tree inside the source tree, or a folder of the output tree that is a symlink
to somewhere else is refused before anything is converted or written.
"""
from __future__ import annotations

import os
import stat
from typing import Iterable, List, Optional, Set

from engine.errors import ConfigError
from migrate.static.source import file_kind


def non_regular_reason(path: str) -> Optional[str]:
    """None for a regular file (also behind a symlink); else what it is ('a FIFO', 'a
    broken symlink', ...). Only ``stat`` is used: the file is never opened."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return 'a broken symlink' if os.path.islink(path) else 'unreadable'
    return None if stat.S_ISREG(mode) else file_kind(mode)


def check_source(src: str) -> None:
    """Refuse a SRC that exists but is neither a regular file nor a folder, unread."""
    reason = non_regular_reason(src)
    if reason not in (None, 'unreadable') and not os.path.isdir(src):
        raise ConfigError(f'not a regular file ({reason}): it is not read', file=src,
                          fix='give a legacy config file or a directory of configs')


def tree_files(src: str, skip_dirs: Iterable[str]) -> List[str]:
    """Every file under the folder ``src`` (absolute paths, stable order)."""
    skip = set(skip_dirs)
    out = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        out.extend(os.path.abspath(os.path.join(dirpath, f)) for f in sorted(filenames))
    return out


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_destinations(src: str, output: Optional[str], report: Optional[str],
                       skip_dirs: Iterable[str]) -> None:
    """Raise :class:`ConfigError` when writing ``output`` (a file or a tree mirroring ``src``)
    or ``report`` would overwrite an input file or land outside ``output``."""
    is_dir = os.path.isdir(src)
    inputs: Set[str] = ({os.path.realpath(p) for p in tree_files(src, skip_dirs)} if is_dir
                        else {os.path.realpath(src)})
    if report and os.path.realpath(report) in inputs:
        raise ConfigError('--report names an input file, which it would overwrite',
                          file=report, key='--report', fix='write the report somewhere else')
    if not output:
        return
    real_out = os.path.realpath(output)
    if not is_dir:
        if real_out in inputs:
            raise ConfigError('-o names the input file itself, which it would overwrite',
                              file=output, key='-o',
                              fix='give another output file, or use --in-place to rewrite it')
        if os.path.isdir(output):
            raise ConfigError('-o is a folder, but the input is one file', file=output,
                              key='-o', fix='give the output file name, e.g. -o DIR/name.py')
        return
    real_src = os.path.realpath(src)
    if _inside(real_out, real_src):
        raise ConfigError('-o is inside the source tree (the output would become input)',
                          file=output, key='-o', fix='write the new tree outside the source '
                          'tree, or use --in-place to rewrite it')
    root = os.path.abspath(src)
    for path in tree_files(src, skip_dirs):
        dst = os.path.join(output, os.path.relpath(path, root))
        real_dst = os.path.realpath(dst)
        if real_dst in inputs:
            raise ConfigError(f'writing {dst} would overwrite the input file {real_dst}',
                              file=output, key='-o', fix='write the new tree to a folder that '
                              'holds none of the input files')
        if not _inside(real_dst, real_out):
            raise ConfigError(f'{dst} resolves to {real_dst}, outside the output folder (a '
                              'symlinked folder in it)', file=output, key='-o',
                              fix='remove the symlink from the output folder or write to a '
                              'new, empty folder')
