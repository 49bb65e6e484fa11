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

One module per policy family holds the value functions: :mod:`.step` (step, lr and
momentum), :mod:`.decay` (fixed, exp, poly, inv), :mod:`.annealing` (CosineAnnealing,
FlatCosineAnnealing, LinearAnnealing), :mod:`.cosine_restart`, :mod:`.cyclic`,
:mod:`.one_cycle`, :mod:`.warmup` (constant/linear/exp; momentum warmup divides);
:mod:`.regular` picks the policy's function and :mod:`.trajectory` applies MMCV's runner
timeline (by-epoch vs by-iteration, warmup overlay, EpochBasedRunner vs IterBasedRunner).
The formulas themselves are the engine's (:mod:`engine.optim.scheduler.closed_form`, written
in MMCV's floating-point operation order), loaded without importing torch (see ``_shared``).
"""
from compat.schedules.parse import parse_lr_config, parse_momentum_config
from compat.schedules.schedule import LegacySchedule, LrSchedule, MomentumSchedule
from compat.schedules.trajectory import LegacyTrajectory, legacy_trajectory

__all__ = ['LegacySchedule', 'LegacyTrajectory', 'LrSchedule', 'MomentumSchedule',
           'legacy_trajectory', 'parse_lr_config', 'parse_momentum_config']
