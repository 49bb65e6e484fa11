"""Schedule-only verification: the legacy lr/momentum (MMCV 1.7.2 maths from compat) beside
the converted config's schedulers run on the engine, iteration by iteration.

The converted side is real: the tree is converted into a temporary folder, the converted
config is loaded from disk with the engine's (MMEngine-compatible) ``Config`` and its
``param_scheduler`` is built by the engine's builder over a dummy optimizer taken from
``optim_wrapper.optimizer``.
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from engine.errors import ConfigError
from migrate.convert.converter import Converter
from migrate.rules._schedule import optimizer_facts
from migrate.schedule_map.measure import rel_dev  # noqa: F401 (used by output too)
from migrate.tables import RUNNER_TO_LOOP

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
                'notes': self.notes}


def legacy_side(legacy: Dict[str, Any], *, epoch_len: int, source: str):
    """The MMCV 1.7.2 per-iteration lr/momentum of a merged legacy view."""
    from compat.schedules import legacy_trajectory, parse_lr_config, parse_momentum_config

    runner_type, max_epochs, max_iters = runner_of(legacy, source)
    opt = optimizer_facts(legacy)
    if opt is None:
        raise ConfigError('several optimizers: schedule-only verify needs one', file=source,
                          key='optimizer', fix='verify one optimizer at a time')
    lr = parse_lr_config(legacy.get('lr_config'), runner_type=runner_type, source=source)
    mom = parse_momentum_config(legacy.get('momentum_config'), runner_type=runner_type,
                                source=source)
    base_m = opt['base_momentum']
    traj = legacy_trajectory(lr, mom, runner_type=runner_type, max_epochs=max_epochs,
                             max_iters=max_iters, epoch_len=epoch_len, base_lrs=[opt['base_lr']],
                             base_momentums=[base_m] if base_m is not None else None)
    return traj


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


def converted_side(path: str, converter: Converter, *, epoch_len: int, workdir: str):
    """Write the converted tree of ``path`` under ``workdir``, load it, run its schedulers."""
    from engine.config import Config
    from engine.fileio import atomic_write_text
    from engine.schedulers.trajectory import scheduler_trajectory

    leaf = converter.convert(path)
    if leaf.error:
        raise ConfigError(f'conversion failed: {leaf.error}', file=path)
    involved = [r for r in converter.results.values() if r.text_out is not None]
    root = os.path.commonpath([os.path.dirname(r.path) for r in involved])
    for result in involved:
        atomic_write_text(os.path.join(workdir, os.path.relpath(result.path, root)),
                          result.text_out)
    converted_path = os.path.join(workdir, os.path.relpath(leaf.path, root))
    cfg = Config.fromfile(converted_path)
    wrapper = cfg.get('optim_wrapper') or {}
    optimizer = wrapper.get('optimizer') if isinstance(wrapper, dict) else None
    if not isinstance(optimizer, dict):
        raise ConfigError('the converted config has no optim_wrapper.optimizer', file=path,
                          key='optim_wrapper', fix='the legacy file needs an optimizer')
    traj = scheduler_trajectory(cfg.get('param_scheduler'), train_cfg=dict(cfg['train_cfg']),
                                epoch_len=epoch_len, optimizer=dict(optimizer))
    return traj, converted_path


def compare_schedules(path: str, *, target: str = 'mmengine', epoch_len: Optional[int] = None,
                      keep_dir: Optional[str] = None) -> ScheduleComparison:
    """Run both sides for ``path`` and compare them at :data:`TOLERANCE`."""
    from migrate.static import load_config_tree

    converter = Converter(target=target, epoch_len=epoch_len)
    tree = load_config_tree(path, converter.loader)
    assumed = epoch_len is None
    length = epoch_len or DEFAULT_EPOCH_LEN
    legacy = legacy_side(tree.merged, epoch_len=length, source=path)
    if keep_dir:
        os.makedirs(keep_dir, exist_ok=True)
        converted, _ = converted_side(path, converter, epoch_len=length, workdir=keep_dir)
    else:
        with tempfile.TemporaryDirectory(prefix='migrate-verify-') as tmp:
            converted, _ = converted_side(path, converter, epoch_len=length, workdir=tmp)
    legacy_s = Side(legacy.lr, legacy.momentum)
    conv_s = Side(converted['lr'], converted.get('momentum'))
    comparison = ScheduleComparison(config=path, target=target, epoch_len=length,
                                    epoch_len_assumed=assumed, epoch=list(legacy.epoch),
                                    iter=list(legacy.iter), legacy=legacy_s, converted=conv_s)
    if assumed and tree.merged.get('runner', {}).get('type', 'EpochBasedRunner') != \
            'IterBasedRunner':
        comparison.notes.append(f'epoch length assumed {length} iterations '
                                '(pass --epoch-len N for your dataloader length)')
    _compare(comparison)
    return comparison


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
