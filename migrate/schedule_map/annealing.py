"""Annealing policies: ``poly``, ``CosineAnnealing``, ``FlatCosineAnnealing``,
``CosineRestart``, ``LinearAnnealing`` (lr; cosine and linear also for momentum).

Exact MMEngine forms: ``PolyLR(end=max+1)``, ``CosineAnnealingLR(T_max=max)`` (a by-iteration
cosine in an epoch run through ``convert_to_iter_based``, T_max scales with it),
``CosineAnnealingLR(begin=s, end=E, T_max=E-s)`` for the flat cosine, ``CosineRestartLR``
with MMCV's peak folded into the weights, ``LinearLR(end_factor=ratio, end=max+1)``. A
by-iteration poly / linear annealing in an epoch run of unknown length starts at
``begin=-1``: its ``total_iters = end - begin - 1`` is then ``max_iters``, MMCV's
``max_progress``, for any dataloader length.

With a warmup laid over a curve that does not end at 0, MMEngine's chain (which moves the
warmed value towards ``eta_min``) is not MMCV's product ``warmup * regular``: the MMEngine
target reports the measured deviation. The engine target writes the ``Relative*``
schedulers there, and for every by-iteration policy: they evaluate MMCV's formula in MMCV's
operation order, so they stay bit-exact where a chain drifts by float rounding (a few 1e-12
after 1e5 iterations, mostly where MMCV's own ``1 - t / T`` cancels near the end of a run).
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from engine.errors import ConfigError
from migrate.schedule_map.context import (Context, Frame, entry, fmt, is_whole, kind_of,
                                          scheduler_name)
from migrate.schedule_map.types import Note, Part, Pending


def _min_args(policy, rule: str) -> Dict[str, Any]:
    """MMCV ``min_lr``/``min_lr_ratio`` (or momentum) as ``eta_min``/``eta_min_ratio``."""
    what = kind_of(rule)
    absolute, ratio = policy.params.get(f'min_{what}'), policy.params.get(f'min_{what}_ratio')
    return dict(eta_min=absolute) if ratio is None else dict(eta_min_ratio=ratio)


def _ends_at_zero(args: Dict[str, Any]) -> bool:
    return not (args.get('eta_min') or args.get('eta_min_ratio'))


def _warmup_risk(part: Part, ctx: Context, warm: bool, zero: bool, by_epoch: bool,
                 what: str = 'curve') -> None:
    """Pending 'warmup-on-affine' for the MMEngine target (kept only if measured)."""
    if warm and not zero and not ctx.engine:
        when = (' (exact while the warmup ends within the first epoch)' if by_epoch else '')
        part.pending.append(Pending(
            'warmup-on-affine',
            f'the warmup is laid over a {what} that does not end at 0: MMEngine chains it '
            "onto the warmed value, MMCV multiplies the warmup onto the regular value"
            f'{when} (use --target engine for the Relative* form)', 0,
            not ctx.iter_based and ctx.epoch_len is None))


def _engine_closed_form(policy, ctx: Context, needed: bool) -> bool:
    """Does the engine target write the ``Relative*`` form? Where MMEngine's is not exact
    (``needed``), and for every by-iteration policy: a chain over 1e5 iterations drifts a
    few 1e-12 from MMCV's closed form (mostly MMCV's own ``1 - t / T`` cancelling near the
    end), while ``Relative*`` evaluates MMCV's formula in MMCV's order, bit for bit. A by-epoch
    chain is a few hundred steps: MMEngine's form is kept."""
    return ctx.engine and (needed or not policy.by_epoch)


def _converted_frame(policy, ctx: Context) -> Frame:
    """The frame of a policy whose length unit scales with ``convert_to_iter_based``
    (``T_max``): a by-iteration policy of an epoch run is written in epochs, exact for any
    dataloader length."""
    if policy.by_epoch or ctx.iter_based:
        return ctx.frame(policy.by_epoch)
    return ctx.epoch_frame()


def _begin_minus_one(part: Part, rule: str, name: str, index: int) -> None:
    part.notes.append(Note(rule, 'begin-minus-one',
                           f'{name} begin=-1: total_iters = max_iters, MMCV\'s max_progress, '
                           'for any dataloader length (--epoch-len N writes end=N*E+1 instead)',
                           index))


def map_poly(policy, ctx: Context, rule: str, warm: bool) -> Part:
    power, eta_min = policy.params['power'], policy.params['min_lr']
    frame = ctx.frame(policy.by_epoch)
    if _engine_closed_form(policy, ctx, warm and bool(eta_min)):
        frame = _converted_frame(policy, ctx)
        return Part([entry('RelativePolyLR', dict(power=power, T_max=frame.length,
                                                  eta_min=eta_min), frame, end=frame.length)])
    args = dict(eta_min=eta_min, power=power)
    part = Part()
    if frame.length is None:
        _begin_minus_one(part, rule, 'PolyLR', part.add(entry('PolyLR', args, frame, begin=-1)))
    else:
        part.add(entry('PolyLR', args, frame, end=frame.length + 1))
    _warmup_risk(part, ctx, warm, not eta_min, policy.by_epoch, what='poly curve')
    return part


def map_cosine(policy, ctx: Context, rule: str, warm: bool) -> Part:
    args = _min_args(policy, rule)
    frame = _converted_frame(policy, ctx)
    relative = _engine_closed_form(policy, ctx, warm and not _ends_at_zero(args))
    family = 'RelativeCosineAnnealing' if relative else 'CosineAnnealing'
    part = Part([entry(scheduler_name(rule, family), dict(T_max=frame.length, **args), frame,
                       end=frame.length)])
    _warmup_risk(part, ctx, warm, _ends_at_zero(args), policy.by_epoch, what='cosine')
    return part


