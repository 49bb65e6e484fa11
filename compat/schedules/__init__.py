"""MMCV 1.7.2 lr and momentum schedules as pure closed-form functions (no torch, no runner).

The compat runtime drives its legacy updater hooks with these; the converter uses them to
prove a conversion exact. Everything is checked against goldens recorded from the real
MMCV 1.7.2 (``fixtures/goldens/legacy_schedules.json``) at a relative error of 1e-12.

Parse a config section, then ask for the per-iteration values::

    from compat.schedules import parse_lr_config, parse_momentum_config, legacy_trajectory
    lr = parse_lr_config(cfg['lr_config'], runner_type='EpochBasedRunner', source=path)
    mom = parse_momentum_config(cfg.get('momentum_config'), runner_type=..., source=path)
    traj = legacy_trajectory(lr, mom, runner_type='EpochBasedRunner', max_epochs=12,
                             max_iters=None, epoch_len=500, base_lrs=[0.02],
                             base_momentums=[0.9])
    traj.lr[i][g], traj.momentum[i][g]     # iteration i, param group g

``parse_*`` return :class:`LrSchedule` / :class:`MomentumSchedule` (``policy``, ``by_epoch``,
``params`` with every MMCV default, ``warmup``, ``warmup_iters``, ``warmup_ratio``,
``warmup_by_epoch``) or None, and raise :class:`engine.errors.ConfigError` naming
``lr_config.<key>``/``momentum_config.<key>``, the file and the fix wherever MMCV would fail.

The formulas are the shared closed forms of :mod:`engine.schedulers.closed_form` (torch-free,
written in MMCV's floating-point operation order), called directly: :mod:`.regular` picks the
policy's function with MMCV's progress (epoch or iteration) and targets, :mod:`.one_cycle`
builds OneCycle's anchors as MMCV does, :mod:`.trajectory` applies MMCV's runner timeline
(by-epoch vs by-iteration, warmup overlay, EpochBasedRunner vs IterBasedRunner);
:mod:`.policies` lists the policies with their defaults and :mod:`.checks` the argument checks
of MMCV's hook constructors.
"""
from compat.schedules.parse import parse_lr_config, parse_momentum_config
from compat.schedules.schedule import LegacySchedule, LrSchedule, MomentumSchedule
from compat.schedules.trajectory import LegacyTrajectory, legacy_trajectory

__all__ = ['LegacySchedule', 'LegacyTrajectory', 'LrSchedule', 'MomentumSchedule',
           'legacy_trajectory', 'parse_lr_config', 'parse_momentum_config']
