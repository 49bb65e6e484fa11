"""MIG010: ``runner`` / ``total_epochs`` -> ``train_cfg`` (loop type and length)."""
from __future__ import annotations

from engine.errors import ConfigError
from migrate.rules.base import DROPPED, NOTE, Plan, Rule
from migrate.tables import RUNNER_TO_LOOP


class RunnerToTrainCfg(Rule):
    id = 'MIG010'
    name = 'runner-to-train-cfg'
    summary = ('runner=dict(type, max_epochs|max_iters) and total_epochs become '
               'train_cfg=dict(type=<Epoch|Iter>BasedTrainLoop, max_epochs|max_iters)')
    legacy_keys = ('runner', 'total_epochs')
    new_keys = ('train_cfg',)

    def apply(self, plan: Plan) -> None:
        runner = plan.get('runner')
        total = plan.get('total_epochs')
        plan.consume('runner', 'total_epochs')
        if runner is None:
            if total is None:
                return
            # MMDet 2.x compat_runner_args: total_epochs alone means an epoch runner.
            runner = dict(type='EpochBasedRunner', max_epochs=total)
            origin = ('total_epochs',)
        else:
            origin = ('runner', 'max_epochs')
        if not isinstance(runner, dict):
            raise ConfigError(f'must be a dict, got {runner!r}', file=plan.source, key='runner',
                              fix="write runner = dict(type='EpochBasedRunner', max_epochs=N)")
        rtype = runner.get('type', 'EpochBasedRunner')
        if rtype not in RUNNER_TO_LOOP:
            raise ConfigError(f'unknown runner type {rtype!r}', file=plan.source,
                              key='runner.type',
                              fix='use EpochBasedRunner or IterBasedRunner, or port the custom '
                                  'runner to a train loop (train_cfg=dict(type=...)) first')
        if 'max_epochs' in runner and 'max_iters' in runner:
            raise ConfigError('sets both max_epochs and max_iters (MMCV raises on this too)',
                              file=plan.source, key='runner', fix='keep only one of them')
        loop, length_key = RUNNER_TO_LOOP[rtype]
        if total is not None and runner.get('max_epochs', total) != total:
            raise ConfigError(f'total_epochs={total} disagrees with runner.max_epochs='
                              f"{runner.get('max_epochs')} (MMDet asserts they are equal)",
                              file=plan.source, key='total_epochs', fix='drop total_epochs')
        length = runner.get(length_key)
        if length is None and rtype == 'EpochBasedRunner':
            length = total
        if length is None:
            raise ConfigError(f'{rtype} needs {length_key}', file=plan.source,
                              key=f'runner.{length_key}',
                              fix=f'add {length_key}=N to runner')
        plan.set(('train_cfg', 'type'), loop)
        plan.set(('train_cfg', length_key), length,
                 origin=('runner', length_key) if 'runner' in plan.legacy else origin)
        plan.facts.update(runner_type=rtype, by_epoch=rtype == 'EpochBasedRunner',
                          max_epochs=length if length_key == 'max_epochs' else None,
                          max_iters=length if length_key == 'max_iters' else None)
        if 'constructor' in runner:
            self.report(plan, DROPPED, 'runner.constructor',
                        f"runner constructor {runner['constructor']!r} has no config "
                        'equivalent: port it to a custom Runner class and set runner_type')
        extra = sorted(set(runner) - {'type', 'max_epochs', 'max_iters', 'constructor'})
        if extra:
            self.report(plan, DROPPED, 'runner', f'runner arguments {extra} are not converted')
        if total is not None and 'runner' not in plan.legacy:
            self.report(plan, NOTE, 'total_epochs',
                        'total_epochs alone meant an EpochBasedRunner (MMDet 2.x rule)')
