"""The schedule position of a converted run: scheduler states and param-group values after
``iter`` iterations and ``epoch`` epochs, as the engine itself would hold them.

MMCV keeps no scheduler state: its lr hooks recompute each value from the base lr and the
runner's counters, *before* each iteration. The engine's schedulers are stateful and chained,
and step *after* the work they schedule. So a legacy checkpoint's param groups hold the lr of
the last iteration trained, while an engine checkpoint's hold the lr of the next one, and its
``param_schedulers`` hold their step counters and last values.

Both come from one replay: the converted config's schedulers are built (by the engine's own
builder) on an optimizer with the checkpoint's param groups at their base values, and stepped
in ``ParamSchedulerHook``'s order -- by-iteration ones after every iteration, by-epoch ones
after every epoch -- up to the checkpoint's position. The same code and the same order as a
run that had trained on the engine from the start, so the values are the ones that run would
have (bitwise). The lr the replay gives for the last trained iteration is compared with the
one MMCV stored, which catches a schedule that was not converted exactly.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import torch

from engine.errors import CheckpointError, EngineError
from migrate.checkpoint.config_view import SINGLE, ConfigView

#: relative difference above which the replayed lr of the last iteration is reported
LR_TOLERANCE = 1e-9


@dataclass
class Position:
    """Where the run stands: completed epochs and iterations (the engine's meta meaning)."""

    by_epoch: bool
    epoch: int
    iter: int
    epoch_len: Optional[int]


@dataclass
class ReplayedSchedule:
    """Per optimizer name: param groups (no ``params``) and ``base_param_settings`` after the
    replay; the scheduler states (a list, or a dict of lists for several optimizers); the lr
    and momentum each group ran its last iteration with."""

    groups: Dict[str, List[dict]]
    base_param_settings: Dict[str, Optional[dict]]
    scheduler_states: Any
    last_values: Dict[str, List[Dict[str, float]]] = field(default_factory=dict)


def _start_group(group: dict) -> dict:
    """A checkpoint param group put back at its base values (MMCV's lr hook stored them as
    ``initial_lr``/``initial_momentum``), as a fresh run's optimizer has them."""
    start = {k: copy.deepcopy(v) for k, v in group.items()
             if k != 'params' and not k.startswith('initial_')}
    if 'initial_lr' in group:
        start['lr'] = group['initial_lr']
    if 'initial_momentum' in group:
        if 'momentum' in group:
            start['momentum'] = group['initial_momentum']
        elif 'betas' in group:
            start['betas'] = (group['initial_momentum'], *tuple(group['betas'])[1:])
    return start


def _build_wrapper(name: str, optimizer_cfg: dict, groups: List[dict], view: ConfigView):
    from engine.optim import OptimWrapper
    from engine.registry import OPTIMIZERS

    key = 'optim_wrapper' + (f'.{name}' if name else '') + '.optimizer'
    params = [dict(params=[torch.zeros(1, requires_grad=True)], **_start_group(g))
              for g in groups]
    kwargs = {k: v for k, v in optimizer_cfg.items() if k != 'type'}
    try:
        optimizer = OPTIMIZERS.build(dict(type=optimizer_cfg['type'], params=params, **kwargs))
    except EngineError as e:
        raise e.with_context(file=view.path, key=key) from None
    except (TypeError, ValueError, KeyError) as e:
        raise CheckpointError(f'the checkpoint\'s param groups do not fit this optimizer: '
                              f'{e}', file=view.path, key=key,
                              fix='convert with the config the checkpoint belongs to') from None
    return OptimWrapper(optimizer)


def _scheduler_lists(schedulers) -> List[list]:
    if isinstance(schedulers, dict):
        return list(schedulers.values())
    return [schedulers]


def _step(lists: List[list], by_epoch: bool) -> None:
    for schedulers in lists:
        for scheduler in schedulers:
            if bool(scheduler.by_epoch) == by_epoch:
                scheduler.step()


def _values(wrappers: Dict[str, Any]) -> Dict[str, List[Dict[str, float]]]:
    out = {}
    for name, wrapper in wrappers.items():
        rows = []
        for group in wrapper.optimizer.param_groups:
            row = {'lr': float(group['lr'])}
            if 'momentum' in group:
                row['momentum'] = float(group['momentum'])
            elif 'betas' in group:
                row['momentum'] = float(group['betas'][0])
            rows.append(row)
        out[name] = rows
    return out


def _drive(lists: List[list], position: Position, wrappers) -> Dict[str, list]:
    """Step like ``ParamSchedulerHook`` through ``position``; returns the values the last
    trained iteration ran with."""
    last = _values(wrappers)
    epoch_len = position.epoch_len
    epochs_stepped = 0
    for done in range(1, position.iter + 1):
        if done == position.iter:
            last = _values(wrappers)
        _step(lists, by_epoch=False)
        if position.by_epoch and epoch_len and done % epoch_len == 0 and \
                epochs_stepped < position.epoch:
            _step(lists, by_epoch=True)
            epochs_stepped += 1
    if position.by_epoch:
        # a legacy checkpoint saved mid-epoch counts that epoch as done (MMCV's resume starts
        # the next one): its by-epoch steps follow the iterations
        for _ in range(position.epoch - epochs_stepped):
            _step(lists, by_epoch=True)
    return last


def replay_schedule(view: ConfigView, groups: Dict[str, List[dict]],
                    position: Position) -> ReplayedSchedule:
    """Replay ``view.param_scheduler`` on ``groups`` (optimizer name -> the checkpoint's param
    groups) up to ``position``."""
    from engine.optim import OptimWrapperDict
    from engine.schedulers import build_param_schedulers

    wrappers = {name: _build_wrapper(name, view.optimizers[name], groups[name], view)
                for name in view.optimizers}
    schedulers: Any = []
    if view.param_scheduler:
        if position.by_epoch and position.epoch_len is None:
            raise CheckpointError(
                'the iterations per epoch are needed to replay the schedule and cannot be '
                'told from the checkpoint (meta.iter is not a multiple of meta.epoch)',
                file=view.path, key='param_scheduler',
                fix='pass --epoch-len N (len(train_dataloader) of the run)')
        target = wrappers[SINGLE] if SINGLE in wrappers else OptimWrapperDict(**wrappers)
        try:
            schedulers = build_param_schedulers(
                copy.deepcopy(view.param_scheduler), target, epoch_length=position.epoch_len,
                max_epochs=view.max_epochs if view.by_epoch else 1,
                max_iters=view.max_iters)
        except EngineError as e:
            raise e.with_context(file=view.path, key='param_scheduler') from None
    last = _drive(_scheduler_lists(schedulers), position, wrappers) if schedulers else \
        _values(wrappers)
    states: Any
    if isinstance(schedulers, dict):
        states = {k: [s.state_dict() for s in v] for k, v in schedulers.items()}
    else:
        states = [s.state_dict() for s in schedulers]
    return ReplayedSchedule(
        groups={name: [{k: v for k, v in g.items() if k != 'params'}
                       for g in w.optimizer.param_groups] for name, w in wrappers.items()},
        base_param_settings={name: copy.deepcopy(w.base_param_settings)
                             for name, w in wrappers.items()},
        scheduler_states=states, last_values=last)


def schedule_mismatches(replayed: ReplayedSchedule, groups: Dict[str, List[dict]]
                        ) -> List[Tuple[str, int, str, float, float]]:
    """``(optimizer, group, quantity, legacy, replayed)`` where the lr/momentum MMCV ran the
    last iteration with differs from the converted schedule's."""
    out = []
    for name, rows in replayed.last_values.items():
        for index, (row, group) in enumerate(zip(rows, groups[name])):
            legacy = {'lr': group.get('lr'),
                      'momentum': group.get('momentum', (group.get('betas') or (None,))[0])}
            for quantity, value in row.items():
                old = legacy.get(quantity)
                if old is None:
                    continue
                if not math.isclose(float(old), value, rel_tol=LR_TOLERANCE, abs_tol=0.0):
                    out.append((name, index, quantity, float(old), value))
    return out
