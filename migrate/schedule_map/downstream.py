"""Downstream codebases' LR policies (``compat/schedules/downstream.py``) -> schedulers.

``--target engine`` writes the engine-only schedulers of :mod:`engine.schedulers.downstream`
(exact; epoch units under ``convert_to_iter_based`` where every length of the policy scales
with the dataloader). ``--target mmengine`` writes the closest MMEngine 0.10.7 form and
leaves the measured deviation to the mapper:

* ``CosineAnnealingCooldown``: ``CosineAnnealingLR`` to the target at ``max - cool_down_time``,
  then ``MultiStepLR`` by ``cool_down_ratio`` (equal up to float rounding);
* ``StepFixCosineAnnealing``: ``CosineAnnealingLR`` from the warmup's end (MMCV's regular lr
  under the warmup is the cosine mirrored just below the base lr: not carried);
* ``YOLOX``: its quadratic warmup as a ``LinearLR`` ramp to the same end (approximated), the
  cosine from ``warmup - 1`` (MMDet counts ``progress + 1``), then the target;
* ``SiameseRPN``: ``ConstantLR`` for the first factor, ``ExponentialLR`` inside each phase and a
  ``MultiStepLR`` jump where a phase starts (equal up to float rounding).

A set-up whose form depends on an unknown dataloader length raises :class:`Unmappable`
(``--epoch-len N`` gives it).
"""
from __future__ import annotations

from typing import Optional

from engine.schedulers.closed_form import siamese_rpn_factors
from migrate.schedule_map import annealing
from migrate.schedule_map.context import Context, Frame, entry, fmt
from migrate.schedule_map.types import Part, Pending, Unmappable

_EPOCH_LEN_FIX = 'pass --epoch-len N (iterations per epoch) to convert it'


def _min_args(policy) -> dict:
    p = policy.params
    return dict(eta_min=p['min_lr']) if p.get('min_lr_ratio') is None else \
        dict(eta_min_ratio=p['min_lr_ratio'])


def _ends_at_zero(args: dict) -> bool:
    return not (args.get('eta_min') or args.get('eta_min_ratio'))


def map_cosine_cooldown(policy, ctx: Context, rule: str, warm: bool) -> Part:
    p, args = policy.params, _min_args(policy)
    cool, ratio = p['cool_down_time'], p['cool_down_ratio']
    frame = ctx.frame(policy.by_epoch)
    if frame.length is None:
        if not ctx.engine:
            raise Unmappable('CosineAnnealingCooldown by iteration counts cool_down_time in '
                             f'iterations of a run whose length is unknown; {_EPOCH_LEN_FIX}')
        frame = ctx.epoch_frame()   # T_max scales with the dataloader, cool_down_time not
    if ctx.engine:
        return Part([entry('CosineCooldownLR', dict(T_max=frame.length, cool_down_time=cool,
                                                    cool_down_ratio=ratio, **args),
                           frame, end=frame.length)])
    cosine_end = frame.length - cool
    if cosine_end <= 0:
        raise Unmappable(f'cool_down_time={cool} leaves no cosine phase in a run of '
                         f'{frame.length} steps; write param_scheduler by hand')
    part = Part()
    part.add(entry('CosineAnnealingLR', dict(T_max=cosine_end, **args), frame,
                   end=cosine_end + 1))
    if cosine_end + 1 < frame.length:
        part.add(entry('MultiStepLR', dict(milestones=[cosine_end + 1], gamma=ratio), frame,
                       end=frame.length))
    part.pending.append(Pending('cooldown-chain', 'the cooldown is the cosine\'s end times '
                                'cool_down_ratio, chained: equal to MMCV up to float rounding',
                                len(part.entries) - 1, rounding_only=True))
    annealing._warmup_risk(part, ctx, warm, _ends_at_zero(args), policy.by_epoch,
                           what='cosine')
    return part


def _hook_offset(policy, ctx: Context, what: str) -> Optional[int]:
    """The hook's ``warmup_iters`` in iterations, or None when it needs an unknown length."""
    if not policy.warmup_by_epoch:
        return policy.warmup_iters
    if ctx.epoch_len is None:
        return None
    return policy.warmup_iters * ctx.epoch_len


def map_step_fix_cosine(policy, ctx: Context, rule: str, warm: bool) -> Part:
    args = _min_args(policy)
    offset = _hook_offset(policy, ctx, 'StepFixCosineAnnealing')
    frame = ctx.frame(policy.by_epoch)
    if offset is None and not policy.by_epoch:
        frame, offset = ctx.epoch_frame(), policy.warmup_iters   # both scale with the loader
    elif offset is None or (frame.length is None and offset):
        raise Unmappable('StepFixCosineAnnealing subtracts warmup_iters counted in iterations '
                         f'from a progress of another unit or unknown length; {_EPOCH_LEN_FIX}')
    if not offset:
        return annealing.map_cosine(policy, ctx, rule, warm)   # MMCV's CosineAnnealing
    if frame.length is None:
        frame = ctx.epoch_frame()
    if ctx.engine:
        return Part([entry('StepFixCosineAnnealingLR', dict(T_max=frame.length, offset=offset,
                                                            **args), frame, end=frame.length)])
    if offset >= frame.length:
        raise Unmappable(f'the cosine would start at step {offset}, after the run ends; write '
                         'param_scheduler by hand')
    part = Part([entry('CosineAnnealingLR', dict(T_max=frame.length - offset, **args), frame,
                       begin=offset, end=frame.length)])
    part.pending.append(Pending(
        'step-fix-before-offset', f'before step {offset} MMCV\'s regular lr is the cosine '
        'mirrored just below the base lr (its factor is negative) and the warmup is laid over '
        'it; here the warmup is laid over the base lr (use --target engine)', 0,
        not ctx.iter_based and ctx.epoch_len is None))
    return part


