"""MIG030: ``checkpoint_config`` -> ``default_hooks.checkpoint``."""
from __future__ import annotations

from migrate.rules.base import APPROXIMATION, DROPPED, Plan, Rule
from migrate.tables import CHECKPOINT_SAME_ARGS


class CheckpointConfigToHook(Rule):
    id = 'MIG030'
    name = 'checkpoint-config-to-hook'
    summary = ('checkpoint_config becomes default_hooks.checkpoint (create_symlink dropped: '
               'MMEngine raises on it; sync_buffer becomes a SyncBuffersHook)')
    legacy_keys = ('checkpoint_config',)
    new_keys = ('default_hooks', 'custom_hooks')

    def apply(self, plan: Plan) -> None:
        cfg = plan.get('checkpoint_config')
        plan.consume('checkpoint_config')
        hook = ('default_hooks', 'checkpoint')
        # The evaluation rule runs first and may have put save_best/rule on the hook (or, with
        # no checkpoint_config, a hook that only keeps the best): keep what it wrote.
        from_evaluation = plan.lookup(hook)
        if cfg is None:
            if from_evaluation is None:
                plan.set(hook, None)
            return
        new = {'type': 'CheckpointHook'}
        # MMCV's default interval is -1; MMEngine's runner default is 1: write it.
        new['interval'] = cfg.pop('interval', -1)
        for key in CHECKPOINT_SAME_ARGS:
            if key in cfg:
                new[key] = cfg.pop(key)
        if plan.facts.get('runner_type') == 'IterBasedRunner':
            new.setdefault('by_epoch', False)   # IterBasedRunner.register_training_hooks
        plan.set(hook, new, origin=('checkpoint_config',))
        for key in new:
            if key != 'type':
                plan.origins[hook + (key,)] = ('checkpoint_config', key)
        if isinstance(from_evaluation, dict):
            new.update({k: v for k, v in from_evaluation.items()
                        if k not in new and k not in ('interval', 'save_last')})
        if 'create_symlink' in cfg:
            cfg.pop('create_symlink')
            self.report(plan, DROPPED, 'checkpoint_config.create_symlink',
                        'MMEngine writes work_dir/last_checkpoint instead of latest.pth '
                        '(passing create_symlink raises TypeError)')
        if cfg.pop('sync_buffer', False):
            hooks = list(plan.values.get('custom_hooks') or plan.legacy.get('custom_hooks') or [])
            if not any(isinstance(h, dict) and h.get('type') == 'SyncBuffersHook' for h in hooks):
                hooks.append(dict(type='SyncBuffersHook'))
            plan.set(('custom_hooks',), hooks)
            self.report(plan, APPROXIMATION, 'checkpoint_config.sync_buffer',
                        'SyncBuffersHook all-reduces buffers after each train epoch and before '
                        'validation (MMCV: before saving)', kind='sync-buffer')
        if cfg:
            new.update(cfg)
            self.report(plan, APPROXIMATION, 'checkpoint_config',
                        f'extra arguments {sorted(cfg)} passed through to save_checkpoint',
                        kind='extra-args')
