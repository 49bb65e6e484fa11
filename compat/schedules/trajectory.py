"""Per-iteration lr and momentum of a legacy schedule, in closed form (no runner, no torch).

Reproduces the MMCV 1.7.2 timeline: ``before_train_epoch`` sets the epoch's regular value for
by-epoch policies, ``before_train_iter`` applies the per-iteration policy and the warmup
overlay (global iterations, regular value from ``warmup_iters`` on), and IterBasedRunner never
calls ``before_train_epoch``, so a by-epoch hook leaves the optimizer's value untouched there.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, List, Optional, Sequence

from engine.schedulers.closed_form import warmup_value

from compat.schedules.checks import fail
from compat.schedules.downstream import yolox_warmup
from compat.schedules.parse import check_runner_type
from compat.schedules.regular import RegularFn, regular_function
from compat.schedules.schedule import LegacySchedule, LrSchedule, MomentumSchedule


@dataclass
class LegacyTrajectory:
    """One entry per training iteration: the values that iteration trains with.

    ``epoch`` is MMCV's ``runner.epoch`` at that moment: for IterBasedRunner the IterLoader's
    pass count read *before* the batch is fetched, i.e. ``(iter - 1) // epoch_len`` (0 at
    iteration 0). ``lr[i][g]`` and ``momentum[i][g]`` are per param group.
    """

    epoch: List[int]
    iter: List[int]
    lr: List[List[float]]
    momentum: Optional[List[List[float]]]


def legacy_trajectory(lr_policy: Optional[LrSchedule], mom_policy: Optional[MomentumSchedule],
                      *, runner_type: str, max_epochs: Optional[int], max_iters: Optional[int],
                      epoch_len: int, base_lrs: Sequence[float],
                      base_momentums: Optional[Sequence[float]],
                      optimizer_type: Optional[str] = None,
                      first: Optional[int] = None) -> LegacyTrajectory:
    """The lr/momentum of every training iteration of an MMCV 1.7.2 run.

    ``base_lrs``/``base_momentums``: the optimizer's lr and momentum (or ``betas[0]``) per
    param group; ``base_momentums`` is None for an optimizer without momentum.
    ``optimizer_type`` (e.g. 'SGD') is only needed for OneCycle arguments given as dicts.
    ``first``: record only the first ``first`` iterations (the schedule still spans the run).

    >>> from compat.schedules.parse import parse_lr_config
    >>> lr = parse_lr_config(dict(policy='step', step=[2], warmup='linear', warmup_iters=3))
    >>> t = legacy_trajectory(lr, None, runner_type='EpochBasedRunner', max_epochs=3,
    ...                       max_iters=None, epoch_len=2, base_lrs=[0.1], base_momentums=None)
    >>> t.epoch, [round(row[0], 12) for row in t.lr]
    ([0, 0, 1, 1, 2, 2], [0.01, 0.04, 0.07, 0.1, 0.01, 0.01])
    """
    source = (lr_policy or mom_policy).source if (lr_policy or mom_policy) else None
    check_runner_type(runner_type, source)
    iter_based = runner_type == 'IterBasedRunner'
    total = _check_lengths(iter_based, max_epochs, max_iters, epoch_len, source)
    num_groups = len(base_lrs)
    if mom_policy is not None and base_momentums is None:
        raise fail('momentum', 'policy', 'momentum_config is set but the optimizer has neither '
                   "'momentum' nor 'betas' (MMCV fails in the momentum hook's before_run)",
                   'remove momentum_config or use an optimizer with momentum (SGD) or betas '
                   '(Adam)', mom_policy.source)
    lr_at = _track(lr_policy, base_lrs, warmup_value, iter_based, max_epochs, total, epoch_len,
                   optimizer_type)
    mom_at = None
    if base_momentums is not None:
        mom_at = _track(mom_policy, base_momentums,
                        partial(warmup_value, divide=True), iter_based, max_epochs,
                        total, epoch_len, optimizer_type)
    iterations = range(total if first is None else min(first, total))
    epochs = [max(it - 1, 0) // epoch_len if iter_based else it // epoch_len
              for it in iterations]
    return LegacyTrajectory(
        epoch=epochs, iter=list(iterations),
        lr=[lr_at(epoch, it) for it, epoch in zip(iterations, epochs)],
        momentum=None if mom_at is None else [mom_at(epoch, it)
                                              for it, epoch in zip(iterations, epochs)])


def _is_tracked(schedule: Optional[LegacySchedule], iter_based: bool) -> bool:
    """False for no hook, or a by-epoch hook under IterBasedRunner (it never acts there)."""
    return schedule is not None and not (iter_based and schedule.by_epoch)


def _check_lengths(iter_based: bool, max_epochs: Optional[int], max_iters: Optional[int],
                   epoch_len: int, source: Optional[str]) -> int:
    if max_epochs is not None and max_iters is not None:
        raise fail(None, 'runner.max_iters', 'both max_epochs and max_iters are set (MMCV '
                   'raises ValueError)', 'keep only the one of your runner type', source)
    if not isinstance(epoch_len, int) or epoch_len <= 0:
        raise fail(None, 'epoch_len', f'epoch_len must be a positive int, got {epoch_len!r}',
                   'pass the number of iterations per epoch', source)
    key, value = ('runner.max_iters', max_iters) if iter_based else ('runner.max_epochs',
                                                                     max_epochs)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise fail(None, key, f'{key.split(".")[1]} must be a positive int, got {value!r}',
                   f'set {key} in the runner config', source)
    return value if iter_based else value * epoch_len


def _track(schedule: Optional[LegacySchedule], bases: Sequence[float], warm: Callable,
           iter_based: bool, max_epochs: Optional[int], max_iters: int, epoch_len: int,
           optimizer_type: Optional[str]) -> Callable[[int, int], List[float]]:
    """``row(epoch, cur_iter)``: the values of every param group for one hook (or for none).
    Rows may be shared between iterations (callers only read them)."""
    if not _is_tracked(schedule, iter_based):
        # A by-epoch hook under IterBasedRunner only sets its regular value in
        # before_train_epoch, which never runs, and its warmup overlays an empty list.
        fixed = list(bases)
        return lambda epoch, it: fixed
    regular: RegularFn = regular_function(schedule, max_epochs=max_epochs, max_iters=max_iters,
                                          num_groups=len(bases), optimizer_type=optimizer_type,
                                          epoch_len=epoch_len)
    warmup_iters = schedule.warmup_iters
    if schedule.warmup_by_epoch:
        warmup_iters = schedule.warmup_iters * epoch_len
    if schedule.warmup is None:
        warmup_iters = 0   # decided once: row() runs every iteration
    kind, ratio = schedule.warmup, schedule.warmup_ratio
    # YOLOX's warmup replaces the value (from the base value) instead of scaling it
    from_base = yolox_warmup(schedule) if schedule.policy == 'YOLOX' else None
    groups = list(enumerate(bases))
    single = bases[0] if len(bases) == 1 else None   # the usual case, without a loop
    # A by-epoch hook computes its regular values once per epoch (before_train_epoch).
    by_epoch = schedule.by_epoch
    epoch_values: List = [None, None]   # [epoch, its regular row]

    def row(epoch: int, it: int) -> List[float]:
        if by_epoch and epoch_values[0] == epoch:
            current = epoch_values[1]
        else:
            try:
                current = [regular(0, single, epoch, it)] if single is not None else \
                    [regular(g, base, epoch, it) for g, base in groups]
            except ZeroDivisionError as exc:
                raise fail(schedule.kind, 'policy', f"policy '{schedule.policy}' divides by "
                           f'zero at iteration {it} with these settings (so does MMCV): {exc}',
                           'check the policy arguments against max_iters/max_epochs',
                           schedule.source) from None
            if by_epoch:
                epoch_values[0], epoch_values[1] = epoch, current
        if it < warmup_iters:
            if from_base is not None:
                return [from_base(base, it, warmup_iters) for base in bases]
            return [warm(value, kind, ratio, it, warmup_iters) for value in current]
        return current
    return row
