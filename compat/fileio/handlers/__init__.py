"""``mmcv.fileio.handlers``: the json, yaml and pickle formats of ``mmcv.load``/``mmcv.dump``."""
from compat.fileio.handlers.base import BaseFileHandler
from compat.fileio.handlers.json_handler import JsonHandler
from compat.fileio.handlers.pickle_handler import PickleHandler
from compat.fileio.handlers.yaml_handler import YamlHandler

__all__ = ['BaseFileHandler', 'JsonHandler', 'PickleHandler', 'YamlHandler']
