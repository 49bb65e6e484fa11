"""``mmcv.fileio.handlers.json_handler``: JSON with MMCV's fallback for sets, ranges and numpy
values (:func:`compat.utils.json_handler.json_default`, exported under MMCV's name)."""
from __future__ import annotations

import json

from compat.fileio.handlers.base import BaseFileHandler
from compat.utils.json_handler import json_default as set_default

__all__ = ['JsonHandler', 'set_default']


class JsonHandler(BaseFileHandler):
    """``json``; extra keyword arguments go to ``json.dump``/``json.dumps`` (``load`` takes
    none, as in MMCV)."""

    def load_from_fileobj(self, file):
        return json.load(file)

    def dump_to_fileobj(self, obj, file, **kwargs):
        kwargs.setdefault('default', set_default)
        json.dump(obj, file, **kwargs)

    def dump_to_str(self, obj, **kwargs):
        kwargs.setdefault('default', set_default)
        return json.dumps(obj, **kwargs)
