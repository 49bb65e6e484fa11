"""Schedule-only verification: the legacy lr/momentum (MMCV 1.7.2 maths from compat) beside
the converted config's schedulers run on the engine, iteration by iteration.

Neither file is executed. The legacy tree is read by the static evaluator; the converted
tree is written to a folder (temporary, or ``--keep``), read back the same way and merged as
MMEngine merges it (:mod:`.converted_view`); its ``param_scheduler`` is replayed by the
engine's schedulers over a dummy optimizer taken from ``optim_wrapper.optimizer``. A schedule
input the evaluator cannot compute is refused by key (:mod:`.computable`).
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from engine.errors import ConfigError
from migrate.convert.converter import Converter
from migrate.rules._schedule import optimizer_facts
from migrate.schedule_map.measure import rel_dev  # noqa: F401 (used by output too)
from migrate.tables import RUNNER_TO_LOOP
from migrate.verify.approximations import Approximation, reported_approximations
from migrate.verify.computable import require_computable
from migrate.verify.converted_view import load_converted_view
from migrate.verify.new_style import refuse_new_style
from migrate.verify.param_groups import LrGroup, custom_constructor, lr_groups, lr_mult_paths

#: Relative error under which two values count as the same (the equivalence contract).
TOLERANCE = 1e-12
#: Used for epoch-based runs when the user does not say how long an epoch is.
DEFAULT_EPOCH_LEN = 100


@dataclass
class Side:
    lr: List[List[float]]
    momentum: Optional[List[List[float]]]


@dataclass
class ScheduleComparison:
    config: str
    target: str
    epoch_len: int
    epoch_len_assumed: bool
    epoch: List[int]
    iter: List[int]
    legacy: Side
    converted: Side
    first_divergence: Optional[int] = None
    max_deviation: float = 0.0
    max_deviation_at: Optional[int] = None
    notes: List[str] = field(default_factory=list)
    #: the replayed param groups (the table shows the first); one unless paramwise lr_mult
    groups: List[LrGroup] = field(default_factory=lambda: [LrGroup('optimizer.lr', 1.0)])
    base_lr: Optional[float] = None
    approximations: List[Approximation] = field(default_factory=list)
    #: on a difference under --target mmengine: whether --target engine gives SAME
    engine_target_exact: Optional[bool] = None

    @property
    def equal(self) -> bool:
        return self.first_divergence is None

    def as_json(self) -> Dict[str, Any]:
        def side(s: Side) -> Dict[str, Any]:
            out = {'lr': [row[0] for row in s.lr],
                   'momentum': [row[0] for row in s.momentum] if s.momentum else None}
            if s.lr and len(s.lr[0]) > 1:
                out['lr_groups'] = s.lr
            return out
        return {'config': self.config, 'target': self.target, 'epoch_len': self.epoch_len,
                'epoch_len_assumed': self.epoch_len_assumed, 'epoch': self.epoch,
                'iter': self.iter, 'legacy': side(self.legacy),
                'converted': side(self.converted), 'equal': self.equal,
                'first_divergence': self.first_divergence,
                'max_rel_deviation': self.max_deviation,
                'max_rel_deviation_at': self.max_deviation_at, 'tolerance': TOLERANCE,
                'notes': self.notes,
                'param_groups': [{'label': g.label, 'lr_mult': g.lr_mult} for g in self.groups],
                'approximations': [a.as_dict() for a in self.approximations],
                'engine_target_exact': self.engine_target_exact}


def _optimizer_inputs(prefix: tuple, optimizer: Any) -> List[tuple]:
    """Key paths of what the replay reads from an optimizer dict at ``prefix``."""
    paramwise = optimizer.get('paramwise_cfg') if isinstance(optimizer, dict) else None
    return ([prefix + (k,) for k in ('type', 'lr', 'momentum', 'betas')] +
            (lr_mult_paths(paramwise, prefix + ('paramwise_cfg',)) if paramwise is not None
             else []))


def legacy_inputs(legacy: Dict[str, Any]) -> List[tuple]:
    """Key paths of the legacy view the MMCV replay reads."""
    return (_optimizer_inputs(('optimizer',), legacy.get('optimizer')) +
            [('lr_config',), ('momentum_config',), ('runner',), ('total_epochs',)])


def converted_inputs(view: Dict[str, Any]) -> List[tuple]:
    """Key paths of the converted view the engine replay reads."""
    wrapper = view.get('optim_wrapper')
    optimizer = wrapper.get('optimizer') if isinstance(wrapper, dict) else None
    paramwise = wrapper.get('paramwise_cfg') if isinstance(wrapper, dict) else None
    return (_optimizer_inputs(('optim_wrapper', 'optimizer'), optimizer) +
            (lr_mult_paths(paramwise, ('optim_wrapper', 'paramwise_cfg'))
             if paramwise is not None else []) +
            [('param_scheduler',)] +
            [('train_cfg', k) for k in ('type', 'by_epoch', 'max_epochs', 'max_iters')])


def legacy_side(legacy: Dict[str, Any], *, epoch_len: int, source: str,
                groups: Sequence[LrGroup] = (LrGroup('optimizer.lr', 1.0),)):
    """The MMCV 1.7.2 per-iteration lr/momentum of a merged legacy view, one column per
    group (lr = optimizer.lr * lr_mult, as MMCV's optimizer constructor sets it)."""
    from compat.schedules import legacy_trajectory, parse_lr_config, parse_momentum_config

    runner_type, max_epochs, max_iters = runner_of(legacy, source)
    opt = optimizer_facts(legacy)
    if opt is None:
        raise ConfigError('several optimizers: schedule-only verify needs one', file=source,
                          key='optimizer', fix='verify one optimizer at a time')
    lr = parse_lr_config(legacy.get('lr_config'), runner_type=runner_type, source=source)
    mom = parse_momentum_config(legacy.get('momentum_config'), runner_type=runner_type,
                                source=source)
    optimizer = legacy.get('optimizer')
    written_lr = optimizer.get('lr') if isinstance(optimizer, dict) else None
    if written_lr is not None and (not isinstance(written_lr, (int, float))
                                   or isinstance(written_lr, bool)):
        raise ConfigError(f'optimizer.lr is {written_lr!r}, not a number', file=source,
                          key='optimizer.lr', fix='write the lr as a number')
    base_m = opt['base_momentum']
    base_lrs = [_group_lr(opt['base_lr'], g) for g in groups]
    traj = legacy_trajectory(lr, mom, runner_type=runner_type, max_epochs=max_epochs,
                             max_iters=max_iters, epoch_len=epoch_len, base_lrs=base_lrs,
                             base_momentums=[base_m] * len(groups) if base_m is not None
                             else None)
    return traj


def _group_lr(base_lr: float, group: LrGroup) -> float:
    # the group at optimizer.lr keeps the number as written (an int lr stays an int)
    return base_lr if group.lr_mult == 1.0 else base_lr * group.lr_mult


def runner_of(legacy: Dict[str, Any], source: str):
    runner = legacy.get('runner')
    if runner is None and legacy.get('total_epochs') is not None:
        runner = dict(type='EpochBasedRunner', max_epochs=legacy['total_epochs'])
    if not isinstance(runner, dict):
        raise ConfigError('no runner (or total_epochs): the run length is unknown', file=source,
                          key='runner', fix='verify a complete training config (a leaf)')
    rtype = runner.get('type', 'EpochBasedRunner')
    if rtype not in RUNNER_TO_LOOP:
        raise ConfigError(f'unknown runner type {rtype!r}', file=source, key='runner.type',
                          fix='use EpochBasedRunner or IterBasedRunner')
    return rtype, runner.get('max_epochs'), runner.get('max_iters')


def write_converted_tree(path: str, converter: Converter, workdir: str) -> str:
    """Convert ``path`` (and its bases) and write the converted files under ``workdir``, with
    their relative layout; returns the converted leaf's path there."""
    from engine.fileio import atomic_write_text

    leaf = converter.convert(path)
    if leaf.error:
        raise ConfigError(f'conversion failed: {leaf.error}', file=path)
    involved = [r for r in converter.results.values() if r.text_out is not None]
    root = os.path.commonpath([os.path.dirname(r.path) for r in involved])
    for result in involved:
        atomic_write_text(os.path.join(workdir, os.path.relpath(result.path, root)),
                          result.text_out)
    return os.path.join(workdir, os.path.relpath(leaf.path, root))


def converted_side(path: str, converter: Converter, *, epoch_len: int, workdir: str):
    """Write the converted tree of ``path`` under ``workdir``, read it back statically, replay
    its schedulers. Returns (trajectory, lr groups, optimizer lr, converted leaf path)."""
    from engine.schedulers.trajectory import scheduler_trajectory

    converted_path = write_converted_tree(path, converter, workdir)
    view = load_converted_view(converted_path)
    # errors name the legacy file: the converted one is gone after a temporary run
    require_computable(view, converted_inputs(view), file=path, side='converted')
    wrapper = view.get('optim_wrapper') or {}
    optimizer = wrapper.get('optimizer') if isinstance(wrapper, dict) else None
    if not isinstance(optimizer, dict):
        raise ConfigError('the converted config has no optim_wrapper.optimizer', file=path,
                          key='optim_wrapper', fix='the legacy file needs an optimizer')
    train_cfg = view.get('train_cfg')
    if not isinstance(train_cfg, dict):
        raise ConfigError('the converted config has no train_cfg', file=path, key='train_cfg',
                          fix='verify a complete training config (a leaf)')
    lr = optimizer.get('lr')
    if not isinstance(lr, (int, float)) or isinstance(lr, bool):
        raise ConfigError(f'the converted optimizer lr is {lr!r}, not a number', file=path,
                          key='optim_wrapper.optimizer.lr',
                          fix='give the legacy optimizer a numeric lr')
    groups = lr_groups(wrapper.get('paramwise_cfg'), key='optim_wrapper.paramwise_cfg',
                       file=path)
    replayed = dict(optimizer)
    if len(groups) > 1:
        replayed['groups'] = [{'lr': _group_lr(lr, g)} for g in groups]
    traj = scheduler_trajectory(view.get('param_scheduler'), train_cfg=dict(train_cfg),
                                epoch_len=epoch_len, optimizer=replayed)
    return traj, groups, converted_path


def compare_schedules(path: str, *, target: str = 'mmengine', epoch_len: Optional[int] = None,
                      keep_dir: Optional[str] = None,
                      try_engine_target: bool = True) -> ScheduleComparison:
    """Run both sides for ``path`` and compare them at :data:`TOLERANCE`.

    On a difference under ``target='mmengine'`` with ``try_engine_target``, the comparison is
    run again for ``--target engine`` to say whether that target is exact here.
    """
    from migrate.static import load_config_tree

    converter = Converter(target=target, epoch_len=epoch_len)
    tree = load_config_tree(path, converter.loader)
    merged = tree.merged
    refuse_new_style(merged, file=path)
    require_computable(merged, legacy_inputs(merged), file=path, side='legacy')
    assumed = epoch_len is None
    length = epoch_len or DEFAULT_EPOCH_LEN
    optimizer = merged.get('optimizer')
    legacy_groups = lr_groups(optimizer.get('paramwise_cfg')
                              if isinstance(optimizer, dict) else None,
                              key='optimizer.paramwise_cfg', file=path)
    legacy = legacy_side(merged, epoch_len=length, source=path, groups=legacy_groups)
    if keep_dir:
        os.makedirs(keep_dir, exist_ok=True)
        converted, groups, _ = converted_side(path, converter, epoch_len=length,
                                              workdir=keep_dir)
    else:
        with tempfile.TemporaryDirectory(prefix='migrate-verify-') as tmp:
            converted, groups, _ = converted_side(path, converter, epoch_len=length,
                                                  workdir=tmp)
    comparison = ScheduleComparison(
        config=path, target=target, epoch_len=length, epoch_len_assumed=assumed,
        epoch=list(legacy.epoch), iter=list(legacy.iter), legacy=Side(legacy.lr, legacy.momentum),
        converted=Side(converted['lr'], converted.get('momentum')), groups=legacy_groups,
        base_lr=optimizer_facts(merged)['base_lr'],
        approximations=reported_approximations(converter.results,
                                              [f.path for f in tree.files()]))
    if assumed and (merged.get('runner') or {}).get('type') != 'IterBasedRunner':
        comparison.notes.append(f'epoch length assumed {length} iterations '
                                '(pass --epoch-len N for your dataloader length)')
    constructor = custom_constructor(optimizer)
    if constructor:
        comparison.notes.append(f'optimizer.constructor {constructor!r} builds its own param '
                                'groups: only the lr multipliers of paramwise_cfg are replayed')
    if isinstance(optimizer, dict) and 'paramwise_options' in optimizer:
        # MMDet 1.x / MMSelfSup 0.x constructors read it (mmselfsup/core/optimizer/
        # constructor.py DefaultOptimizerConstructor: regex -> lr_mult), MMCV 1.7.2 does not
        comparison.notes.append('optimizer.paramwise_options belongs to a downstream optimizer '
                                'constructor: only the group at optimizer.lr is compared')
    else:
        _compare_groups(comparison, legacy_groups, groups)
    _compare(comparison)
    if not comparison.equal and target == 'mmengine' and try_engine_target:
        engine = compare_schedules(path, target='engine', epoch_len=epoch_len,
                                   try_engine_target=False)
        comparison.engine_target_exact = engine.equal
    return comparison


def _compare_groups(c: ScheduleComparison, legacy: List[LrGroup],
                    converted: List[LrGroup]) -> None:
    mults = [g.lr_mult for g in legacy], [g.lr_mult for g in converted]
    if mults[0] != mults[1]:
        c.notes.append(f'param groups differ: legacy lr multipliers {mults[0]}, converted '
                       f'{mults[1]}')
        c.first_divergence = 0
        c.max_deviation = math.inf


def _compare(c: ScheduleComparison) -> None:
    if len(c.legacy.lr) != len(c.converted.lr):
        c.notes.append(f'run lengths differ: legacy {len(c.legacy.lr)} iterations, converted '
                       f'{len(c.converted.lr)}')
        c.first_divergence = min(len(c.legacy.lr), len(c.converted.lr))
        c.max_deviation = math.inf
    pairs = [(c.legacy.lr, c.converted.lr)]
    if c.legacy.momentum is not None or c.converted.momentum is not None:
        if c.legacy.momentum is None or c.converted.momentum is None:
            c.notes.append('only one side schedules momentum')
        else:
            pairs.append((c.legacy.momentum, c.converted.momentum))
    for left, right in pairs:
        for i, (a_row, b_row) in enumerate(zip(left, right)):
            dev = max((rel_dev(a, b) for a, b in zip(a_row, b_row)), default=0.0)
            if dev > c.max_deviation:
                c.max_deviation, c.max_deviation_at = dev, i
            if dev > TOLERANCE and (c.first_divergence is None or i < c.first_divergence):
                c.first_divergence = i
