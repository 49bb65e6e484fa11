"""MIG010: ``runner`` / ``total_epochs`` -> ``train_cfg`` (loop type and length).

Downstream runners that keep an MMCV runner's timeline map to that runner's loop
(:data:`DOWNSTREAM_RUNNERS`). A project's own runner type with a length
(``runner=dict(type='NanSkipEpochBasedRunner', max_epochs=12)``) becomes the loop the
hook-code rule HK010 ports its class to (``train_cfg=dict(type='NanSkipEpochBasedTrainLoop',
max_epochs=12)``, the last ``Runner`` of the name -> ``TrainLoop``), with a finding that the
converted module must be imported. A runner type whose loop kind is unknown (no length, or not
a string) stays as written with a ``# migrate[MIG010]`` marker and a manual finding, and the
rest of the file still converts.
"""
from __future__ import annotations

from engine.errors import ConfigError
from migrate.rules.base import APPROXIMATION, DROPPED, MANUAL, NOTE, Plan, Rule
from migrate.tables import RUNNER_TO_LOOP, loop_name

#: Downstream runner -> the MMCV runner whose loop (and schedule timeline) it keeps.
#: ``EpochBasedRunnerAmp``: the Swin-Transformer object-detection fork
#: (mmcv_custom/runner/epoch_based_runner.py), an EpochBasedRunner whose checkpoints also hold
#: apex's ``amp.state_dict()``.
DOWNSTREAM_RUNNERS = {'EpochBasedRunnerAmp': 'EpochBasedRunner'}


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
        written_type = runner.get('type', 'EpochBasedRunner')
        rtype = DOWNSTREAM_RUNNERS.get(written_type, written_type) \
            if isinstance(written_type, str) else written_type
        if isinstance(rtype, str) and rtype not in RUNNER_TO_LOOP \
                and ('max_epochs' in runner) != ('max_iters' in runner):
            self._custom_runner(plan, runner, total, rtype)
            return
        if not isinstance(rtype, str) or rtype not in RUNNER_TO_LOOP:
            self._keep_unknown_runner(plan, written_type)
            return
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
        plan.consume('runner', 'total_epochs')
        plan.set(('train_cfg', 'type'), loop)
        plan.set(('train_cfg', length_key), length,
                 origin=('runner', length_key) if 'runner' in plan.legacy else origin)
        plan.facts.update(runner_type=rtype, by_epoch=rtype == 'EpochBasedRunner',
                          max_epochs=length if length_key == 'max_epochs' else None,
                          max_iters=length if length_key == 'max_iters' else None)
        if written_type in DOWNSTREAM_RUNNERS:
            self._report_downstream_runner(plan, written_type, loop)
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

    def _custom_runner(self, plan: Plan, runner: dict, total: object, rtype: str) -> None:
        """A project's own runner: the loop HK010 ports its class to, of the kind its length
        key names (``max_epochs``: an EpochBasedRunner subclass, ``max_iters``: an
        IterBasedRunner one)."""
        length_key = 'max_epochs' if 'max_epochs' in runner else 'max_iters'
        base = 'EpochBasedRunner' if length_key == 'max_epochs' else 'IterBasedRunner'
        if total is not None and (length_key != 'max_epochs' or runner['max_epochs'] != total):
            raise ConfigError(f'total_epochs={total} disagrees with runner {runner!r} (MMDet '
                              'asserts they are equal)', file=plan.source, key='total_epochs',
                              fix='drop total_epochs')
        loop, length = loop_name(rtype), runner[length_key]
        plan.consume('runner', 'total_epochs')
        plan.set(('train_cfg', 'type'), loop, origin=('runner', 'type'))
        plan.set(('train_cfg', length_key), length, origin=('runner', length_key))
        plan.facts.update(runner_type=base, by_epoch=length_key == 'max_epochs',
                          max_epochs=length if length_key == 'max_epochs' else None,
                          max_iters=length if length_key == 'max_iters' else None)
        imports = plan.legacy.get('custom_imports')
        self.report(plan, NOTE if imports else MANUAL, 'runner.type',
                    f'custom runner {rtype!r}: written as train_cfg type {loop!r}, the loop '
                    f'HK010 ports the {base} subclass {rtype} to (the last Runner of its name '
                    f'-> TrainLoop, registered in LOOPS; the schedule keeps the {base} '
                    'timeline); the converted module that defines it must be imported where '
                    'the runner module was (custom_imports'
                    f'{" lists modules: keep it there" if imports else ""}); if HK010 left '
                    f'{rtype} marked, write the loop {loop} by hand',
                    kind='custom-runner', path=('train_cfg', 'type'), marked=True)
        extra = sorted(set(runner) - {'type', 'max_epochs', 'max_iters'})
        if extra:
            self.report(plan, DROPPED, 'runner',
                        f'runner arguments {extra} are not converted: a ported loop takes its '
                        'own arguments in train_cfg')
        if length_key == 'max_iters' and isinstance(plan.legacy.get('evaluation'), dict):
            self.report(plan, APPROXIMATION, 'evaluation',
                        "MMDet-style training set evaluation by_epoch for every runner type but "
                        f"'IterBasedRunner', so under {rtype!r} the legacy run never evaluated "
                        '(an iteration runner fires no after_train_epoch); the converted run '
                        'validates every evaluation.interval iterations',
                        kind='custom-iter-runner-eval')

    def _keep_unknown_runner(self, plan: Plan, rtype: object) -> None:
        """Leave ``runner`` (and ``total_epochs``) as written, marked, for a manual port."""
        plan.facts['runner_unmodelled'] = rtype
        # keyed on the whole key it leaves behind (the meaning check's excuse for it)
        self.report(plan, MANUAL, 'runner',
                    f'unknown runner type {rtype!r} left as written: nobody models its loop; '
                    'port it to a train loop (train_cfg=dict(type=...) with a custom loop class, '
                    'or EpochBasedTrainLoop/IterBasedTrainLoop if it keeps their timeline) '
                    'and convert again', kind='unknown-runner', path=('runner',))

    def _report_downstream_runner(self, plan: Plan, rtype: str, loop: str) -> None:
        fp16 = plan.legacy.get('fp16') is not None or _uses_apex(plan.legacy)
        if fp16:
            self.report(plan, MANUAL, 'runner.type',
                        f'{rtype} became {loop}; it also saved and loaded apex amp state '
                        '(amp.state_dict()) in checkpoints, which MMEngine has no place for: '
                        "choose optim_wrapper=dict(type='AmpOptimWrapper') (torch.cuda.amp) "
                        'for mixed precision, and do not resume an apex checkpoint\'s loss '
                        'scaler', kind='apex-amp')
        else:
            self.report(plan, NOTE, 'runner.type',
                        f'{rtype} became {loop} (with no fp16/apex settings it ran as an '
                        'EpochBasedRunner)', kind='downstream-runner')


def _uses_apex(legacy: dict) -> bool:
    """The Swin fork's apex set-up: ``optimizer_config`` with ``use_fp16=True``
    (its DistOptimizerHook calls ``apex.amp.scale_loss``)."""
    hook = legacy.get('optimizer_config')
    return isinstance(hook, dict) and bool(hook.get('use_fp16'))
