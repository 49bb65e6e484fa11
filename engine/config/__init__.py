"""The config system: Python/YAML/JSON config files with ``_base_`` inheritance.

Config-compatible with MMEngine 0.10.7 (``_base_``, ``_delete_``, ``{{_base_.x}}``,
``_base_.x`` in Python configs, ``custom_imports``, ``--cfg-options``), without its lazy-import
(``with read_base():``) style.
"""
from .config import Config, ConfigKeyError
from .config_dict import ConfigDict
from .options import DictAction, parse_cfg_options

__all__ = ['Config', 'ConfigDict', 'ConfigKeyError', 'DictAction', 'parse_cfg_options']
