"""``mmcv.fileio`` for local files: ``FileClient`` (the disk backend; the remote ones are
importable but refuse to be built), ``load``/``dump`` in json, yaml and pickle,
``list_from_file``/``dict_from_file``, as MMCV 1.7.2."""
from compat.fileio.file_client import BaseStorageBackend, FileClient
from compat.fileio.handlers import BaseFileHandler, JsonHandler, PickleHandler, YamlHandler
from compat.fileio.io import dump, load, register_handler
from compat.fileio.parse import dict_from_file, list_from_file

__all__ = ['BaseStorageBackend', 'FileClient', 'load', 'dump', 'register_handler',
           'BaseFileHandler', 'JsonHandler', 'PickleHandler', 'YamlHandler', 'list_from_file',
           'dict_from_file']
