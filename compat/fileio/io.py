"""``mmcv.load``/``mmcv.dump``/``mmcv.register_handler``: serialised files by extension, through
the :class:`~compat.fileio.file_client.FileClient` of the path (local disk only)."""
from __future__ import annotations

from io import BytesIO, StringIO
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

from compat.fileio.file_client import FileClient
from compat.fileio.handlers import BaseFileHandler, JsonHandler, PickleHandler, YamlHandler
from compat.utils.misc import is_list_of

__all__ = ['dump', 'file_handlers', 'load', 'register_handler']

#: extension -> handler; ``register_handler`` adds to it, as MMCV's module-level table
file_handlers: Dict[str, BaseFileHandler] = {
    'json': JsonHandler(),
    'yaml': YamlHandler(),
    'yml': YamlHandler(),
    'pickle': PickleHandler(),
    'pkl': PickleHandler(),
}


def load(file, file_format: Optional[str] = None, file_client_args: Optional[Dict] = None,
         **kwargs):
    """The object in ``file`` (a path or an open file); the format is the text after the
    path's last dot unless ``file_format`` names it."""
    if isinstance(file, Path):
        file = str(file)
    if file_format is None and isinstance(file, str):
        file_format = file.split('.')[-1]
    if file_format not in file_handlers:
        raise TypeError(f'Unsupported format: {file_format}')
    handler = file_handlers[file_format]
    if isinstance(file, str):
        client = FileClient.infer_client(file_client_args, file)
        if handler.str_like:
            with StringIO(client.get_text(file)) as f:
                return handler.load_from_fileobj(f, **kwargs)
        with BytesIO(client.get(file)) as f:
            return handler.load_from_fileobj(f, **kwargs)
    if hasattr(file, 'read'):
        return handler.load_from_fileobj(file, **kwargs)
    raise TypeError('"file" must be a filepath str or a file-object')


def dump(obj: Any, file=None, file_format: Optional[str] = None,
         file_client_args: Optional[Dict] = None, **kwargs):
    """Write ``obj`` to ``file`` (a path or an open file), or return it serialised when
    ``file`` is None (then ``file_format`` is required)."""
    if isinstance(file, Path):
        file = str(file)
    if file_format is None:
        if isinstance(file, str):
            file_format = file.split('.')[-1]
        elif file is None:
            raise ValueError('file_format must be specified since file is None')
    if file_format not in file_handlers:
        raise TypeError(f'Unsupported format: {file_format}')
    handler = file_handlers[file_format]
    if file is None:
        return handler.dump_to_str(obj, **kwargs)
    if isinstance(file, str):
        client = FileClient.infer_client(file_client_args, file)
        if handler.str_like:
            with StringIO() as f:
                handler.dump_to_fileobj(obj, f, **kwargs)
                client.put_text(f.getvalue(), file)
        else:
            with BytesIO() as f:
                handler.dump_to_fileobj(obj, f, **kwargs)
                client.put(f.getvalue(), file)
    elif hasattr(file, 'write'):
        handler.dump_to_fileobj(obj, file, **kwargs)
    else:
        raise TypeError('"file" must be a filename str or a file-object')
    return None


def _register_handler(handler: BaseFileHandler, file_formats: Union[str, List[str]]) -> None:
    if not isinstance(handler, BaseFileHandler):
        raise TypeError(f'handler must be a child of BaseFileHandler, not {type(handler)}')
    if isinstance(file_formats, str):
        file_formats = [file_formats]
    if not is_list_of(file_formats, str):
        raise TypeError('file_formats must be a str or a list of str')
    for ext in file_formats:
        file_handlers[ext] = handler


def register_handler(file_formats: Union[str, list], **kwargs) -> Callable:
    """Class decorator: ``cls(**kwargs)`` handles the extensions ``file_formats``."""

    def wrap(cls):
        _register_handler(cls(**kwargs), file_formats)
        return cls

    return wrap