def map_yolox(policy, ctx: Context, rule: str, warm: bool) -> Part:
    if policy.by_epoch:
        raise Unmappable('YOLOX with by_epoch=True compares epochs with num_last_epochs * '
                         'len(data_loader) iterations; write param_scheduler by hand')
    p, args = policy.params, _min_args(policy)
    ratio, warm_on = policy.warmup_ratio, policy.warmup is not None
    if not warm_on and policy.warmup_iters:
        raise Unmappable('YOLOX with warmup_iters but no warmup shifts its cosine without a '
                         'warmup; write param_scheduler by hand')
    length = ctx.epoch_len
    if length is not None or (ctx.iter_based and p['num_last_epochs'] == 0):
        length = length or 1
        warmup = policy.warmup_iters * (length if policy.warmup_by_epoch else 1)
        last, frame = p['num_last_epochs'] * length, ctx.frame(False)
        if frame.length is None:
            frame = Frame(False, False, ctx.max_epochs * length)
    elif not ctx.iter_based and (policy.warmup_by_epoch or not warm_on):
        frame = ctx.epoch_frame()   # every length is in epochs: scales with the loader
        warmup, last = (policy.warmup_iters if warm_on else 0), p['num_last_epochs']
    else:
        raise Unmappable('YOLOX reads len(data_loader) for num_last_epochs; '
                         + _EPOCH_LEN_FIX)
    total = frame.length
    if ctx.engine:
        return Part([entry('YOLOXLR', dict(T_max=total, warmup_iters=warmup, warmup_ratio=ratio,
                                           last_iters=last, **args), frame, end=total)],
                    drop_warmup=True)
    return _yolox_mmengine(frame, total, warmup, last, ratio, warm_on, args, ctx)


def _yolox_mmengine(frame: Frame, total: int, warmup: int, last: int, ratio: float,
                    warm_on: bool, args: dict, ctx: Context) -> Part:
    part = Part(drop_warmup=True)
    converted = frame.convert
    steps = warmup * (ctx.measure_epoch_len if converted else 1)
    if warm_on:
        part.add(entry('LinearLR', dict(start_factor=ratio * (1 / steps) ** 2,
                                        end_factor=ratio), frame, end=warmup))
        part.pending.append(Pending(
            'yolox-quadratic-warmup', 'YOLOX\'s warmup is quadratic, base_lr * warmup_ratio * '
            '((iter + 1) / warmup_iters) ** 2; MMEngine has no such scheduler, written as a '
            'LinearLR ramp between the same ends (use --target engine for YOLOXLR)', 0,
            converted))
        if ratio != 1:
            part.add(entry('MultiStepLR', dict(milestones=[warmup], gamma=1 / ratio), frame,
                           end=total))
    begin = warmup if converted else warmup - 1
    index = part.add(entry('CosineAnnealingLR', dict(T_max=total - last - warmup, **args),
                           frame, begin=begin, end=total - last))
    if converted:
        part.pending.append(Pending(
            'yolox-cosine-offset', 'MMDet counts the cosine from iteration + 1, one iteration '
            f'before epoch {fmt(warmup)}, which an epoch-unit begin cannot say; '
            + _EPOCH_LEN_FIX, index, True))
    return part


def map_siamese_rpn(policy, ctx: Context, rule: str, warm: bool) -> Part:
    phases = [dict(phase) for phase in policy.params['lr_configs']]
    frame = ctx.frame(True)
    if ctx.engine:
        return Part([entry('SiameseRPNLR', dict(lr_configs=phases), frame, end=frame.length)])
    factors = siamese_rpn_factors(phases)[:frame.length]
    if factors[0] > 1:
        raise Unmappable(f'the first factor {fmt(factors[0])} is above 1, which MMEngine\'s '
                         'ConstantLR rejects; use --target engine (SiameseRPNLR)')
    part = Part()
    if factors[0] != 1:
        # ConstantLR restores the factor at its last step (end - 1): past the run
        part.add(entry('ConstantLR', dict(factor=factors[0]), frame, end=frame.length + 1))
    start = 0
    for phase in phases:
        end = min(phase['end_epoch'], frame.length)
        if start >= end:
            break
        if start > 0 and factors[start] != factors[start - 1]:
            part.add(entry('MultiStepLR', dict(milestones=[start],
                                               gamma=factors[start] / factors[start - 1]),
                           frame, end=frame.length))
        if end - start > 1:
            part.add(entry('ExponentialLR', dict(gamma=factors[start + 1] / factors[start]),
                           frame, begin=start, end=end))
        start = end
    part.pending.append(Pending('siamese-rpn-chain', 'the per-epoch factors are chained '
                                'ratios: equal to MMCV up to float rounding', None,
                                rounding_only=True))
    return part
