"""MMCV 1.7.2's ``mmcv.utils.Config``: a loaded config (``fromfile``/``fromstring``) with
attribute access, ``merge_from_dict`` for ``--cfg-options``, ``pretty_text`` and ``dump``.

Unlike ``migrate convert``, this runs the config's Python: a trainer must.
"""
from __future__ import annotations

import copy
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Optional

import yaml

from compat.utils.config_dict import ConfigDict
from compat.utils.config_loading import (SUPPORTED_EXTS, UNSUPPORTED_MESSAGE, file2dict,
                                         merge_a_into_b)
from compat.utils.config_pretty import pretty_text
from compat.utils.dict_action import DictAction
from compat.utils.json_handler import json_default
from compat.utils.misc import import_modules_from_strings

RESERVED_KEYS = ['filename', 'text', 'pretty_text']

__all__ = ['Config', 'ConfigDict', 'DictAction']


class Config:
    """A config dict with its file name and source text; keys read as attributes."""

    @staticmethod
    def fromfile(filename, use_predefined_variables: bool = True,
                 import_custom_modules: bool = True) -> 'Config':
        """Load a .py/.json/.yaml/.yml config with its ``_base_`` files."""
        if isinstance(filename, Path):
            filename = str(filename)
        cfg_dict, cfg_text = file2dict(filename, use_predefined_variables)
        if import_custom_modules and cfg_dict.get('custom_imports', None):
            import_modules_from_strings(**cfg_dict['custom_imports'])
        return Config(cfg_dict, cfg_text=cfg_text, filename=filename)

    @staticmethod
    def fromstring(cfg_str: str, file_format: str) -> 'Config':
        """Load config source text; ``file_format`` is its extension (``'.py'`` etc.)."""
        if file_format not in SUPPORTED_EXTS:
            raise OSError(UNSUPPORTED_MESSAGE)
        if file_format != '.py' and 'dict(' in cfg_str:
            warnings.warn('Please check "file_format", the file format may be .py')
        with tempfile.NamedTemporaryFile('w', encoding='utf-8', suffix=file_format,
                                         delete=False) as temp_file:
            temp_file.write(cfg_str)
        try:
            return Config.fromfile(temp_file.name)
        finally:
            os.remove(temp_file.name)

    def __init__(self, cfg_dict: Optional[dict] = None, cfg_text: Optional[str] = None,
                 filename=None):
        if cfg_dict is None:
            cfg_dict = dict()
        elif not isinstance(cfg_dict, dict):
            raise TypeError(f'cfg_dict must be a dict, but got {type(cfg_dict)}')
        for key in cfg_dict:
            if key in RESERVED_KEYS:
                raise KeyError(f'{key} is reserved for config file')
        if isinstance(filename, Path):
            filename = str(filename)
        if cfg_text:
            text = cfg_text
        elif filename:
            with open(filename) as handle:
                text = handle.read()
        else:
            text = ''
        super().__setattr__('_cfg_dict', ConfigDict(cfg_dict))
        super().__setattr__('_filename', filename)
        super().__setattr__('_text', text)

    @property
    def filename(self) -> Optional[str]:
        return self._filename

    @property
    def text(self) -> str:
        return self._text

    @property
    def pretty_text(self) -> str:
        return pretty_text(self._cfg_dict.to_dict())

    def __repr__(self) -> str:
        return f'Config (path: {self.filename}): {self._cfg_dict.__repr__()}'

    def __len__(self) -> int:
        return len(self._cfg_dict)

    def __getattr__(self, name: str) -> Any:
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        return getattr(self._cfg_dict, name)

    def __getitem__(self, name: Any) -> Any:
        return self._cfg_dict.__getitem__(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._cfg_dict.__setattr__(name, ConfigDict(value) if isinstance(value, dict) else value)

    def __setitem__(self, name: Any, value: Any) -> None:
        self._cfg_dict.__setitem__(name, ConfigDict(value) if isinstance(value, dict) else value)

    def __iter__(self):
        return iter(self._cfg_dict)

    def __getstate__(self):
        return (self._cfg_dict, self._filename, self._text)

    def __setstate__(self, state) -> None:
        for name, value in zip(('_cfg_dict', '_filename', '_text'), state):
            super().__setattr__(name, value)

    def __copy__(self) -> 'Config':
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        return other

    def __deepcopy__(self, memo: dict) -> 'Config':
        other = type(self).__new__(type(self))
        memo[id(self)] = other
        for key, value in self.__dict__.items():
            super(Config, other).__setattr__(key, copy.deepcopy(value, memo))
        return other

    def dump(self, file: Optional[str] = None) -> Optional[str]:
        """Write the config to ``file`` (format by extension), or return it as text.

        Without ``file`` the format is that of :attr:`filename` (pretty text for ``.py`` or
        no file name).
        """
        cfg_dict = self._cfg_dict.to_dict()
        if file is None:
            if self.filename is None or self.filename.endswith('.py'):
                return self.pretty_text
            return _dump_data(cfg_dict, self.filename.split('.')[-1])
        if file.endswith('.py'):
            text = self.pretty_text
            with open(file, 'w', encoding='utf-8') as handle:
                handle.write(text)
            return None
        with open(file, 'w') as handle:
            handle.write(_dump_data(cfg_dict, file.split('.')[-1]))
        return None

    def merge_from_dict(self, options: dict, allow_list_keys: bool = True) -> None:
        """Merge ``{'a.b.c': value}`` (as DictAction gives) into the config.

        With ``allow_list_keys`` a digit key indexes a list (``'pipeline.0.type'``).
        """
        nested: dict = {}
        for full_key, value in options.items():
            node = nested
            *parents, last = full_key.split('.')
            for part in parents:
                node = node.setdefault(part, ConfigDict())
            node[last] = value
        merged = merge_a_into_b(nested, self._cfg_dict, allow_list_keys=allow_list_keys)
        super().__setattr__('_cfg_dict', merged)


def _dump_data(cfg_dict: dict, file_format: str) -> str:
    """``mmcv.dump`` for json (sets and numpy values converted) and yaml."""
    if file_format == 'json':
        return json.dumps(cfg_dict, default=json_default)
    if file_format in ('yaml', 'yml'):
        return yaml.dump(cfg_dict, Dumper=getattr(yaml, 'CDumper', yaml.Dumper))
    raise TypeError(f'Unsupported format: {file_format}')

