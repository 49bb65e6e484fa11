"""``map_schedules``: a parsed legacy ``lr_config`` / ``momentum_config`` -> ``param_scheduler``.

The lr entries come first (warmup, then the policy), then the momentum entries. Every result
is measured against MMCV 1.7.2's maths over the whole run: an approximation is reported with
its measured deviation, a deviation nobody expected is reported too, and an expected one that
turns out exact is dropped (unless it depends on the unknown dataloader length).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Dict, List, Optional

from engine.errors import ConfigError
from migrate.schedule_map import annealing, cycles, downstream, step
from migrate.schedule_map.context import EPOCH_RUNNER, ITER_RUNNER, Context, fmt, kind_of
from migrate.schedule_map.measure import measure
from migrate.schedule_map.memo import MEASUREMENTS
from migrate.schedule_map.types import (LR_RULE, MOMENTUM_RULE, ROUNDING, TOLERANCE,
                                        Approximation, Note, Part, Pending, ScheduleMapping,
                                        Unmappable)
from migrate.schedule_map.validate import check_mmengine_list
from migrate.schedule_map.warmup import map_lr_warmup, map_momentum_warmup

Mapper = Callable[..., Part]

LR_MAPPERS: Dict[str, Mapper] = {
    'fixed': lambda policy, ctx, rule, warm: Part(),
    'step': step.map_step,
    'exp': step.map_exp,
    'inv': step.map_inv,
    'poly': annealing.map_poly,
    'CosineAnnealing': annealing.map_cosine,
    'FlatCosineAnnealing': annealing.map_flat_cosine,
    'CosineRestart': annealing.map_cosine_restart,
    'LinearAnnealing': annealing.map_linear_annealing,
    'cyclic': cycles.map_cyclic,
    'OneCycle': cycles.map_one_cycle,
    # downstream codebases' policies
    'CosineAnnealingCooldown': downstream.map_cosine_cooldown,
    'StepFixCosineAnnealing': downstream.map_step_fix_cosine,
    'YOLOX': downstream.map_yolox,
    'SiameseRPN': downstream.map_siamese_rpn,
}
MOMENTUM_MAPPERS: Dict[str, Mapper] = {
    'step': step.map_step,
    'CosineAnnealing': annealing.map_cosine,
    'LinearAnnealing': annealing.map_linear_annealing,
    'cyclic': cycles.map_cyclic,
    'OneCycle': cycles.map_one_cycle_momentum,
}


def map_schedules(lr_policy, mom_policy, *, runner_type: str, max_epochs: Optional[int],
                  max_iters: Optional[int], target: str = 'mmengine',
                  epoch_len: Optional[int] = None, base_lr: float = 0.1,
                  base_momentum: Optional[float] = 0.9,
                  optimizer_type: str = 'SGD', measure_exact: bool = False) -> ScheduleMapping:
    """Map MMCV hooks (``compat.schedules.parse_lr_config`` / ``parse_momentum_config``
    results, either may be None) to ``param_scheduler`` entries.

    Args:
        runner_type: 'EpochBasedRunner' or 'IterBasedRunner'; max_epochs / max_iters: its
            length (the other one may be None).
        target: 'mmengine' (real MMEngine 0.10.7 types; closest form + approximation where
            it cannot be exact) or 'engine' (exact, engine-only schedulers where needed).
        epoch_len: iterations per epoch if known (``--epoch-len``); some exact forms of
            by-iteration policies in epoch runs need it.
        base_lr / base_momentum / optimizer_type: the legacy optimizer (``base_momentum``:
            its momentum or ``betas[0]``, None without either).
        measure_exact: replay forms announced exact too (tests use it to catch float drift
            that no approximation announces; conversions leave it off, see below).

    Example: ``lr_config = dict(policy='step', step=[8, 11], warmup='linear',
    warmup_iters=500, warmup_ratio=0.001)`` in a 12-epoch run gives
    ``[LinearLR(start_factor=0.001, begin=0, end=501, by_epoch=False),
    MultiStepLR(milestones=[8, 11], gamma=0.1, begin=0, end=12, by_epoch=True)]``, exact.
    """
    ctx = _context(lr_policy or mom_policy, runner_type, max_epochs, max_iters, target,
                   epoch_len, base_lr, base_momentum, optimizer_type)
    lr_part = _map_one(lr_policy, ctx, LR_RULE, LR_MAPPERS, map_lr_warmup)
    mom_part = _map_one(mom_policy, ctx, MOMENTUM_RULE, MOMENTUM_MAPPERS, map_momentum_warmup)
    result = ScheduleMapping(schedulers=lr_part.entries + mom_part.entries)
    offsets = {LR_RULE: 0, MOMENTUM_RULE: len(lr_part.entries)}
    for rule, part in ((LR_RULE, lr_part), (MOMENTUM_RULE, mom_part)):
        for note in part.notes:
            index = note.scheduler_index
            result.notes.append(Note(note.rule, note.kind, note.message,
                                     None if index is None else index + offsets[rule]))
    if not ctx.engine:
        check_mmengine_list(result.schedulers)
    if lr_policy is None and mom_policy is None:
        return result
    if not (lr_part.pending or mom_part.pending) and not measure_exact:
        # Forms announced exact are proven by the golden tests (MMCV and MMEngine, fixture
        # tree and set-ups); replaying a whole run for each of them would dominate a
        # conversion's time. `migrate verify` replays any single config.
        return result
    pending = [(rule, p, offsets[rule])
               for rule, part in ((LR_RULE, lr_part), (MOMENTUM_RULE, mom_part))
               for p in part.pending]
    measured = None
    if _scale_free(lr_policy) and ctx.base_lr != 1.0:
        # Relative deviations of a schedule without absolute lr values do not depend on the
        # base lr, float rounding aside: measure it at lr 1 (once for every config that only
        # differs in lr), if the mapping there is the same list (no number in it derives from
        # the base lr). An lr deviation at rounding level is measured again with the real lr.
        unit = replace(ctx, base_lr=1.0)
        if _map_one(lr_policy, unit, LR_RULE, LR_MAPPERS, map_lr_warmup).entries == \
                lr_part.entries:
            measured = _measure_once(lr_policy, mom_policy, result.schedulers, unit, pending)
            # (momentum values never depend on the lr; with no lr hook the lr never changes)
            if lr_policy is not None and measured[0][LR_RULE] <= ROUNDING:
                measured = None
    deviations, measured_len = measured or _measure_once(lr_policy, mom_policy,
                                                         result.schedulers, ctx, pending)
    for rule, part in ((LR_RULE, lr_part), (MOMENTUM_RULE, mom_part)):
        result.approximations.extend(_approximations(rule, part, deviations[rule], ctx,
                                                     offsets[rule], measured_len))
    return result


def _context(policy, runner_type, max_epochs, max_iters, target, epoch_len, base_lr,
             base_momentum, optimizer_type) -> Context:
    source = getattr(policy, 'source', None)
    if target not in ('mmengine', 'engine'):
        raise ConfigError(f"target must be 'mmengine' or 'engine', got {target!r}",
                          key='--target', fix='use --target mmengine or --target engine')
    if runner_type not in (EPOCH_RUNNER, ITER_RUNNER):
        raise ConfigError(f'runner type {runner_type!r} has no schedule mapping',
                          key='runner.type', file=source,
                          fix=f'use {EPOCH_RUNNER} or {ITER_RUNNER}')
    key, length = (('runner.max_iters', max_iters) if runner_type == ITER_RUNNER
                   else ('runner.max_epochs', max_epochs))
    if not isinstance(length, int) or isinstance(length, bool) or length <= 0:
        raise ConfigError(f'{key} must be a positive int, got {length!r}', key=key,
                          file=source, fix=f'set {key} (the run length decides the ends)')
    if epoch_len is not None and (not isinstance(epoch_len, int) or epoch_len <= 0):
        raise ConfigError(f'epoch_len must be a positive int, got {epoch_len!r}',
                          key='--epoch-len', fix='pass the number of iterations per epoch')
    if not isinstance(base_lr, (int, float)) or isinstance(base_lr, bool):
        raise ConfigError(f'optimizer.lr must be a number, got {base_lr!r}',
                          key='optimizer.lr', file=source)
    return Context(target=target, runner_type=runner_type,
                   max_epochs=max_epochs if runner_type == EPOCH_RUNNER else None,
                   max_iters=max_iters if runner_type == ITER_RUNNER else None,
                   epoch_len=epoch_len, base_lr=base_lr, base_momentum=base_momentum,
                   optimizer_type=optimizer_type)


def _map_one(policy, ctx: Context, rule: str, mappers: Dict[str, Mapper],
             warmup_mapper: Callable[..., Part]) -> Part:
    if policy is None:
        return Part()
    what = kind_of(rule)
    if ctx.iter_based and policy.by_epoch:
        return Part(notes=[Note(rule, 'no-op-in-mmcv',
                                f'{what}_config with by_epoch=True under IterBasedRunner never '
                                f'changed the {what} in MMCV 1.7.2 (before_train_epoch never '
                                'runs there): nothing is written for it')])
    if rule == MOMENTUM_RULE and ctx.base_momentum is None:
        raise ConfigError('momentum_config is set but the optimizer has neither momentum nor '
                          'betas (MMCV fails in the momentum hook)', key='momentum_config',
                          file=policy.source, fix='remove momentum_config')
    mapper = mappers.get(policy.policy)
    if mapper is None:
        raise Unmappable(f'{what} policy {policy.policy!r} has no param_scheduler form: '
                         'write param_scheduler by hand')
    # The MMEngine target leaves a momentum warmup out, so nothing is laid over the policy.
    warm = policy.warmup is not None and (rule == LR_RULE or ctx.engine)
    main = mapper(policy, ctx, rule, warm)
    warmup = Part() if main.drop_warmup else warmup_mapper(policy, ctx)
    out = Part()
    for piece in ((main, warmup) if main.warmup_after else (warmup, main)):
        out.extend(piece)
    return out


#: policies whose values are the base lr times a factor, unless an absolute minimum is set
#: ('inv' is too, but its mapping fits a curve: mapping it twice costs more than it saves)
SCALE_FREE_POLICIES = frozenset({'fixed', 'step', 'exp', 'poly', 'CosineAnnealing',
                                 'FlatCosineAnnealing', 'LinearAnnealing', 'CosineRestart',
                                 'cyclic'})
def _scale_free(policy) -> bool:
    """No lr hook (the lr stays the base lr), or one without absolute lr values."""
    return policy is None or (policy.policy in SCALE_FREE_POLICIES and
                              not policy.params.get('min_lr'))


def _policy_key(policy) -> Optional[tuple]:
    """Everything of a parsed hook the values depend on (not the file it came from)."""
    if policy is None:
        return None
    return (policy.kind, policy.policy, policy.by_epoch, repr(policy.params), policy.warmup,
            policy.warmup_iters, policy.warmup_ratio, policy.warmup_by_epoch)


def _measure_once(lr_policy, mom_policy, schedulers, ctx: Context, pending):
    """:func:`_measure`, remembered for the process: a tree repeats schedules in many files."""
    key = (_policy_key(lr_policy), _policy_key(mom_policy), repr(schedulers), repr(ctx),
           repr([(rule, p, offset) for rule, p, offset in pending]))
    return MEASUREMENTS.get_or_compute(
        key, lambda: _measure(lr_policy, mom_policy, schedulers, ctx, pending))


def _measure(lr_policy, mom_policy, schedulers, ctx: Context, pending):
    """Deviations per rule, and the epoch length they were measured with. An assumed length
    that the legacy schedule itself cannot run with (MMCV raises, e.g. CosineRestart periods
    shorter than the run) is shortened."""
    lengths = [ctx.epoch_len] if ctx.epoch_len is not None or ctx.iter_based else \
        [ctx.measure_epoch_len, 10, 1]
    for i, length in enumerate(lengths):
        length = length or ctx.measure_epoch_len
        try:
            values = measure(lr_policy, mom_policy, schedulers, ctx, length,
                             settled_after=_last_pending_iteration(schedulers, pending, length),
                             approximated=(any(r == LR_RULE for r, _, _ in pending),
                                           any(r == MOMENTUM_RULE for r, _, _ in pending)))
        except ConfigError:
            if i == len(lengths) - 1:
                raise
            continue
        return dict(zip((LR_RULE, MOMENTUM_RULE), values)), length
    raise AssertionError('unreachable')


def _last_pending_iteration(schedulers, pending, epoch_len: int) -> Optional[int]:
    """The iteration after which no approximated entry acts any more (None: some act to the
    end of the run, or apply to the whole list). Every other entry is an exact form (proven by
    the golden tests), so once both sides agree there, the rest adds float rounding only."""
    if not pending:
        return None   # forms announced exact, measured on request: the whole run
    last = 0
    for _, p, offset in pending:
        if p.entry is None:
            return None
        entry = schedulers[p.entry + offset]
        end = entry.get('end')
        if not isinstance(end, int) or isinstance(end, bool):
            return None
        last = max(last, end * epoch_len if entry.get('by_epoch', True) else end)
    return last


def _approximations(rule: str, part: Part, deviation: float, ctx: Context, offset: int,
                    measured_len: int) -> List[Approximation]:
    unknown_len = not ctx.iter_based and ctx.epoch_len is None
    first = offset if part.entries else None
    kept = [p for p in part.pending if not p.rounding_only and
            (deviation > TOLERANCE or (p.needs_epoch_len and unknown_len))]
    if not kept and deviation > TOLERANCE:
        kept = [p for p in part.pending if p.rounding_only]
    if not kept and deviation > TOLERANCE:
        kept = [_unexpected(rule, ctx, deviation)]
    if len(kept) > 1:
        kept = [Pending(p.kind, p.message + ' (with the other approximations of '
                        f'{kind_of(rule)}_config)', p.entry, p.needs_epoch_len, p.rounding_only)
                for p in kept]
    out = []
    for p in kept:
        suffix = f'; max {kind_of(rule)} deviation {fmt(deviation)} measured'
        if unknown_len:
            suffix += f' with an assumed epoch length of {measured_len} iterations'
        index = first if p.entry is None else p.entry + offset
        out.append(Approximation(rule=rule, kind=p.kind, message=p.message + suffix,
                                 scheduler_index=index, deviation=deviation,
                                 measured_with_epoch_len=None if ctx.iter_based
                                 else measured_len))
    return out


def _unexpected(rule: str, ctx: Context, deviation: float) -> Pending:
    """A deviation no mapper announced: float rounding if tiny, else a real difference."""
    if deviation <= ROUNDING:
        return Pending('float-rounding', f'the converted {kind_of(rule)} schedule equals '
                       "MMCV's up to float rounding (the chained and the closed form round "
                       'differently over a long run; --target engine is bit-exact)', None,
                       rounding_only=True)
    return Pending('measured-deviation', f'the converted {kind_of(rule)} schedule differs '
                   f'from MMCV 1.7.2 (target {ctx.target})', None)