def map_flat_cosine(policy, ctx: Context, rule: str, warm: bool) -> Part:
    args = _min_args(policy, rule)
    percent = policy.params['start_percent']
    frame = ctx.frame(policy.by_epoch)
    if _engine_closed_form(policy, ctx, warm and not _ends_at_zero(args)):
        frame = _converted_frame(policy, ctx)
        return Part([entry('RelativeFlatCosineAnnealingLR',
                           dict(start_percent=percent, T_max=frame.length, **args), frame,
                           end=frame.length)])
    part = Part()
    needs_length = False
    if frame.length is None:
        frame = ctx.epoch_frame()
        needs_length = not is_whole(frame.length * percent)
    start = round(frame.length * percent)
    if start >= frame.length:
        return part   # MMCV stays at the base lr for the whole run
    part.add(entry(scheduler_name(rule, 'CosineAnnealing'),
                   dict(T_max=frame.length - start, **args), frame, begin=start,
                   end=frame.length))
    if needs_length:
        part.pending.append(Pending(
            'flat-cosine-start-needs-epoch-len',
            f'MMCV starts the cosine at iteration round({fmt(percent)} * max_iters), here at '
            f'epoch {start}; pass --epoch-len N for the exact start', 0, True))
    _warmup_risk(part, ctx, warm, _ends_at_zero(args), policy.by_epoch, what='flat cosine')
    return part


def map_cosine_restart(policy, ctx: Context, rule: str, warm: bool) -> Part:
    periods = list(policy.params['periods'])
    weights = list(policy.params['restart_weights'])
    args = _min_args(policy, rule)
    frame = ctx.frame(policy.by_epoch)
    if frame.length is not None and sum(periods) < frame.length:
        raise ConfigError(
            f'CosineRestart periods {periods} end at {sum(periods)} but the run lasts '
            f'{frame.length} {"epochs" if frame.by_epoch else "iterations"}: MMCV 1.7.2 raises '
            'ValueError once progress passes the last period', key='lr_config.periods',
            file=policy.source, fix='lengthen the periods to cover the whole run')
    zero = _ends_at_zero(args)
    absolute = 'eta_min' in args and not zero
    reweight = not zero and any(w != 1 for w in weights)
    # MMEngine's restarts write an absolute value: a warmup running across one is lost.
    if _engine_closed_form(policy, ctx, warm or (absolute and reweight)):
        return Part([entry('RelativeCosineRestartLR',
                           dict(periods=periods, restart_weights=weights, **args), frame,
                           end=frame.length)], warmup_after=True)
    part = Part(warmup_after=True)
    if reweight:
        weights = _mmengine_weights(weights, args, ctx.base(rule))
    index = part.add(entry(scheduler_name(rule, 'CosineRestart'),
                           dict(periods=periods, restart_weights=weights, **args), frame,
                           end=frame.length))
    if reweight:
        part.notes.append(Note(rule, 'cosine-restart-peak',
                               "restart_weights rewritten to MMCV's peaks (MMCV restarts at "
                               'min + w * (base - min), MMEngine at w * base)'
                               + (f': exact for param groups starting at {kind_of(rule)}='
                                  f'{fmt(ctx.base(rule))}' if absolute else ''), index))
    _warmup_risk(part, ctx, warm, zero, policy.by_epoch, what='cosine restart')
    if warm and zero and not ctx.engine:
        part.pending.append(Pending(
            'warmup-on-restart', 'a restart inside the warmup writes the unwarmed value '
            '(MMEngine restarts to w * base)', index,
            not ctx.iter_based and ctx.epoch_len is None))
    return part


def _mmengine_weights(weights, args: Dict[str, Any], base: float):
    """MMCV's restart peak ``t + w (b - t)`` as MMEngine's ``w' * b``."""
    if 'eta_min_ratio' in args:
        ratio = args['eta_min_ratio']
        return [ratio + w * (1 - ratio) for w in weights]
    floor = args['eta_min']
    return [(floor + w * (base - floor)) / base for w in weights]


def map_linear_annealing(policy, ctx: Context, rule: str, warm: bool) -> Part:
    args = _min_args(policy, rule)
    frame = ctx.frame(policy.by_epoch)
    base = ctx.base(rule)
    absolute = 'eta_min' in args
    if _engine_closed_form(policy, ctx, absolute):
        frame = _converted_frame(policy, ctx)
        return Part([entry(scheduler_name(rule, 'RelativeLinearAnnealing'),
                           dict(T_max=frame.length, **args), frame, end=frame.length)])
    factor = args['eta_min'] / base if absolute else args['eta_min_ratio']
    part = Part()
    name = scheduler_name(rule, 'Linear')
    clipped = min(max(factor, 0.), 1.)
    family: Dict[str, Optional[float]] = dict(start_factor=1.0, end_factor=clipped)
    if frame.length is None:
        index = part.add(entry(name, family, frame, begin=-1))
        _begin_minus_one(part, rule, name, index)
    else:
        index = part.add(entry(name, family, frame, end=frame.length + 1))
    if clipped != factor:
        part.pending.append(Pending(
            'factor-out-of-range', f'annealing to {fmt(factor)} x the base value needs a '
            f'factor outside [0, 1], which {name} rejects; written with {fmt(clipped)} '
            '(use --target engine)', index))
    elif absolute:
        part.notes.append(Note(rule, 'base-value-dependent',
                               f'min_{kind_of(rule)}={fmt(args["eta_min"])} written as '
                               f'end_factor={fmt(factor)}: exact for param groups starting at '
                               f'{kind_of(rule)}={fmt(base)} (other groups: --target engine)',
                               index))
    return part
