"""``build_dataloader``: a ``train/val/test_dataloader`` config -> ``torch.utils.data.DataLoader``.

Follows MMEngine's ``Runner.build_dataloader`` (same defaults, same seeding), but a wrong config
raises a :class:`ConfigError`/:class:`BuildError` that names the key and the fix.
"""
from __future__ import annotations

import copy
import inspect
from functools import partial
from typing import Any, Callable, Mapping, Optional

from torch.utils.data import DataLoader

from engine.dataset.collate import worker_init_fn as default_worker_init_fn
from engine.dist.utils import get_rank, get_world_size
from engine.errors import BuildError, ConfigError
from engine.registry.registry import Registry
from engine.registry.root import DATA_SAMPLERS, DATASETS, FUNCTIONS
from engine.suggest import close_names

_LOADER_ARGS = frozenset(inspect.signature(DataLoader.__init__).parameters) - {'self'}
# keys consumed here; everything else goes to the DataLoader constructor
_OWN_KEYS = frozenset({'dataset', 'sampler', 'batch_sampler', 'collate_fn', 'worker_init_fn',
                       'num_batch_per_epoch', 'disable_subprocess_warning'})


class _SlicedDataset:
    """The first ``length`` samples of a dataset (``num_batch_per_epoch``, for quick runs)."""

    def __init__(self, dataset: Any, length: int) -> None:
        self._dataset = dataset
        self._length = length

    def __getattr__(self, name: str) -> Any:
        return getattr(self._dataset, name)

    def __getitem__(self, idx: int) -> Any:
        return self._dataset[idx]

    def __len__(self) -> int:
        return self._length


def _build(registry: Registry, cfg: dict, key: str, default_args: Optional[dict] = None) -> Any:
    """``registry.build`` whose errors carry the config key of ``cfg``."""
    try:
        return registry.build(cfg, default_args=default_args)
    except BuildError as e:
        type_ = cfg.get('type')
        if e.key is None and isinstance(type_, str) and type_ not in registry:
            raise e.with_context(key=f'{key}.type') from e
        raise e.with_context(key=key) from e


def _accepts(obj: Any, name: str) -> bool:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        params = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == name or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def _get_function(cfg: Any, key: str, what: str) -> Callable:
    """Resolve ``dict(type=name_or_callable, **kwargs)`` or a callable to a callable."""
    if callable(cfg) and not isinstance(cfg, Mapping):
        return cfg
    if not isinstance(cfg, Mapping) or 'type' not in cfg:
        raise ConfigError(f'{what} must be a callable or dict(type=...), got {cfg!r}', key=key,
                          fix=f"write {key.rsplit('.', 1)[-1]}=dict(type='name_in_FUNCTIONS')")
    args = dict(cfg)
    type_ = args.pop('type')
    if isinstance(type_, str):
        try:
            fn = FUNCTIONS.get(type_)
        except BuildError as e:
            raise e.with_context(key=f'{key}.type') from e
    elif callable(type_):
        fn = type_
    else:
        raise ConfigError(f'{what} type must be a registered name or a callable, got {type_!r}',
                          key=f'{key}.type')
    return partial(fn, **args) if args else fn


def _batch_size(cfg: dict, key: str) -> int:
    if 'batch_size' in cfg:
        return cfg['batch_size']
    bs_cfg = cfg.get('batch_sampler')
    if isinstance(bs_cfg, Mapping) and 'batch_size' in bs_cfg:
        return bs_cfg['batch_size']
    raise ConfigError('the dataloader config has no batch_size', key=f'{key}.batch_size',
                      fix=f'add batch_size=<samples per GPU> to {key}')


