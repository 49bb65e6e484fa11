"""Legacy ``lr_config`` / ``momentum_config`` -> ``param_scheduler`` entries, with proof.

``map_schedules(lr_policy, mom_policy, runner_type=..., max_epochs=..., max_iters=...,
target='mmengine', epoch_len=None, base_lr=..., base_momentum=..., optimizer_type='SGD')``
takes what :func:`compat.schedules.parse_lr_config` / ``parse_momentum_config`` return and
gives a :class:`ScheduleMapping`: ``schedulers`` (plain dicts), ``approximations`` (each with
its rule MIG100/MIG101, kind, one-line message, the entry it belongs to and the measured
deviation) and ``notes``.

``--target mmengine`` writes MMEngine 0.10.7 types only, in their exact forms (warmup
``end = W + 1``, poly / linear annealing ``end = max + 1``, momentum step ``gamma=0.5``, cyclic
as cosine segments, ...); where no form is exact it writes the closest one and reports it.
``--target engine`` is exact everywhere, with the engine-only schedulers of
:mod:`engine.schedulers` (WarmupLR, InvLR, ClippedStepLR, CyclicLR, OneCycleMomentum,
Relative*). Every mapping is measured against MMCV's maths (``compat.schedules``) by replaying
the produced list on the engine (``engine.schedulers.scheduler_trajectory``).

Module map: :mod:`.warmup`, :mod:`.step` (step, exp, inv), :mod:`.annealing` (poly, cosine,
flat cosine, restart, linear annealing), :mod:`.cycles` (cyclic, OneCycle), :mod:`.measure`,
:mod:`.validate` (MMEngine's argument rules), :mod:`.mapper`.
"""
from migrate.schedule_map.mapper import map_schedules
from migrate.schedule_map.measure import max_rel_dev, rel_dev
from migrate.schedule_map.types import (ASSUMED_EPOCH_LEN, LR_RULE, MOMENTUM_RULE, TOLERANCE,
                                        Approximation, Note, ScheduleMapping)

__all__ = ['map_schedules', 'ScheduleMapping', 'Approximation', 'Note', 'rel_dev',
           'max_rel_dev', 'LR_RULE', 'MOMENTUM_RULE', 'TOLERANCE', 'ASSUMED_EPOCH_LEN']
