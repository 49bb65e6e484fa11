"""``warmup`` of ``lr_config`` / ``momentum_config`` -> warmup schedulers, placed first.

MMCV's warmup multiplies the lr (divides the momentum) by a factor over the first W
iterations, *over* the main policy. MMEngine's exact forms are ``LinearLR`` / ``ConstantLR``
with ``end = W + 1`` (``end = W`` reaches the full lr one iteration early). An exp warmup is a
kept ConstantLR start factor followed by ``ExponentialLR(gamma=ratio ** (-1 / W))`` back up to
1 (equal up to float rounding). ``warmup_by_epoch`` needs the dataloader length for linear and
exp warmups; a constant one is exact without it (a MultiStepLR at epoch W undoes the factor).
"""
from __future__ import annotations

from migrate.schedule_map.context import Context, Frame, entry, fmt
from migrate.schedule_map.types import LR_RULE, Note, Part, Pending

ITER = Frame(False, False, None)
EPOCH = Frame(True, False, None)
CONVERTED = Frame(True, True, None)


def map_lr_warmup(policy, ctx: Context) -> Part:
    """The lr warmup entries of ``policy`` (empty without warmup)."""
    if policy.warmup is None:
        return Part()
    kind, ratio, iters = policy.warmup, policy.warmup_ratio, policy.warmup_iters
    if not policy.warmup_by_epoch:
        return _iteration_warmup(kind, ratio, iters, ctx)
    if ctx.engine:
        # warmup_iters is an epoch unit of WarmupLR: exact for any dataloader length.
        return Part([entry('WarmupLR', dict(warmup=kind, warmup_ratio=ratio,
                                            warmup_iters=iters), CONVERTED, end=iters + 1)])
    if ctx.epoch_len is not None:
        return _iteration_warmup(kind, ratio, iters * ctx.epoch_len, ctx)
    return _epoch_warmup_unknown_length(kind, ratio, iters, ctx)


def mmcv_start_factor(ratio: float) -> float:
    """The factor MMCV's linear warmup really starts at: ``1 - (1 - ratio)`` in floats,
    which differs from ``ratio`` by cancellation for tiny ratios (1e-6 -> 1.0000000000287557e-06,
    2.9e-11 relative), so the exact form writes it.

    >>> mmcv_start_factor(0.25), mmcv_start_factor(1e-6)
    (0.25, 1.0000000000287557e-06)
    """
    return 1 - (1 - ratio)   # MMCV: k = (1 - 0 / W) * (1 - ratio); factor = 1 - k


def _linear_start(ratio: float, part: Part) -> float:
    start = mmcv_start_factor(ratio)
    if abs(start - ratio) <= 1e-13 * ratio:
        return ratio
    part.notes.append(Note(LR_RULE, 'warmup-start-factor',
                           f'start_factor {start!r} is what MMCV computes for warmup_ratio='
                           f'{ratio!r} (1 - (1 - ratio) in floating point)', len(part.entries)))
    return start


def _iteration_warmup(kind: str, ratio: float, iters: int, ctx: Context) -> Part:
    if kind == 'linear':
        part = Part()
        part.add(entry('LinearLR', dict(start_factor=_linear_start(ratio, part)), ITER,
                       end=iters + 1))
        return part
    if kind == 'constant':
        return Part([entry('ConstantLR', dict(factor=ratio), ITER, end=iters + 1)])
    if ctx.engine:
        return Part([entry('WarmupLR', dict(warmup='exp', warmup_ratio=ratio,
                                            warmup_iters=iters), ITER, end=iters + 1)])
    gamma = ratio ** (-1 / iters)
    part = Part([entry('ConstantLR', dict(factor=ratio), ITER, end=1),
                 entry('ExponentialLR', dict(gamma=gamma), ITER, end=iters + 1)])
    part.notes.append(Note(LR_RULE, 'exp-warmup-form',
                           f"exp warmup: ConstantLR(end=1) keeps the start factor {fmt(ratio)}, "
                           f"ExponentialLR(gamma=ratio**(-1/{iters})) grows it back to 1 at "
                           f"iteration {iters}, the geometric ramp of MMCV's exp warmup", 0))
    part.pending.append(Pending('exp-warmup', 'exp warmup rebuilt from ConstantLR and '
                                'ExponentialLR: equal to MMCV up to float rounding', 1,
                                rounding_only=True))
    return part


def _epoch_warmup_unknown_length(kind: str, ratio: float, epochs: int, ctx: Context) -> Part:
    if kind == 'constant':
        part = Part([entry('ConstantLR', dict(factor=ratio), ITER, end=1),
                     entry('MultiStepLR', dict(milestones=[epochs], gamma=1 / ratio), EPOCH,
                           end=ctx.max_epochs)])
        part.notes.append(Note(LR_RULE, 'warmup-by-epoch-form',
                               f'constant warmup of {epochs} epoch(s): ConstantLR(end=1) keeps '
                               f'the factor {fmt(ratio)} from iteration 0 and MultiStepLR '
                               f'undoes it at epoch {epochs}; exact for any dataloader length',
                               0))
        return part
    fix = 'pass --epoch-len N (iterations per epoch) for the exact form'
    if kind == 'linear':
        part = Part()
        part.add(entry('LinearLR', dict(start_factor=_linear_start(ratio, part)), CONVERTED,
                       end=epochs))
        part.pending.append(Pending(
            'warmup-by-epoch-needs-epoch-len',
            f'linear warmup of {epochs} epoch(s): MMCV reaches the full lr at iteration '
            f'{epochs}*len(loader), this form one iteration earlier; {fix}', 0, True))
        return part
    part = Part([entry('ConstantLR', dict(factor=ratio), ITER, end=1),
                 entry('ExponentialLR', dict(gamma=ratio ** (-1 / epochs)), EPOCH,
                       end=epochs + 1)])
    part.pending.append(Pending(
        'warmup-by-epoch-needs-epoch-len',
        f'exp warmup of {epochs} epoch(s) written as a per-epoch staircase (the per-iteration '
        f'ramp needs the dataloader length); {fix}', 1, True))
    return part


def map_momentum_warmup(policy, ctx: Context) -> Part:
    """The momentum warmup: engine-only (it divides the momentum, a factor above 1)."""
    if policy.warmup is None:
        return Part()
    kind, ratio, iters = policy.warmup, policy.warmup_ratio, policy.warmup_iters
    if ctx.engine:
        return Part([entry('WarmupMomentum', dict(warmup=kind, warmup_ratio=ratio,
                                                  warmup_iters=iters), ITER, end=iters + 1)])
    return Part(pending=[Pending(
        'momentum-warmup',
        f'momentum warmup ({kind}, {iters} iterations, momentum / {fmt(ratio)} at the start) '
        'left out: MMEngine momentum schedulers cannot raise the momentum above its base '
        '(use --target engine for WarmupMomentum)', None)])


__all__ = ['map_lr_warmup', 'map_momentum_warmup']
