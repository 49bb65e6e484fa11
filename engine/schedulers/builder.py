"""Build ``param_scheduler`` configs the way MMEngine's ``Runner`` does.

* one dict or a list of dicts (or already-built schedulers), in list order;
* ``end`` defaults to the loop's ``max_epochs`` (``by_epoch=True``, the default) or
  ``max_iters`` when the config leaves it out and the loop length is known;
* ``convert_to_iter_based=True`` builds through ``build_iter_from_epoch`` with the train
  dataloader length as ``epoch_length``;
* with several optimizers (a dict-like of wrappers), the result is a dict name -> list; the
  config is either shared by all of them or a dict keyed by optimizer name.
"""
from __future__ import annotations

import copy
import inspect
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Union

from engine.errors import BuildError, EngineError
from engine.schedulers.param_scheduler import ParamScheduler
from engine.registry import PARAM_SCHEDULERS, build_from_cfg

SchedulerList = List[ParamScheduler]


def build_scheduler_from_cfg(cfg: Mapping, optimizer: Any, *,
                             epoch_length: Optional[int] = None) -> ParamScheduler:
    """Build one scheduler from ``cfg`` (``type`` plus arguments) for ``optimizer``."""
    args = dict(cfg)
    convert = args.pop('convert_to_iter_based', False)
    # As in MMEngine, an epoch_length written in the config wins, and is dropped otherwise.
    epoch_length = args.pop('epoch_length', epoch_length)
    if not convert:
        return build_from_cfg(args, PARAM_SCHEDULERS, default_args=dict(optimizer=optimizer))
    name = args.get('type', '?')
    name = getattr(name, '__name__', name)
    if not args.get('by_epoch', True):
        raise BuildError(f'{name} convert_to_iter_based needs an epoch-based scheduler, '
                         'got by_epoch=False',
                         key='convert_to_iter_based',
                         fix='drop convert_to_iter_based or by_epoch=False')
    if epoch_length is None:
        raise BuildError(f'{name} convert_to_iter_based needs the epoch length (the train '
                         'dataloader length), which is not known here', key='convert_to_iter_based',
                         fix='build the schedulers with epoch_length=len(train_dataloader)')
    if 'type' not in args:
        raise BuildError('a param scheduler config needs a "type" key', key='type')
    sched_type = args.pop('type')
    cls = PARAM_SCHEDULERS.get(sched_type) if isinstance(sched_type, str) else sched_type
    if not (inspect.isclass(cls) and issubclass(cls, ParamScheduler)):
        raise BuildError(f'"type" must name a param scheduler, got {sched_type!r}', key='type')
    _check_known_arguments(cls, args)
    try:
        return cls.build_iter_from_epoch(optimizer=optimizer, epoch_length=epoch_length, **args)
    except TypeError as e:
        raise BuildError(f'building param scheduler {cls.__name__} failed: {e}',
                         fix=f'check the arguments given to {cls.__name__}') from e


def _check_known_arguments(cls: type, args: Mapping) -> None:
    accepted = set(inspect.signature(cls.__init__).parameters) - {'self', 'optimizer'}
    unknown = sorted(set(args) - accepted)
    if unknown:
        raise BuildError(f'{cls.__name__} got unexpected argument(s) {", ".join(unknown)}',
                         key=unknown[0],
                         fix=f'{cls.__name__} accepts: {", ".join(sorted(accepted))}')


def _build_list(cfg: Any, optimizer: Any, where: str, epoch_length: Optional[int],
                max_epochs: Optional[int], max_iters: Optional[int]) -> SchedulerList:
    items = list(cfg) if isinstance(cfg, (list, tuple)) else [cfg]
    schedulers: SchedulerList = []
    for i, item in enumerate(items):
        key = f'{where}[{i}]' if isinstance(cfg, (list, tuple)) else where
        if isinstance(item, ParamScheduler):
            schedulers.append(item)
            continue
        if not isinstance(item, Mapping):
            raise BuildError(f'a param scheduler must be a dict or a built scheduler, got '
                             f'{type(item).__name__}', key=key,
                             fix="write it as dict(type='MultiStepLR', ...)")
        item = copy.deepcopy(dict(item))
        default_end = max_epochs if item.get('by_epoch', True) else max_iters
        if default_end is not None:
            item.setdefault('end', default_end)
        try:
            schedulers.append(build_scheduler_from_cfg(item, optimizer,
                                                       epoch_length=epoch_length))
        except EngineError as e:
            raise e.with_context(key=key) from e
    return schedulers


def _is_wrapper_dict(optim_wrapper: Any) -> bool:
    """A dict-like of optimizers (OptimWrapperDict): ``.items()`` whose values have groups."""
    items = getattr(optim_wrapper, 'items', None)
    if not callable(items):
        return False
    values = [v for _, v in items()]
    return bool(values) and all(hasattr(v, 'param_groups') for v in values)


def build_param_schedulers(cfg: Any, optim_wrapper: Any, *, epoch_length: Optional[int] = None,
                           max_epochs: Optional[int] = None, max_iters: Optional[int] = None
                           ) -> Union[SchedulerList, Dict[str, SchedulerList]]:
    """Build the ``param_scheduler`` config ``cfg`` for ``optim_wrapper``.

    Args:
        cfg: a scheduler dict, a list of them (built schedulers pass through), or, with
            several optimizers, a dict keyed by optimizer name.
        optim_wrapper: an optimizer / OptimWrapper, or a dict-like of them.
        epoch_length: iterations per epoch; needed by ``convert_to_iter_based``.
        max_epochs / max_iters: the train loop's length, used as the default ``end``. In an
            epoch loop ``max_iters`` defaults to ``max_epochs * epoch_length``.

    Returns:
        A list of schedulers, or a dict optimizer name -> list for several optimizers.

    Errors name the entry: ``param_scheduler[1].start_factor``.
    """
    if max_iters is None and max_epochs is not None and epoch_length is not None:
        max_iters = max_epochs * epoch_length
    loop = dict(epoch_length=epoch_length, max_epochs=max_epochs, max_iters=max_iters)
    if not _is_wrapper_dict(optim_wrapper):
        if isinstance(cfg, Mapping) and 'type' not in cfg:
            raise BuildError('param_scheduler is keyed by optimizer name '
                             f'({", ".join(map(str, cfg))}) but there is a single optimizer',
                             key='param_scheduler',
                             fix='give a scheduler dict or a list of them')
        return _build_list(cfg, optim_wrapper, 'param_scheduler', **loop)
    result: Dict[str, SchedulerList] = {}
    per_optimizer = isinstance(cfg, Mapping) and 'type' not in cfg
    for name, wrapper in optim_wrapper.items():
        if per_optimizer:
            if name not in cfg:
                raise BuildError(f'param_scheduler has no entry for optimizer {name!r} '
                                 f'(it has {", ".join(map(str, cfg))})',
                                 key=f'param_scheduler.{name}',
                                 fix='add a scheduler list for every optimizer')
            result[name] = _build_list(cfg[name], wrapper, f'param_scheduler.{name}', **loop)
        else:
            result[name] = _build_list(cfg, wrapper, 'param_scheduler', **loop)
    return result