def build_dataloader(cfg: Any, *, seed: Optional[int] = None, diff_rank_seed: bool = False,
                     default_scope_registry: Registry = DATASETS,
                     key: str = 'train_dataloader') -> DataLoader:
    """Build a DataLoader from a dataloader config, or return a DataLoader unchanged.

    Args:
        cfg: e.g. ``dict(batch_size=4, num_workers=2, sampler=dict(type='DefaultSampler'),
            dataset=dict(type='ToyDataset'))``; ``dataset`` may also be a built dataset.
        seed: the run's seed; passed to the sampler and used to seed the workers.
        diff_rank_seed: ranks use different seeds; samplers then get ``seed=None`` so that they
            share one synchronised seed and still split the data consistently.
        default_scope_registry: registry that builds ``dataset``.
        key: the config key of ``cfg``, used in error messages (``'val_dataloader'``...).
    """
    if isinstance(cfg, DataLoader):
        return cfg
    if not isinstance(cfg, Mapping):
        raise ConfigError(f'a dataloader config must be a dict, got {type(cfg).__name__}', key=key,
                          fix=f'write {key}=dict(batch_size=..., sampler=..., dataset=...)')
    # copy the nested configs we pop from, but keep built objects (datasets, samplers) as they are
    cfg = {k: copy.deepcopy(v) if isinstance(v, Mapping) else v for k, v in cfg.items()}
    for required, example in (('dataset', "dataset=dict(type='MyDataset', ...)"),
                              ('sampler', "sampler=dict(type='DefaultSampler', shuffle=True)")):
        if required not in cfg:
            raise ConfigError(f"the dataloader config has no '{required}'",
                              key=f'{key}.{required}', fix=f'add {example} to {key}')
    batch_size = _batch_size(cfg, key)
    unknown = sorted(set(cfg) - _LOADER_ARGS - _OWN_KEYS)
    if unknown:
        close = close_names(unknown[0], sorted(_LOADER_ARGS | _OWN_KEYS), n=1)
        raise ConfigError(f"unknown dataloader option '{unknown[0]}'"
                          + (f" (did you mean '{close[0]}'?)" if close else ''),
                          key=f'{key}.{unknown[0]}',
                          fix=f'remove it; accepted: {", ".join(sorted(_LOADER_ARGS | _OWN_KEYS))}')

    dataset = cfg.pop('dataset')
    if isinstance(dataset, Mapping):
        dataset = _build(default_scope_registry, dict(dataset), f'{key}.dataset')
        if hasattr(dataset, 'full_init'):
            dataset.full_init()

    num_batch_per_epoch = cfg.pop('num_batch_per_epoch', None)
    if num_batch_per_epoch is not None:
        wanted = num_batch_per_epoch * batch_size * get_world_size()
        dataset = _SlicedDataset(dataset, min(wanted, len(dataset)))

    sampler = cfg.pop('sampler')
    if isinstance(sampler, Mapping):
        sampler_cfg = dict(sampler)
        defaults = dict(dataset=dataset, seed=None if diff_rank_seed else seed)
        sampler_type = sampler_cfg.get('type')
        if isinstance(sampler_type, str) and sampler_type in DATA_SAMPLERS:
            sampler_type = DATA_SAMPLERS.get(sampler_type)
        if sampler_type is not None and not isinstance(sampler_type, str) \
                and not _accepts(sampler_type, 'seed'):
            defaults.pop('seed')  # custom samplers without a seed argument still build
        sampler = _build(DATA_SAMPLERS, sampler_cfg, f'{key}.sampler', defaults)

    batch_sampler = cfg.pop('batch_sampler', None)
    if isinstance(batch_sampler, Mapping):
        defaults = dict(sampler=sampler)
        if 'batch_size' in cfg:
            defaults['batch_size'] = cfg.pop('batch_size')
        batch_sampler = _build(DATA_SAMPLERS, dict(batch_sampler), f'{key}.batch_sampler',
                               defaults)
    elif batch_sampler is not None:
        cfg.pop('batch_size', None)

    num_workers = cfg.get('num_workers', 0) or 0
    disable_warning = cfg.pop('disable_subprocess_warning', False)
    if 'worker_init_fn' in cfg:
        init_fn = _get_function(cfg.pop('worker_init_fn'), f'{key}.worker_init_fn',
                                'worker_init_fn')
    elif seed is not None:
        init_fn = partial(default_worker_init_fn, num_workers=num_workers, rank=get_rank(),
                          seed=seed, disable_subprocess_warning=bool(disable_warning))
    else:
        init_fn = None

    if num_workers == 0:
        # both options need worker processes and make DataLoader raise without them
        cfg.pop('persistent_workers', None)
        cfg.pop('prefetch_factor', None)

    collate_fn = _get_function(cfg.pop('collate_fn', dict(type='pseudo_collate')),
                               f'{key}.collate_fn', 'collate_fn')
    try:
        return DataLoader(dataset=dataset, sampler=sampler if batch_sampler is None else None,
                          batch_sampler=batch_sampler, collate_fn=collate_fn,
                          worker_init_fn=init_fn, **cfg)
    except (TypeError, ValueError) as e:
        raise ConfigError(f'DataLoader rejected the config: {e}', key=key,
                          fix='check the options of this dataloader against '
                              'torch.utils.data.DataLoader (e.g. shuffle belongs in the sampler)'
                          ) from e
