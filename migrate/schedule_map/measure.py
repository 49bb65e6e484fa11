"""Measure a conversion: MMCV's per-iteration values (compat's closed forms) against the
converted schedulers replayed on the engine (``scheduler_trajectory``)."""
from __future__ import annotations

from itertools import chain
from typing import List, Optional, Sequence, Tuple

from engine.schedulers.trajectory import momentum_key, scheduler_trajectory
from migrate.schedule_map.context import Context
from migrate.schedule_map.types import ROUNDING, TOLERANCE


def rel_dev(a: float, b: float) -> float:
    """``|a - b| / max(|a|, |b|)`` (0 when both are 0), as ``migrate verify`` counts it.

    >>> rel_dev(1.0, 1.01) < 0.01, rel_dev(0.0, 0.0)
    (True, 0.0)
    """
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def max_rel_dev(expected: Optional[Sequence[Sequence[float]]],
                actual: Optional[Sequence[Sequence[float]]]) -> float:
    """Worst deviation over every iteration and param group (0 if either side is absent)."""
    if not expected or not actual:
        return 0.0
    import numpy as np
    rows = min(len(expected), len(actual))
    columns = min(len(expected[0]), len(actual[0]))
    e = _matrix(expected, rows, columns)
    a = _matrix(actual, rows, columns)
    # the same IEEE operations as rel_dev, element-wise
    scale = np.maximum(np.abs(e), np.abs(a))
    with np.errstate(invalid='ignore', divide='ignore'):
        dev = np.where(scale == 0, 0.0, np.abs(e - a) / scale)
    return float(dev.max()) if dev.size else 0.0


def _matrix(series: Sequence[Sequence[float]], rows: int, columns: int):
    """The first ``rows`` rows and ``columns`` columns as a float array: flat through
    ``chain`` when every row has ``columns`` values (no Python frame per value, unlike
    converting lists of lists), else column by column."""
    import numpy as np
    head = series[:rows]
    if set(map(len, head)) == {columns}:
        flat = np.fromiter(chain.from_iterable(head), np.float64, rows * columns)
        return flat.reshape(rows, columns)
    out = np.empty((rows, columns))
    for c in range(columns):
        out[:, c] = np.fromiter((row[c] for row in head), np.float64, rows)
    return out


def optimizer_config(ctx: Context) -> dict:
    """The dummy optimizer both sides start from."""
    out = dict(type=ctx.optimizer_type, lr=ctx.base_lr)
    key = momentum_key(out)
    if key == 'momentum':
        out['momentum'] = ctx.base_momentum or 0.
    elif key == 'betas':
        out['betas'] = (0.9 if ctx.base_momentum is None else ctx.base_momentum, 0.999)
    return out


def train_cfg_of(ctx: Context) -> dict:
    if ctx.iter_based:
        return dict(type='IterBasedTrainLoop', max_iters=ctx.max_iters)
    return dict(type='EpochBasedTrainLoop', max_epochs=ctx.max_epochs)


def group_count(*policies) -> int:
    """Param groups to measure with: per-group lists (OneCycle ``max_lr``,
    ``base_momentum``, ``max_momentum``) need that many, otherwise one."""
    count = 1
    for policy in policies:
        for value in (getattr(policy, 'params', None) or {}).values():
            if isinstance(value, list) and value and \
                    all(isinstance(v, (int, float)) for v in value):
                count = max(count, len(value)) if policy.policy == 'OneCycle' else count
    return count


def measure(lr_policy, mom_policy, schedulers: List[dict], ctx: Context, epoch_len: int,
            settled_after: Optional[int] = None,
            approximated: Tuple[bool, bool] = (True, True)) -> Tuple[float, float]:
    """``(lr deviation, momentum deviation)`` over the whole run with ``epoch_len``.

    ``settled_after``: the iteration after which only exact forms act (``approximated``: which
    of lr and momentum have approximated entries). From there on the run only adds float
    rounding, which stays far below 1e-9 even over long chained runs. So if both sides agree
    at that iteration and every approximated value already deviates by more than 1e-9 (a
    schedule difference, not rounding), that deviation is the run's maximum and the replay
    stops: a 40-epoch warmup approximation in a 1600-epoch run replays 40 epochs, not 1600.
    Otherwise, rounding-level results included, the whole run is replayed.
    """
    if settled_after is not None:
        total = ctx.max_iters if ctx.iter_based else ctx.max_epochs * epoch_len
        if settled_after + 1 < total:
            legacy, converted = _trajectories(lr_policy, mom_policy, schedulers, ctx, epoch_len,
                                              first=settled_after + 1)
            found = (max_rel_dev(legacy.lr, converted['lr']),
                     max_rel_dev(legacy.momentum, converted['momentum']))
            if _agree_at_end(legacy.lr, converted['lr']) and \
                    _agree_at_end(legacy.momentum, converted['momentum']) and \
                    all(dev > ROUNDING for dev, a in zip(found, approximated) if a):
                return found
    legacy, converted = _trajectories(lr_policy, mom_policy, schedulers, ctx, epoch_len)
    return (max_rel_dev(legacy.lr, converted['lr']),
            max_rel_dev(legacy.momentum, converted['momentum']))


def _agree_at_end(expected, actual) -> bool:
    if not expected or not actual:
        return True
    return max_rel_dev(expected[-1:], actual[-1:]) <= TOLERANCE


def _trajectories(lr_policy, mom_policy, schedulers: List[dict], ctx: Context, epoch_len: int,
                  first: Optional[int] = None):
    from compat.schedules import legacy_trajectory

    optimizer = optimizer_config(ctx)
    groups = group_count(lr_policy, mom_policy)
    key = momentum_key(optimizer)
    base_m = None
    if key == 'momentum':
        base_m = [optimizer['momentum']] * groups
    elif key == 'betas':
        base_m = [optimizer['betas'][0]] * groups
    legacy = legacy_trajectory(
        lr_policy, mom_policy, runner_type=ctx.runner_type,
        max_epochs=None if ctx.iter_based else ctx.max_epochs,
        max_iters=ctx.max_iters if ctx.iter_based else None, epoch_len=epoch_len,
        base_lrs=[ctx.base_lr] * groups, base_momentums=base_m,
        optimizer_type=ctx.optimizer_type, first=first)
    converted = scheduler_trajectory(schedulers, train_cfg=train_cfg_of(ctx),
                                     epoch_len=epoch_len, optimizer=optimizer,
                                     num_groups=groups, first=first)
    return legacy, converted
