"""``BaseModule``: an ``nn.Module`` that initialises its weights from ``init_cfg``.

MMEngine 0.10.7's semantics: ``init_weights()`` applies the module's own ``init_cfg`` (all
entries but ``Pretrained``), then calls ``init_weights`` of each direct child not yet
initialised, then loads ``Pretrained`` entries last, so a checkpoint wins over every other
initialiser. A module initialises once (a second call logs a warning and changes nothing). The
top-level call logs which initialiser last changed each parameter (see
:mod:`engine.model.init_info_log`).
"""
from __future__ import annotations

import copy
import logging
from collections import defaultdict
from typing import Iterable, List, Optional, Union

import torch.nn as nn

from engine.errors import EngineError
from engine.model.init_info_log import LOGGER_NAME, dump_init_info
from engine.model.weight_init import initialize, is_pretrained_cfg, update_init_info
from engine.model.weight_init.errors import INIT_CFG_FIX, InitCfgAssertionError
from engine.model.wrappers import is_model_wrapper

logger = logging.getLogger(LOGGER_NAME)

InitCfg = Union[dict, List[dict], None]


class BaseModule(nn.Module):
    """A module with ``init_cfg`` (a dict or a list of dicts) and ``init_weights()``.

    Example: ``init_cfg=[dict(type='Kaiming', layer='Conv2d'), dict(type='Constant',
    layer='_BatchNorm', val=1)]`` fills every ``Conv2d`` with He-normal weights and every batch
    norm with ones; ``dict(type='Pretrained', checkpoint='r50.pth', prefix='backbone.')`` loads
    the ``backbone.*`` weights of a checkpoint into this module.
    """

    def __init__(self, init_cfg: InitCfg = None):
        super().__init__()
        self._is_init = False
        # a copy: configs are often shared between sibling modules
        self.init_cfg = copy.deepcopy(init_cfg)

    @property
    def is_init(self) -> bool:
        return self._is_init

    @is_init.setter
    def is_init(self, value: bool) -> None:
        self._is_init = value

    def init_weights(self) -> None:
        """Initialise this module and its children once (see the module docstring)."""
        top_level = not hasattr(self, '_params_init_info')
        if top_level:
            self._share_init_state()
        try:
            self._init_once()
            if top_level:
                dump_init_info(self, self._params_init_info)
        finally:
            if top_level:
                for m in self.modules():
                    for attr in ('_params_init_info', '_init_cfg_path'):
                        if attr in m.__dict__:
                            delattr(m, attr)

    def _share_init_state(self) -> None:
        table = defaultdict(dict)
        for param in self.parameters():
            table[param]['init_info'] = ('The value is the same before and after calling '
                                         f'`init_weights` of {type(self).__name__} ')
            table[param]['tmp_mean_value'] = param.data.mean().cpu()
        # one table for the whole tree: whichever module changes a parameter records it
        for path, m in self.named_modules():
            m._params_init_info = table
            m._init_cfg_path = path

    def _own_cfgs(self) -> List[dict]:
        cfgs = [self.init_cfg] if isinstance(self.init_cfg, dict) else self.init_cfg
        if not isinstance(cfgs, list) or not all(isinstance(c, dict) for c in cfgs):
            raise InitCfgAssertionError(f'init_cfg must be a dict or a list of dicts, got '
                                        f'{self.init_cfg!r}', key='init_cfg', fix=INIT_CFG_FIX)
        return cfgs

    def _initialize(self, cfgs: List[dict]) -> None:
        try:
            initialize(self, cfgs)
        except EngineError as e:
            err = e if (e.key or '').startswith('init_cfg') else e.with_context(key='init_cfg')
            path = getattr(self, '_init_cfg_path', '')
            raise (err.with_context(key=path) if path else err) from e

    def _init_once(self) -> None:
        name = type(self).__name__
        if self._is_init:
            logger.warning(f'init_weights of {name} has been called more than once.')
            return
        pretrained: List[dict] = []
        if self.init_cfg:
            logger.debug(f'initialize {name} with init_cfg {self.init_cfg}')
            cfgs = self._own_cfgs()
            pretrained = [c for c in cfgs if is_pretrained_cfg(c)]
            self._initialize([c for c in cfgs if not is_pretrained_cfg(c)])
        for child in self.children():
            if is_model_wrapper(child) and not hasattr(child, 'init_weights'):
                child = child.module
            if hasattr(child, 'init_weights') and not getattr(child, 'is_init', False):
                child.init_weights()
                # credits a user-defined init_weights with what it changed
                update_init_info(child, init_info='Initialized by user-defined `init_weights` '
                                                  f'in {type(child).__name__} ')
        if pretrained:
            # last, so the checkpoint's values win over every other initialiser
            self._initialize(pretrained)
        self._is_init = True

    def __repr__(self) -> str:
        text = super().__repr__()
        if self.init_cfg:
            text += f'\ninit_cfg={self.init_cfg}'
        return text


class Sequential(BaseModule, nn.Sequential):
    """``nn.Sequential`` with its own ``init_cfg``."""

    def __init__(self, *args: nn.Module, init_cfg: Optional[dict] = None):
        BaseModule.__init__(self, init_cfg)
        nn.Sequential.__init__(self, *args)


class ModuleList(BaseModule, nn.ModuleList):
    """``nn.ModuleList`` with its own ``init_cfg``."""

    def __init__(self, modules: Optional[Iterable[nn.Module]] = None,
                 init_cfg: Optional[dict] = None):
        BaseModule.__init__(self, init_cfg)
        nn.ModuleList.__init__(self, modules)


class ModuleDict(BaseModule, nn.ModuleDict):
    """``nn.ModuleDict`` with its own ``init_cfg``."""

    def __init__(self, modules: Optional[dict] = None, init_cfg: Optional[dict] = None):
        BaseModule.__init__(self, init_cfg)
        nn.ModuleDict.__init__(self, modules)
