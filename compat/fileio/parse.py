"""``mmcv.list_from_file``/``mmcv.dict_from_file``: text files of one item (or one key and its
values) per line, read through the path's ``FileClient`` (local disk only)."""
from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Dict, List, Optional, Union

from compat.fileio.file_client import FileClient

__all__ = ['dict_from_file', 'list_from_file']


def list_from_file(filename: Union[str, Path], prefix: str = '', offset: int = 0,
                   max_num: int = 0, encoding: str = 'utf-8',
                   file_client_args: Optional[Dict] = None) -> List:
    """The lines after the first ``offset``, at most ``max_num`` of them (0 or less: all), each
    with its line break removed and ``prefix`` put in front."""
    client = FileClient.infer_client(file_client_args, filename)
    items = []
    with StringIO(client.get_text(filename, encoding)) as f:
        for _ in range(offset):
            f.readline()
        for line in f:
            if 0 < max_num <= len(items):
                break
            items.append(prefix + line.rstrip('\n\r'))
    return items


def dict_from_file(filename: Union[str, Path], key_type: type = str, encoding: str = 'utf-8',
                   file_client_args: Optional[Dict] = None) -> Dict:
    """``{key_type(first column): second column}``, or the list of the further columns when a
    line has more than two; a line with fewer fails an assertion, as in MMCV."""
    mapping = {}
    client = FileClient.infer_client(file_client_args, filename)
    with StringIO(client.get_text(filename, encoding)) as f:
        for line in f:
            items = line.rstrip('\n').split()
            assert len(items) >= 2
            mapping[key_type(items[0])] = items[1:] if len(items) > 2 else items[1]
    return mapping
