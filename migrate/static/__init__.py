"""Static reader of legacy MMCV 1.x config trees (libcst; the input is never executed).

``load_config_tree(path)`` gives the file (its text, CST, own keys and the statements that
wrote them) and the merged legacy view MMCV's ``Config.fromfile`` would build.
"""
from .errors import StaticConfigError
from .tree import ConfigFile, ConfigLoader, ConfigTree, evaluate_text, load_config_tree
from .values import Opaque

__all__ = ['load_config_tree', 'evaluate_text', 'ConfigTree', 'ConfigFile', 'ConfigLoader',
           'Opaque', 'StaticConfigError']
