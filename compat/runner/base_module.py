"""MMCV 1.7.2's ``BaseModule``: a ``nn.Module`` initialised once by its ``init_cfg``.

``init_weights()`` follows MMCV's rules: the module's own ``init_cfg`` first, then every child
that has ``init_weights`` (so a child's ``init_cfg`` wins over its parent's), except that a
module whose ``init_cfg`` is one ``Pretrained`` dict stops there and leaves its children as
loaded. A second call only warns. The top-level call records, per parameter, which initialiser
last changed it and logs that table (to the ``mmcv`` logger's file handlers if it has any, else
as log records), on rank 0 only.
"""
from __future__ import annotations

import copy
import logging
import warnings
from abc import ABCMeta
from collections import defaultdict
from typing import Iterable, Optional

import torch.nn as nn

from compat.cnn.weight_init import LOGGER_NAME, initialize, update_init_info
from compat.utils.logging import print_log
from engine.dist.utils import master_only


class BaseModule(nn.Module, metaclass=ABCMeta):
    """``nn.Module`` with ``init_cfg`` (a dict or a list of dicts for :func:`initialize`)."""

    def __init__(self, init_cfg: Optional[dict] = None):
        super().__init__()
        self._is_init = False
        self.init_cfg = copy.deepcopy(init_cfg)

    @property
    def is_init(self) -> bool:
        return self._is_init

    def init_weights(self) -> None:
        """Initialise this module and its children once (see the module docstring)."""
        is_top_level_module = not hasattr(self, '_params_init_info')
        if is_top_level_module:
            self._start_init_info()
        module_name = self.__class__.__name__
        if not self._is_init:
            if self.init_cfg:
                print_log(f'initialize {module_name} with init_cfg {self.init_cfg}', LOGGER_NAME)
                initialize(self, self.init_cfg)
                # MMCV returns here, before the children and before `_is_init` is set, and a
                # top-level Pretrained module so never dumps nor drops the init info
                if isinstance(self.init_cfg, dict) and self.init_cfg['type'] == 'Pretrained':
                    return
            for m in self.children():
                if hasattr(m, 'init_weights'):
                    m.init_weights()
                    # users may override `init_weights`: credit whatever it changed
                    update_init_info(m, init_info=f'Initialized by user-defined '
                                                  f'`init_weights` in {m.__class__.__name__} ')
            self._is_init = True
        else:
            warnings.warn(f'init_weights of {self.__class__.__name__} has been called '
                          'more than once.')
        if is_top_level_module:
            self._dump_init_info(LOGGER_NAME)
            for sub_module in self.modules():
                del sub_module._params_init_info

    def _start_init_info(self) -> None:
        # one table shared by every sub-module, keyed by the parameter object, so a change
        # made at any level is seen (by its mean) and credited
        self._params_init_info = defaultdict(dict)
        for param in self.parameters():
            self._params_init_info[param]['init_info'] = (
                'The value is the same before and after calling `init_weights` '
                f'of {self.__class__.__name__} ')
            self._params_init_info[param]['tmp_mean_value'] = param.data.mean()
        for sub_module in self.modules():
            sub_module._params_init_info = self._params_init_info

    @master_only
    def _dump_init_info(self, logger_name: str) -> None:
        """Log ``name - shape: init info`` for every parameter."""
        logger = logging.getLogger(logger_name)
        with_file_handler = False
        for handler in logger.handlers:
            if isinstance(handler, logging.FileHandler):
                handler.stream.write('Name of parameter - Initialization information\n')
                for name, param in self.named_parameters():
                    handler.stream.write(f'\n{name} - {param.shape}: '
                                         f"\n{self._params_init_info[param]['init_info']} \n")
                handler.stream.flush()
                with_file_handler = True
        if not with_file_handler:
            for name, param in self.named_parameters():
                print_log(f'\n{name} - {param.shape}: '
                       f"\n{self._params_init_info[param]['init_info']} \n ", logger_name)

    def __repr__(self) -> str:
        s = super().__repr__()
        if self.init_cfg:
            s += f'\ninit_cfg={self.init_cfg}'
        return s


class Sequential(BaseModule, nn.Sequential):
    """``nn.Sequential`` with ``init_cfg``."""

    def __init__(self, *args, init_cfg: Optional[dict] = None):
        BaseModule.__init__(self, init_cfg)
        nn.Sequential.__init__(self, *args)


class ModuleList(BaseModule, nn.ModuleList):
    """``nn.ModuleList`` with ``init_cfg``."""

    def __init__(self, modules: Optional[Iterable] = None, init_cfg: Optional[dict] = None):
        BaseModule.__init__(self, init_cfg)
        nn.ModuleList.__init__(self, modules)


class ModuleDict(BaseModule, nn.ModuleDict):
    """``nn.ModuleDict`` with ``init_cfg``."""

    def __init__(self, modules: Optional[dict] = None, init_cfg: Optional[dict] = None):
        BaseModule.__init__(self, init_cfg)
        nn.ModuleDict.__init__(self, modules)


__all__ = ['BaseModule', 'ModuleDict', 'ModuleList', 'Sequential']
