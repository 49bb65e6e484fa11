"""Shared by the lr and momentum schedule rules: call the schedule mapper and file its
approximations as findings on the right ``param_scheduler`` entries."""
from __future__ import annotations

from typing import Any, Optional, Tuple

from migrate.rules.base import APPROXIMATION, MANUAL, NOTE, Plan, Rule
from migrate.rules.optimizer_to_optim_wrapper import is_multi_optimizer
from migrate.schedule_map.types import Unmappable
from migrate.static.values import detached_copy


def optimizer_facts(legacy: dict) -> Optional[dict]:
    """Base lr, base momentum and optimizer type from the legacy ``optimizer`` (None: several
    optimizers, which need a dict-form param_scheduler). Defaults are torch's: SGD has
    momentum 0, the Adam family betas[0] = 0.9."""
    optimizer = legacy.get('optimizer')
    if is_multi_optimizer(optimizer):
        return None
    optimizer = optimizer if isinstance(optimizer, dict) else {}
    otype = optimizer.get('type', 'SGD')
    lr = optimizer.get('lr', 0.1)
    momentum = optimizer.get('momentum')
    betas = optimizer.get('betas')
    if momentum is None and isinstance(betas, (list, tuple)) and betas:
        momentum = betas[0]
    if momentum is None:
        momentum = 0.9 if 'Adam' in str(otype) else (0.0 if otype == 'SGD' else None)
    return dict(optimizer_type=str(otype), base_lr=lr if isinstance(lr, (int, float)) else 0.1,
                base_momentum=momentum if isinstance(momentum, (int, float)) else None)


def _several_optimizers(legacy: dict) -> Optional[dict]:
    """``{name: optimizer dict}`` for several optimizers: the legacy ``optimizer`` dict, or
    (a file converted before, whose ``lr_config`` was kept) its ``optim_wrapper`` dict."""
    optimizer = legacy.get('optimizer')
    if is_multi_optimizer(optimizer):
        return dict(optimizer)
    wrapper = legacy.get('optim_wrapper')
    if isinstance(wrapper, dict) and 'optimizer' not in wrapper and 'type' not in wrapper:
        subs = {k: v['optimizer'] for k, v in wrapper.items()
                if isinstance(v, dict) and isinstance(v.get('optimizer'), dict)}
        if len(subs) > 1:
            return subs
    return None


def _differing_message(subs: dict) -> str:
    return (f'several optimizers ({", ".join(subs)}) whose schedules map to different '
            'schedulers: write a dict-form param_scheduler (one list per optimizer) by hand')


def keep_as_written(rule: Rule, plan: Plan, key: str, message: str, kind: str) -> None:
    """Leave ``key`` in the file as written (not consumed), with a ``# migrate[RULE]`` marker
    above it and a manual finding: what nobody models must not fail the file."""
    rule.report(plan, MANUAL, key, message, kind=kind, path=(key,))


def unconvertible_reason(plan: Plan, key: str, cfg: Any) -> Optional[Tuple[str, str]]:
    """Why ``lr_config`` / ``momentum_config`` cannot be converted here, as (kind, message),
    or None: a policy nobody models, or a runner type nobody models."""
    from compat.schedules.parse import unmodelled_policy

    what = key.split('_')[0]
    policy = unmodelled_policy(cfg, what)
    if policy is not None:
        return ('unknown-policy',
                f"unknown {what} policy {policy!r} left as written: neither MMCV 1.7.2 nor a "
                f'modelled downstream codebase registers {policy}{"Lr" if what == "lr" else "Momentum"}'
                'UpdaterHook; write its param_scheduler by hand (a custom scheduler class '
                'registered in PARAM_SCHEDULERS) and delete this key')
    runner = plan.facts.get('runner_unmodelled')
    if runner is not None:
        return ('unknown-runner',
                f'{key} left as written: its schedule runs on the unknown runner type '
                f'{runner!r}, whose timeline nobody models; convert the runner first')
    return None


