"""MIG061: MMCV's ``EMAHook`` in ``custom_hooks`` -> MMEngine's ``EMAHook`` with an
``ExponentialMovingAverage``, the momentum per update converted, and the deviation of the two
EMAs reported (measured: ``_ema_kernel``)."""
from __future__ import annotations

from typing import Any, Dict, Optional

from migrate.rules import _custom_hook_list as hook_list
from migrate.rules import _ema_kernel as kernel
from migrate.rules.base import APPROXIMATION, MANUAL, NOTE, Plan, Rule
from migrate.tables import MMCV_EMA_DEFAULTS, is_legacy_form

#: Below this averaging-weight deviation the two EMAs are called the same (the report says
#: from which iteration on).
NEGLIGIBLE = 1e-6


class EMAHookRule(Rule):
    id = 'MIG061'
    name = 'ema-hook'
    summary = ("MMCV's EMAHook becomes MMEngine's EMAHook(ema_type='ExponentialMovingAverage') "
               'with momentum**interval per update; the different start and warm-up are '
               'reported with the measured averaging-weight deviation')
    legacy_keys = ('custom_hooks',)
    new_keys = ('custom_hooks',)

    def applies(self, plan: Plan) -> bool:
        return any(is_legacy_form(h, 'EMAHook') for h in hook_list.legacy_hooks(plan))

    def apply(self, plan: Plan) -> None:
        hooks = hook_list.take_over(plan)
        for new_index, old_index, hook in list(hook_list.entries(plan)):
            if is_legacy_form(hook, 'EMAHook'):
                hooks[new_index] = self._convert(plan, hook, new_index, old_index)

    def _convert(self, plan: Plan, hook: Dict[str, Any], at: int, old: int) -> Dict[str, Any]:
        key, path = f'custom_hooks[{old}]', ('custom_hooks', at)
        args = {**MMCV_EMA_DEFAULTS, **{k: v for k, v in hook.items() if k != 'type'}}
        momentum, interval, warm_up = args['momentum'], args['interval'], args['warm_up']
        new: Dict[str, Any] = {'type': 'EMAHook', 'ema_type': 'ExponentialMovingAverage'}
        valid = _valid(momentum, interval, warm_up)
        if valid:
            new['momentum'] = momentum ** interval
            if interval == 1 and 'momentum' in hook:
                hook_list.keep_origin(plan, at, 'momentum', old, 'momentum')
        else:
            new['momentum'] = momentum
            self.report(plan, MANUAL, key, _invalid_message(momentum, interval, warm_up),
                        kind='ema-args', path=path, marked=True)
        for arg, value in hook.items():
            if arg in ('type', 'momentum', 'warm_up', 'resume_from'):
                continue
            new[arg] = value
            hook_list.keep_origin(plan, at, arg, old, arg)
            if arg not in MMCV_EMA_DEFAULTS and arg != 'priority':
                self.report(plan, MANUAL, f'{key}.{arg}',
                            f"MMCV's EMAHook takes no argument {arg!r} (TypeError when "
                            'built): kept as written', kind='ema-args', path=path, marked=True)
        if valid:
            self._report_formula(plan, key, path, momentum, interval, warm_up)
        self._report_swaps(plan, key, path)
        if args['resume_from'] is not None:
            src = args['resume_from']
            self.report(plan, MANUAL, f'{key}.resume_from',
                        f'EMAHook.resume_from={src!r} resumed the whole run from that '
                        "checkpoint before training (MMCV's runner.resume, its ema_* buffers "
                        f"included); MMEngine's EMAHook has no such argument: set "
                        f'load_from={src!r} and resume=True (the EMA of an MMCV checkpoint '
                        'restarts from its weights)', kind='ema-resume', path=path,
                        marked=True)
        return new

    def _report_formula(self, plan: Plan, key: str, path: tuple, momentum: float,
                        interval: int, warm_up: float) -> None:
        bites = kernel.warm_up_updates(momentum, interval, warm_up)
        per_update = f'momentum {momentum ** interval:.4g}' + (
            f' ({momentum}**{interval}) every {interval} iterations' if interval > 1 else '')
        if bites:
            how = ("MMCV's EMA starts from the weights before training and its warm-up lowers "
                   f'the momentum to (1+t)/({warm_up}+t) up to iteration {(bites - 1) * interval}'
                   f"; MMEngine's starts from the weights after iteration 0 with {per_update}")
        else:
            how = ("MMCV's EMA starts from the weights before training, MMEngine's from the "
                   f'weights after iteration 0 (warm_up={warm_up} never lowers {per_update} '
                   'here)')
        parts = [f'{kernel.deviation_after(momentum, interval, warm_up, 1):.6g} after '
                 'iteration 0']
        iters = _run_iterations(plan)
        end = kernel.deviation_after(momentum, interval, warm_up, iters) if iters else None
        if end is not None:
            parts.append(f'{end:.3g} after the last ({iters - 1})')
        until = kernel.iterations_until(momentum, interval, warm_up, NEGLIGIBLE)
        if until is not None:
            parts.append(f'under 1e-6 from iteration {until}')
        self.report(plan, APPROXIMATION, key,
                    f'{how}: averaging-weight deviation {", ".join(parts)}',
                    kind='ema-formula', deviation=end, path=path)

    def _report_swaps(self, plan: Plan, key: str, path: tuple) -> None:
        if plan.facts.get('runner_type') == 'IterBasedRunner':
            self.report(plan, APPROXIMATION, key,
                        "MMCV's IterBasedRunner calls no epoch hooks, so its EMAHook never "
                        'swapped the EMA in: validation and checkpoints used the raw weights; '
                        'MMEngine validates and saves the EMA weights', kind='ema-swap',
                        path=path)
            return
        self.report(plan, NOTE, key,
                    'MMCV swapped the EMA into the model after each train epoch (evaluation '
                    'and checkpoints saw it; raw weights as ema_* buffers); MMEngine swaps it '
                    'in for validation and saving (raw weights in ema_state_dict): an MMCV '
                    'checkpoint does not resume the EMA', kind='ema-swap', path=path,
                    marked=True)


def _valid(momentum: Any, interval: Any, warm_up: Any) -> bool:
    return (hook_list.is_number(momentum) and 0 < momentum < 1
            and isinstance(interval, int) and not isinstance(interval, bool) and interval > 0
            and hook_list.is_number(warm_up) and warm_up > 0)


def _invalid_message(momentum: Any, interval: Any, warm_up: Any) -> str:
    if not (hook_list.is_number(momentum) and 0 < momentum < 1):
        return (f'momentum={momentum!r}: MMCV asserts 0 < momentum < 1 (AssertionError when '
                'built); kept as written')
    if not (isinstance(interval, int) and not isinstance(interval, bool) and interval > 0):
        return (f'interval={interval!r}: MMCV asserts a positive int (AssertionError when '
                'built); kept as written')
    return (f'warm_up={warm_up!r}: (1+t)/(warm_up+t) is no momentum for warm_up <= 0 (MMCV '
            'divides by zero or diverges); the momentum is kept as written: give warm_up >= 1')


def _run_iterations(plan: Plan) -> Optional[int]:
    """The run's length in iterations, where the config (and --epoch-len) say it."""
    if plan.facts.get('runner_type') == 'IterBasedRunner':
        iters = plan.facts.get('max_iters')
    elif plan.facts.get('max_epochs') is not None and plan.epoch_len:
        iters = plan.facts['max_epochs'] * plan.epoch_len
    else:
        iters = None
    return iters if isinstance(iters, int) and iters > 0 else None
