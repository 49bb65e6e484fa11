"""MIG060: ``custom_hooks`` are kept with their priorities; MMCV hooks whose arguments or
semantics changed (EMAHook, ProfilerHook) are rewritten and reported."""
from __future__ import annotations

from migrate.rules.base import APPROXIMATION, DROPPED, NOTE, Plan, Rule
from migrate.tables import CUSTOM_HOOK_ARGS, CUSTOM_HOOKS_WITHOUT_EQUIVALENT


class CustomHooks(Rule):
    id = 'MIG060'
    name = 'custom-hooks'
    summary = ('custom_hooks keep their priorities; EMAHook and ProfilerHook arguments are '
               'renamed, hooks with no equivalent are reported')
    legacy_keys = ('custom_hooks',)
    new_keys = ('custom_hooks',)

    def applies(self, plan: Plan) -> bool:
        hooks = plan.legacy.get('custom_hooks')
        return isinstance(hooks, list) and any(
            isinstance(h, dict) and (h.get('type') in CUSTOM_HOOK_ARGS
                                     or h.get('type') in CUSTOM_HOOKS_WITHOUT_EQUIVALENT)
            and 'ema_type' not in h and 'profile_times' not in h for h in hooks)

    def apply(self, plan: Plan) -> None:
        hooks = plan.get('custom_hooks')
        plan.consume('custom_hooks')
        out = []
        for i, hook in enumerate(hooks):
            key = f'custom_hooks[{i}]'
            htype = hook.get('type') if isinstance(hook, dict) else None
            if htype in CUSTOM_HOOKS_WITHOUT_EQUIVALENT:
                self.report(plan, DROPPED, key, f'{htype} has no MMEngine equivalent: write a '
                            'Hook subclass')
                continue
            if htype not in CUSTOM_HOOK_ARGS or 'ema_type' in hook or 'profile_times' in hook:
                out.append(hook)
                plan.origins[('custom_hooks', len(out) - 1)] = ('custom_hooks', i)
                continue
            new_type, renames = CUSTOM_HOOK_ARGS[htype]
            new = {'type': new_type}
            if htype == 'EMAHook':
                new['ema_type'] = 'ExponentialMovingAverage'
            for arg, value in hook.items():
                if arg == 'type':
                    continue
                if arg in renames:
                    if renames[arg] is None:
                        self.report(plan, DROPPED, f'{key}.{arg}', f'{htype}.{arg} has no '
                                    'equivalent')
                    else:
                        new[renames[arg]] = value
                else:
                    new[arg] = value
            if htype == 'EMAHook':
                momentum = hook.get('momentum', 0.0002)
                interval = hook.get('interval', 1)
                new.setdefault('momentum', momentum)
                self.report(plan, APPROXIMATION, key,
                            f'MMCV EMA used momentum**interval and a warm-up min(m, (1+t)/'
                            f'(warm_up+t)); MMEngine uses momentum={momentum} every {interval} '
                            'iterations; EMA weights move to ema_state_dict',
                            kind='ema-formula', path=('custom_hooks', len(out)))
            out.append(new)
        plan.set(('custom_hooks',), out)
        if any(isinstance(h, dict) and 'priority' in h for h in out):
            self.report(plan, NOTE, 'custom_hooks', 'priorities are kept; note the default '
                        'hooks moved: checkpoint NORMAL->VERY_LOW, logger VERY_LOW->'
                        'BELOW_NORMAL, timer LOW->NORMAL, schedulers VERY_HIGH->LOW')