def map_into_plan(rule: Rule, plan: Plan, key: str, lr_policy: Any, mom_policy: Any) -> None:
    """Append the mapped schedulers for ``key`` to ``param_scheduler`` and report."""
    from migrate.schedule_map import map_schedules
    from migrate.schedule_map.memo import MAPPINGS

    facts = plan.facts
    converted_before = _several_optimizers(plan.legacy) if 'optimizer' not in plan.legacy \
        else None
    if converted_before:
        # a converted file that kept this key: several optimizers whose forms differ (the
        # only reason it stays); it says so already
        raise Unmappable(_differing_message(converted_before))
    if 'runner_type' not in facts:
        rule.report(plan, NOTE, key, 'no runner in this file or its bases: the schedule is '
                    'written by the configs that inherit it (its ends depend on the run length)')
        return
    loop = dict(runner_type=facts['runner_type'], max_epochs=facts.get('max_epochs'),
                max_iters=facts.get('max_iters'), target=plan.target, epoch_len=plan.epoch_len)

    def mapped(opt: dict):
        args = dict(loop, **opt)
        # A tree repeats the same schedule in many files (a base and every leaf that inherits
        # it unchanged); the mapping, and its measured deviation, depends only on these inputs.
        memo_key = (key, repr(plan.legacy.get(key)), repr(sorted(args.items())))
        return args, detached_copy(MAPPINGS.get_or_compute(
            memo_key, lambda: map_schedules(lr_policy, mom_policy, **args)))

    subs = _several_optimizers(plan.legacy)
    opt = None if subs else optimizer_facts(plan.legacy)
    if opt is None:
        # MMCV's updater hooks drive every optimizer of the dict with the same policy; MMEngine
        # builds a plain param_scheduler list for each optimizer of an OptimWrapperDict. One
        # list is exact when the policy maps to the same schedulers for every optimizer.
        per_optimizer = {name: mapped(optimizer_facts({'optimizer': sub}))
                         for name, sub in subs.items()}
        forms = [m.schedulers for _, m in per_optimizer.values()]
        if any(form != forms[0] for form in forms[1:]):
            raise Unmappable(_differing_message(subs))
        args, mapping = next(iter(per_optimizer.values()))
        rule.report(plan, NOTE, key, f'several optimizers ({", ".join(subs)}): one '
                    'param_scheduler list, which MMEngine builds for each optimizer, as MMCV\'s '
                    'hook drove each')
    else:
        args, mapping = mapped(opt)
    # A half-migrated file may carry its own param_scheduler: the legacy keys win, as they
    # are what MMCV ran; only what the schedule rules wrote before is kept.
    current = plan.values.get('param_scheduler') if facts.get('schedulers_written') else None
    schedulers = list(current) if isinstance(current, list) else []
    facts['schedulers_written'] = True
    offset = len(schedulers)
    schedulers.extend(mapping.schedulers)
    plan.set(('param_scheduler',), schedulers if schedulers else None)
    for approx in mapping.approximations:
        index = approx.scheduler_index
        path = ('param_scheduler', offset + index) if index is not None else ('param_scheduler',)
        # The equivalence contract's bound: below it the forms count as the same schedule.
        # An approximation measured with an assumed epoch length may be far off for the real
        # one: it stays an approximation whatever the measurement said.
        assumed = plan.epoch_len is None and approx.measured_with_epoch_len is not None
        severity = APPROXIMATION if (approx.deviation or 0) > 1e-12 or assumed else NOTE
        message = approx.message
        rule.report(plan, severity, key, message, kind=approx.kind, deviation=approx.deviation,
                    path=path)
    for note in getattr(mapping, 'notes', []) or []:
        text = getattr(note, 'message', note)
        rule.report(plan, NOTE, key, str(text), kind=getattr(note, 'kind', ''))
    if plan.epoch_len is not None:
        _say_what_the_epoch_length_made_exact(rule, plan, key, lr_policy, mom_policy, args,
                                              mapping, offset)


def _say_what_the_epoch_length_made_exact(rule: Rule, plan: Plan, key: str, lr_policy: Any,
                                          mom_policy: Any, args: dict, mapping: Any,
                                          offset: int) -> None:
    """A form that is exact only for the dataloader length given with ``--epoch-len N`` says
    so in the file, on the first entry that differs from the form written without it: the
    file is then wrong for another length, which nothing else would show."""
    from migrate.schedule_map import map_schedules
    from migrate.schedule_map.memo import MAPPINGS

    if mapping.approximations:
        return
    unknown = dict(args, epoch_len=None)
    memo_key = (key, repr(plan.legacy.get(key)), repr(sorted(unknown.items())))
    without = MAPPINGS.get_or_compute(memo_key,
                                      lambda: map_schedules(lr_policy, mom_policy, **unknown))
    if without.schedulers == mapping.schedulers and not without.approximations:
        return
    index = next((i for i, (a, b) in enumerate(zip(mapping.schedulers, without.schedulers))
                  if a != b), min(len(mapping.schedulers), len(without.schedulers)))
    index = min(index, len(mapping.schedulers) - 1)
    n = plan.epoch_len
    rule.report(plan, NOTE, key, f'exact for an epoch of {n} iterations (--epoch-len {n}); '
                'convert again if the dataloader length changes', kind='epoch-len',
                path=('param_scheduler', offset + index), marked=True)
