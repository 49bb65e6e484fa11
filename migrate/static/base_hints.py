"""Which files of a tree name which as ``_base_``, guessed from the text alone (no parse).

Only a hint, for deciding what to keep parsed while converting a tree: a wrong guess costs a
second parse or some memory, never a wrong result.

>>> base_paths_in("_base_ = ['../_base_/models/x.py', './y.py']\\n", '/c/det/a.py')
['/c/_base_/models/x.py', '/c/det/y.py']
"""
from __future__ import annotations

import os
import re
from typing import Iterable, List, Set

from .errors import StaticConfigError
from .source import read_config_bytes

#: ``_base_ = '...'`` or ``_base_ = [...]`` (a list may span lines) at the start of a line
_ASSIGNMENT = re.compile(r'^_base_\s*=\s*(\[[^\]]*\]|\([^)]*\)|\'[^\'\n]*\'|"[^"\n]*")',
                         re.MULTILINE)
_STRING = re.compile(r'\'([^\'\n]*)\'|"([^"\n]*)"')


def base_paths_in(text: str, path: str) -> List[str]:
    """Absolute paths of the ``_base_`` files written in ``text`` (the file at ``path``)."""
    folder = os.path.dirname(os.path.abspath(path))
    out = []
    for match in _ASSIGNMENT.finditer(text):
        for single, double in _STRING.findall(match.group(1)):
            name = single or double
            out.append(os.path.abspath(os.path.join(folder, os.path.expanduser(name))))
    return out


def likely_bases(files: Iterable[str]) -> Set[str]:
    """Every file that some file of ``files`` names as a base (unreadable files skipped)."""
    found: Set[str] = set()
    for path in files:
        try:   # FIFOs, devices and oversized files are left to the reader's error
            text = read_config_bytes(path).decode('utf-8', errors='replace')
        except (OSError, StaticConfigError):
            continue
        if '_base_' in text:
            found.update(base_paths_in(text, path))
    return found
