"""MIG010 ``runner-to-train-cfg``:
runner=dict(type, max_epochs|max_iters) and total_epochs become
train_cfg=dict(type=<Epoch|Iter>BasedTrainLoop, max_epochs|max_iters).

Golden pairs: ``fixtures/rule_cases/MIG010/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG010'

REPORTS = {
    'epoch_runner': report(
        rules=['MIG010'],
        written=['train_cfg'],
        removed=['runner'],
        untouched=['max_epochs'],
    ),
    'iter_runner': report(
        rules=['MIG010', 'MIG030'],
        written=['train_cfg', 'default_hooks'],
        removed=['runner', 'checkpoint_config'],
    ),
    'negative_new_style': report(
        untouched=['train_cfg'],
    ),
    'total_epochs': report(
        rules=['MIG010'],
        written=['train_cfg'],
        removed=['total_epochs'],
        findings=[
            finding('MIG010', 'note', 'total_epochs',
                    'total_epochs alone meant an EpochBasedRunner (MMDet 2.x rule)'),
        ],
    ),
    'downstream_runner_amp': report(
        rules=['MIG010'],
        written=['train_cfg'],
        removed=['runner'],
        findings=[
            finding('MIG010', 'note', 'runner.type',
                    'EpochBasedRunnerAmp became EpochBasedTrainLoop (with no fp16/apex settings '
                    'it ran as an EpochBasedRunner)', kind='downstream-runner'),
        ],
    ),
    'downstream_runner_amp_apex': report(
        rules=['MIG010', 'MIG002', 'MIG003'],
        written=['train_cfg', 'optim_wrapper'],
        removed=['runner', 'optimizer_config', 'fp16'],
        findings=[
            finding('MIG010', 'manual', 'runner.type',
                    'EpochBasedRunnerAmp became EpochBasedTrainLoop; it also saved and loaded '
                    'apex amp state (amp.state_dict()) in checkpoints, which MMEngine has no '
                    "place for: choose optim_wrapper=dict(type='AmpOptimWrapper') "
                    '(torch.cuda.amp) for mixed precision, and do not resume an apex '
                    "checkpoint's loss scaler", kind='apex-amp'),
            finding('MIG002', 'approximation', 'optimizer_config.type',
                    'AMP: autocast now covers the whole forward (MMCV: @auto_fp16 methods)',
                    kind='amp-scope'),
            finding('MIG002', 'note', 'optimizer_config',
                    "obsolete arguments dropped: ['coalesce', 'bucket_size_mb']"),
        ],
    ),
    'custom_runner_ported': report(
        rules=['MIG010'],
        written=['train_cfg'],
        removed=['runner'],
        findings=[
            finding('MIG010', 'note', 'runner.type',
                    "custom runner 'NanSkipEpochBasedRunner': written as train_cfg type "
                    "'NanSkipEpochBasedTrainLoop', the loop HK010 ports the EpochBasedRunner "
                    'subclass NanSkipEpochBasedRunner to (the last Runner of its name -> '
                    'TrainLoop, registered in LOOPS; the schedule keeps the EpochBasedRunner '
                    'timeline); the converted module that defines it must be imported where '
                    'the runner module was (custom_imports lists modules: keep it there); if '
                    'HK010 left NanSkipEpochBasedRunner marked, write the loop '
                    'NanSkipEpochBasedTrainLoop by hand', kind='custom-runner'),
        ],
        untouched=['custom_imports'],
    ),
    'custom_iter_runner_no_imports': report(
        rules=['MIG010', 'MIG020'],
        written=['train_cfg', 'val_evaluator', 'val_cfg'],
        removed=['runner', 'evaluation'],
        findings=[
            finding('MIG010', 'manual', 'runner.type',
                    "custom runner 'ProgressIterBasedRunner': written as train_cfg type "
                    "'ProgressIterBasedTrainLoop', the loop HK010 ports the IterBasedRunner "
                    'subclass ProgressIterBasedRunner to (the last Runner of its name -> '
                    'TrainLoop, registered in LOOPS; the schedule keeps the IterBasedRunner '
                    'timeline); the converted module that defines it must be imported where '
                    'the runner module was (custom_imports); if HK010 left '
                    'ProgressIterBasedRunner marked, write the loop ProgressIterBasedTrainLoop '
                    'by hand', kind='custom-runner'),
            finding('MIG010', 'approximation', 'evaluation',
                    "MMDet-style training set evaluation by_epoch for every runner type but "
                    "'IterBasedRunner', so under 'ProgressIterBasedRunner' the legacy run never "
                    'evaluated (an iteration runner fires no after_train_epoch); the converted '
                    'run validates every evaluation.interval iterations',
                    kind='custom-iter-runner-eval'),
            finding('MIG020', 'manual', 'evaluation.metric',
                    'set val_evaluator.type to the task metric (MMCV called '
                    'dataset.evaluate(**kwargs); MMEngine builds a Metric)'),
        ],
    ),
    'unknown_runner_kept': report(
        rules=['MIG010', 'MIG030'],
        written=['default_hooks'],
        removed=['checkpoint_config'],
        findings=[
            finding('MIG010', 'manual', 'runner',
                    "unknown runner type 'MyEpochRunner' left as written: nobody models its "
                    'loop; port it to a train loop (train_cfg=dict(type=...) with a custom loop '
                    'class, or EpochBasedTrainLoop/IterBasedTrainLoop if it keeps their '
                    'timeline) and convert again', kind='unknown-runner'),
        ],
        untouched=['runner'],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_runner'),
    pytest.param("runner_type = 'Runner'\n", id='similar_name_new_key'),
    pytest.param("max_epochs = 12\nruns = dict(type='EpochBasedRunner', max_epochs=max_epochs)\n",
                 id='similar_name'),
    pytest.param("model = dict(type='X', runner=dict(type='EpochBasedRunner', max_epochs=1))\n",
                 id='nested_in_model'),
    pytest.param("# runner = dict(type='EpochBasedRunner', max_epochs=12)\n# total_epochs = 12\n",
                 id='commented_out'),
    pytest.param({'base.py': "runner = dict(type='EpochBasedRunner', max_epochs=12)\n",
                  'config.py': "_base_ = ['./base.py']\nmodel = dict(type='ResNet')\n"},
                 id='leaf_of_legacy_base'),
    pytest.param("# migrate[MIG010]: unknown runner type 'MyEpochRunner' left as written: nobody "
                 "models its loop; port it to a train loop (train_cfg=dict(type=...) with a "
                 "custom loop class, or EpochBasedTrainLoop/IterBasedTrainLoop if it keeps their "
                 "timeline) and convert again\n"
                 "runner = dict(type='MyEpochRunner')\n",
                 id='unknown_runner_marked_already'),
]


@pytest.mark.parametrize('case', golden_cases(RULE))
def test_golden_pair(case):
    assert_golden_pair(RULE, case)


@pytest.mark.parametrize('case', golden_cases(RULE))
def test_idempotent(case):
    assert_idempotent(RULE, case)


@pytest.mark.parametrize('case', report_cases(RULE, REPORTS))
def test_report(case):
    assert_report(RULE, case, REPORTS)


@pytest.mark.parametrize('source', NOOPS)
def test_noop(source, tmp_path):
    assert_noop(source, tmp_path)
