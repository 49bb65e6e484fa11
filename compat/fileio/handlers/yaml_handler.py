"""``mmcv.fileio.handlers.yaml_handler``: YAML through PyYAML's full ``Loader``/``Dumper`` (the
C versions where PyYAML has them), as MMCV 1.7.2.

The full loader builds the Python objects a file's ``!!python/...`` tags name, exactly as MMCV
did: load only YAML files you trust.
"""
from __future__ import annotations

import yaml

from compat.fileio.handlers.base import BaseFileHandler

try:
    from yaml import CDumper as Dumper
    from yaml import CLoader as Loader
except ImportError:  # PyYAML built without libyaml
    from yaml import Dumper, Loader  # type: ignore[assignment]

__all__ = ['YamlHandler']


class YamlHandler(BaseFileHandler):
    """``yaml``/``yml``; ``Loader``/``Dumper`` keyword arguments override the defaults."""

    def load_from_fileobj(self, file, **kwargs):
        kwargs.setdefault('Loader', Loader)
        return yaml.load(file, **kwargs)

    def dump_to_fileobj(self, obj, file, **kwargs):
        kwargs.setdefault('Dumper', Dumper)
        yaml.dump(obj, file, **kwargs)

    def dump_to_str(self, obj, **kwargs):
        kwargs.setdefault('Dumper', Dumper)
        return yaml.dump(obj, **kwargs)
