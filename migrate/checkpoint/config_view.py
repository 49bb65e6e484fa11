"""What a checkpoint conversion needs from the converted (new-style) config, read once.

The loop kind and length, the optimizer(s) and whether they are AMP wrappers, the
``param_scheduler`` list(s) and the checkpoint hook's bookkeeping settings. Nothing is built
here: :mod:`migrate.checkpoint.schedule_state` builds the schedulers.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from engine.errors import ConfigError
from engine.runtime_keys import ENGINE_REFUSED_KEYS

#: the key under which the single optimizer of a config is stored
SINGLE = ''
_WRAPPER_DICT_KEYS = ('constructor', 'paramwise_cfg')


@dataclass
class ConfigView:
    """The parts of a converted config that a checkpoint conversion reads."""

    path: str
    by_epoch: bool
    max_epochs: Optional[int]
    max_iters: Optional[int]
    #: optimizer name ('' for a single optimizer) -> its ``optimizer`` config dict
    optimizers: Dict[str, dict]
    #: optimizer name -> True when its wrapper is an AmpOptimWrapper
    amp: Dict[str, bool]
    param_scheduler: Any
    checkpoint_hook: dict = field(default_factory=dict)
    text: str = ''

    @property
    def several_optimizers(self) -> bool:
        return SINGLE not in self.optimizers


def _loop(cfg: dict, path: str):
    train_cfg = cfg.get('train_cfg')
    if not isinstance(train_cfg, dict):
        raise ConfigError('the config has no train_cfg: a checkpoint is converted for a '
                          'training config', file=path, key='train_cfg',
                          fix='give the converted config of the run (migrate convert output)')
    kind = train_cfg.get('type')
    if kind is None:
        by_epoch = bool(train_cfg.get('by_epoch', True))
    elif kind in ('EpochBasedTrainLoop', 'IterBasedTrainLoop'):
        by_epoch = kind == 'EpochBasedTrainLoop'
    else:
        raise ConfigError(f'train_cfg.type {kind!r} is not a loop a checkpoint can be '
                          'converted for', file=path, key='train_cfg.type',
                          fix='use EpochBasedTrainLoop or IterBasedTrainLoop')
    length_key = 'max_epochs' if by_epoch else 'max_iters'
    length = train_cfg.get(length_key)
    if not isinstance(length, int) or isinstance(length, bool) or length <= 0:
        raise ConfigError(f'train_cfg.{length_key} must be a positive int, got {length!r}',
                          file=path, key=f'train_cfg.{length_key}')
    return by_epoch, (length if by_epoch else None), (None if by_epoch else length)


def _optimizers(cfg: dict, path: str):
    wrapper = cfg.get('optim_wrapper')
    if not isinstance(wrapper, dict):
        raise ConfigError('the config has no optim_wrapper', file=path, key='optim_wrapper',
                          fix='give the converted config of the run (migrate convert output)')
    if 'optimizer' in wrapper:
        parts = {SINGLE: wrapper}
    else:
        parts = {name: sub for name, sub in wrapper.items() if name not in _WRAPPER_DICT_KEYS}
    optimizers, amp = {}, {}
    for name, part in parts.items():
        key = 'optim_wrapper' + (f'.{name}' if name else '')
        optimizer = part.get('optimizer') if isinstance(part, dict) else None
        if not isinstance(optimizer, dict) or not isinstance(optimizer.get('type'), str):
            raise ConfigError('no optimizer dict with a type', file=path,
                              key=f'{key}.optimizer',
                              fix="write optimizer=dict(type='SGD', lr=...)")
        optimizers[name] = copy.deepcopy(optimizer)
        amp[name] = part.get('type') == 'AmpOptimWrapper'
    return optimizers, amp


def read_config(path: str, cfg_options: Optional[dict] = None) -> ConfigView:
    """Load ``path`` (its ``custom_imports`` too: custom optimizers and schedulers must be
    registered; ``cfg_options`` merged as ``--cfg-options`` does) and take what a conversion
    needs; a legacy config is refused."""
    from engine.config import Config

    cfg_obj = Config.fromfile(path, cfg_options=cfg_options or None)
    cfg = cfg_obj.to_dict()
    legacy = [k for k in ENGINE_REFUSED_KEYS if k in cfg]
    if legacy or ('optimizer' in cfg and 'optim_wrapper' not in cfg):
        raise ConfigError(f'this is an MMCV 1.x config ({(legacy or ["optimizer"])[0]}): '
                          'the checkpoint is converted for the converted config it will '
                          'resume with', file=path, key=(legacy or ['optimizer'])[0],
                          fix=f'run `migrate convert {path} -o converted.py` and pass '
                              '--config converted.py')
    by_epoch, max_epochs, max_iters = _loop(cfg, path)
    optimizers, amp = _optimizers(cfg, path)
    hooks = cfg.get('default_hooks') or {}
    checkpoint_hook = dict(hooks.get('checkpoint') or {}) if isinstance(hooks, dict) else {}
    return ConfigView(path=path, by_epoch=by_epoch, max_epochs=max_epochs, max_iters=max_iters,
                      optimizers=optimizers, amp=amp,
                      param_scheduler=copy.deepcopy(cfg.get('param_scheduler')),
                      checkpoint_hook=checkpoint_hook, text=cfg_obj.pretty_text)
