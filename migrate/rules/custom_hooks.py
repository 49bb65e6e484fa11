"""MIG060: ``custom_hooks`` are kept with their priorities; hooks with no MMEngine equivalent
are reported and removed (EMAHook and ProfilerHook have rules of their own: MIG061, MIG062)."""
from __future__ import annotations

from migrate.rules import _custom_hook_list as hook_list
from migrate.rules.base import DROPPED, NOTE, Plan, Rule
from migrate.tables import CUSTOM_HOOKS_WITHOUT_EQUIVALENT, is_legacy_custom_hook


class CustomHooks(Rule):
    id = 'MIG060'
    name = 'custom-hooks'
    summary = ('custom_hooks keep their priorities; hooks with no equivalent are reported and '
               'removed')
    legacy_keys = ('custom_hooks',)
    new_keys = ('custom_hooks',)

    def applies(self, plan: Plan) -> bool:
        return any(is_legacy_custom_hook(h) for h in hook_list.legacy_hooks(plan))

    def apply(self, plan: Plan) -> None:
        kept = []
        for _, old_index, hook in list(hook_list.entries(plan)):
            htype = hook.get('type') if isinstance(hook, dict) else None
            if htype in CUSTOM_HOOKS_WITHOUT_EQUIVALENT:
                self.report(plan, DROPPED, f'custom_hooks[{old_index}]',
                            f'{htype} has no MMEngine equivalent: write a Hook subclass',
                            path=('custom_hooks',), marked=True)
                continue
            kept.append((old_index, hook))
        hook_list.set_entries(plan, kept)
        if any(isinstance(h, dict) and 'priority' in h for _, h in kept):
            self.report(plan, NOTE, 'custom_hooks', 'priorities are kept; note the default '
                        'hooks moved: checkpoint NORMAL->VERY_LOW, logger VERY_LOW->'
                        'BELOW_NORMAL, timer LOW->NORMAL, schedulers VERY_HIGH->LOW')
