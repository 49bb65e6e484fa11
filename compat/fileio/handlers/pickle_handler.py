"""``mmcv.fileio.handlers.pickle_handler``: pickle, protocol 2 unless told otherwise (MMCV's
default, so files stay readable by the Python 2 era tools MMCV kept compatible with)."""
from __future__ import annotations

import pickle

from compat.fileio.handlers.base import BaseFileHandler

__all__ = ['PickleHandler']

_DEFAULT_PROTOCOL = 2


class PickleHandler(BaseFileHandler):
    """``pickle``/``pkl``; works on bytes."""

    str_like = False

    def load_from_fileobj(self, file, **kwargs):
        return pickle.load(file, **kwargs)

    def load_from_path(self, filepath, **kwargs):
        return super().load_from_path(filepath, mode='rb', **kwargs)

    def dump_to_str(self, obj, **kwargs):
        kwargs.setdefault('protocol', _DEFAULT_PROTOCOL)
        return pickle.dumps(obj, **kwargs)

    def dump_to_fileobj(self, obj, file, **kwargs):
        kwargs.setdefault('protocol', _DEFAULT_PROTOCOL)
        pickle.dump(obj, file, **kwargs)

    def dump_to_path(self, obj, filepath, **kwargs):
        super().dump_to_path(obj, filepath, mode='wb', **kwargs)
