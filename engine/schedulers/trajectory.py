"""Replay a ``param_scheduler`` config on a dummy optimizer: the lr and momentum that every
training iteration would run with, without a model, data or torch.

The schedulers are built as the Runner builds them (``end`` defaults to the loop length,
``convert_to_iter_based`` uses the dataloader length) and stepped in ``ParamSchedulerHook``'s
order: by-iteration ones after every iteration, by-epoch ones after every epoch, each time in
list order (the hook itself is not imported: ``engine.hooks`` pulls in torch, and this replay
serves the torch-free converter). The value recorded for iteration ``i`` is the one in the param
groups while ``i`` runs::

    >>> out = scheduler_trajectory([dict(type='MultiStepLR', milestones=[1], gamma=0.5)],
    ...                            train_cfg=dict(by_epoch=True, max_epochs=2), epoch_len=2,
    ...                            optimizer=dict(type='SGD', lr=0.1, momentum=0.9))
    >>> out['epoch'], out['lr']
    ([0, 0, 1, 1], [[0.1], [0.1], [0.05], [0.05]])
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Tuple

from engine.errors import ConfigError
from engine.schedulers.builder import build_param_schedulers

#: Optimizers whose momentum is ``betas[0]`` (MMEngine's momentum mixin and MMCV's momentum
#: hook both look for ``momentum`` first, then ``betas``).
BETAS_OPTIMIZERS = frozenset({'Adam', 'AdamW', 'Adamax', 'NAdam', 'RAdam', 'SparseAdam',
                              'Lamb', 'Lion', 'Adafactor'})
MOMENTUM_OPTIMIZERS = frozenset({'SGD', 'RMSprop', 'LARS'})


def momentum_key(optimizer: Mapping) -> Optional[str]:
    """``'momentum'``, ``'betas'`` or None: where ``optimizer`` (a config dict) keeps its
    momentum.

    >>> momentum_key(dict(type='AdamW', lr=1e-3)), momentum_key(dict(type='SGD', lr=0.1))
    ('betas', 'momentum')
    """
    kind = str(optimizer.get('type', ''))
    if 'momentum' in optimizer or kind in MOMENTUM_OPTIMIZERS:
        return 'momentum'
    if 'betas' in optimizer or kind in BETAS_OPTIMIZERS:
        return 'betas'
    return None


class DummyOptimizer:
    """``param_groups`` (plain dicts) and ``defaults``: all a scheduler touches. Like the
    OptimWrapper the Runner builds, several groups get a last pseudo group holding the
    optimizer defaults (schedulers drive it too; :attr:`groups` are the real ones)."""

    def __init__(self, optimizer: Mapping, num_groups: int = 1):
        spec = {k: v for k, v in optimizer.items() if k not in ('type', 'groups')}
        self.momentum_key = momentum_key(optimizer)
        if self.momentum_key == 'momentum':
            spec.setdefault('momentum', 0.)
        elif self.momentum_key == 'betas':
            spec['betas'] = tuple(spec.get('betas', (0.9, 0.999)))
        self.defaults = dict(spec)
        overrides = optimizer.get('groups') or [{}] * num_groups
        self.groups = []
        for override in overrides:
            group = dict(params=[], **copy.deepcopy(spec))
            group.update(override)
            if 'betas' in group:
                group['betas'] = tuple(group['betas'])
            self.groups.append(group)
        self.param_groups = list(self.groups)
        if len(self.groups) > 1:
            self.param_groups.append(dict(params=[], **copy.deepcopy(self.defaults)))

    def lrs(self) -> List[float]:
        return [float(g['lr']) for g in self.groups]

    def momenta(self) -> Optional[List[float]]:
        if self.momentum_key is None:
            return None
        if self.momentum_key == 'betas':
            return [float(g['betas'][0]) for g in self.groups]
        return [float(g['momentum']) for g in self.groups]


def loop_of(train_cfg: Mapping) -> Tuple[bool, Optional[int], Optional[int]]:
    """``(by_epoch, max_epochs, max_iters)`` from a ``train_cfg`` (``type`` or ``by_epoch``
    form, as the Runner reads it)."""
    kind = train_cfg.get('type')
    if kind is None:
        by_epoch = bool(train_cfg.get('by_epoch', True))
    elif kind in ('EpochBasedTrainLoop', 'IterBasedTrainLoop'):
        by_epoch = kind == 'EpochBasedTrainLoop'
    else:
        raise ConfigError(f'train_cfg.type {kind!r} is not a loop this replay knows',
                          key='train_cfg.type',
                          fix='use EpochBasedTrainLoop or IterBasedTrainLoop')
    key = 'max_epochs' if by_epoch else 'max_iters'
    length = train_cfg.get(key)
    if not isinstance(length, int) or isinstance(length, bool) or length <= 0:
        raise ConfigError(f'train_cfg.{key} must be a positive int, got {length!r}',
                          key=f'train_cfg.{key}')
    return (True, length, None) if by_epoch else (False, None, length)


def scheduler_trajectory(param_scheduler: Any, *, train_cfg: Mapping, epoch_len: int,
                         optimizer: Mapping, num_groups: int = 1,
                         first: Optional[int] = None) -> Dict[str, Any]:
    """Per-iteration lr (and momentum) of ``param_scheduler`` over the run in ``train_cfg``.

    Args:
        param_scheduler: a scheduler dict, a list of them, or None / [] (nothing scheduled).
        train_cfg: ``dict(type='EpochBasedTrainLoop', max_epochs=E)``,
            ``dict(type='IterBasedTrainLoop', max_iters=M)`` or the ``by_epoch`` form.
        epoch_len: iterations per epoch (the dataloader length); in an iteration loop it
            only numbers the data passes in ``epoch``.
        optimizer: the optimizer config (``type``, ``lr``, ``momentum`` or ``betas``...); an
            optional ``groups`` list of per-group overrides replaces ``num_groups``.
        num_groups: identical param groups to schedule.
        first: record only the first ``first`` iterations (the run keeps its length, so the
            schedulers' default ends do not move).

    Returns:
        ``{'epoch': [...], 'iter': [...], 'lr': [[per group] per iteration],
        'momentum': [[...]] or None}`` (None for optimizers without momentum/betas).
    """
    if not isinstance(epoch_len, int) or isinstance(epoch_len, bool) or epoch_len <= 0:
        raise ConfigError(f'epoch_len must be a positive int, got {epoch_len!r}',
                          key='epoch_len', fix='pass the train dataloader length')
    by_epoch, max_epochs, max_iters = loop_of(train_cfg)
    dummy = DummyOptimizer(optimizer, num_groups)
    if param_scheduler is None or param_scheduler == []:
        schedulers: list = []
    else:
        if isinstance(param_scheduler, Mapping) and 'type' not in param_scheduler:
            raise ConfigError('a param_scheduler keyed by optimizer name cannot be replayed on '
                              'one optimizer', key='param_scheduler',
                              fix='replay the list of one optimizer')
        # The Runner's defaults: an iteration loop counts one epoch, an epoch loop
        # max_epochs * epoch_len iterations (filled in by the builder).
        schedulers = build_param_schedulers(
            copy.deepcopy(param_scheduler), dummy, epoch_length=epoch_len,
            max_epochs=max_epochs if by_epoch else 1, max_iters=max_iters)
    # ReduceOnPlateau acts on validation metrics only, which a replay has none of
    stepped = [s for s in schedulers if not s.need_val_args]
    per_iteration = [s for s in stepped if not s.by_epoch]
    per_epoch = [s for s in stepped if s.by_epoch]
    total = max_epochs * epoch_len if by_epoch else max_iters
    stop = total if first is None else min(first, total)
    # runner.epoch stays 0 in MMEngine's iteration loop; we number the data passes, like
    # MMCV's IterBasedRunner, so the two sides line up in `migrate verify`.
    out: Dict[str, Any] = {'epoch': [i // epoch_len for i in range(stop)],
                           'iter': list(range(stop)), 'lr': [],
                           'momentum': [] if dummy.momentum_key else None}
    _replay_values(dummy, per_iteration, per_epoch, stop, epoch_len, by_epoch, out)
    return out


def _replay_values(dummy: DummyOptimizer, per_iteration: list, per_epoch: list, stop: int,
                   epoch_len: int, by_epoch: bool, out: Dict[str, Any]) -> None:
    """The replay on plain lists of floats: each scheduler's chainable rule
    (``_next_values``) is applied to the values the previous ones left, in the hook's order,
    with no param-group writes. Same operations, same numbers as stepping the schedulers;
    several times faster, which long measured runs (30,000 iterations) need."""
    real = len(dummy.groups)
    groups = dummy.param_groups
    current: Dict[str, List[float]] = {}
    for s in per_iteration + per_epoch:
        # momentum schedulers on Adam mirror betas[0] into 'momentum' when they are built
        current.setdefault(s.param_name, [float(g[s.param_name]) for g in groups])
    lr_row = None if 'lr' in current else dummy.lrs()
    momentum_row = None if 'momentum' in current else dummy.momenta()

    def steps(schedulers: list) -> list:
        # (scheduler, param, begin, end, global step before the first replayed step)
        return [(s, s.param_name, s.begin, s.end, s._global_step) for s in schedulers]

    iteration_steps, epoch_steps = steps(per_iteration), steps(per_epoch)
    lr_rows, momentum_rows = out['lr'], out['momentum']
    for index in range(stop):
        # rows are shared, never copied: every step makes a new list (callers only read)
        lr = lr_row or current['lr']
        lr_rows.append(lr if len(lr) == real else lr[:real])
        if momentum_rows is not None:
            momentum = momentum_row or current['momentum']
            momentum_rows.append(momentum if len(momentum) == real else momentum[:real])
        count = index + 1
        for scheduler, name, begin, end, start in iteration_steps:
            if begin <= start + count < end:
                scheduler.last_step += 1
                current[name] = scheduler._next_values(current[name])
        if by_epoch and count % epoch_len == 0:
            epoch = count // epoch_len
            for scheduler, name, begin, end, start in epoch_steps:
                if begin <= start + epoch < end:
                    scheduler.last_step += 1
                    current[name] = scheduler._next_values(current[name])
