"""MIG041 ``logger-hooks-to-vis-backends``:
log_config.hooks become visualizer.vis_backends (TextLoggerHook: LocalVisBackend; Tensorboard,
Wandb, Mlflow, Neptune, Dvclive, ClearML: their back ends with every argument that has a
counterpart); the rest is reported.

Golden pairs: ``fixtures/rule_cases/MIG041/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG041'

REPORTS = {
    'carried_arguments': report(
        rules=['MIG040', 'MIG041'],
        written=['default_hooks', 'log_processor', 'visualizer'],
        removed=['log_config'],
        findings=[
            finding('MIG041', 'approximation', 'log_config.hooks[2].with_step',
                    "W&B's step counts log calls (MMCV: the iteration, with_step=True); the "
                    "iteration is logged as 'iter': define_metric_cfg=[dict(name='*', "
                    "step_metric='iter')] plots against it", kind='logger-step'),
            finding('MIG041', 'note', 'log_config.hooks[3]',
                    "runs go to a file store in <work_dir>/<timestamp>/vis_data (MMCV: mlflow's "
                    'default, MLFLOW_TRACKING_URI or ./mlruns): set tracking_uri to keep them '
                    'where they were; MMEngine also logs the config and uploads the work_dir '
                    'files ending in artifact_suffix'),
            finding('MIG041', 'note', 'log_config.hooks[4]',
                    'MMEngine also connects the config to the ClearML task and uploads the '
                    'work_dir files ending in artifact_suffix (.py, .pth)'),
            finding('MIG041', 'note', 'log_config.hooks',
                    "scalar names change: MMCV's logger hooks logged 'train/<loss>', "
                    "'learning_rate' and 'momentum'; MMEngine's back ends get '<loss>', 'lr', "
                    "'time', 'data_time' (log_processor.log_with_hierarchy=True gives "
                    "'train/<loss>')"),
        ],
    ),
    'more_backends': report(
        rules=['MIG010', 'MIG040', 'MIG041'],
        written=['train_cfg', 'default_hooks', 'log_processor', 'visualizer'],
        removed=['runner', 'log_config'],
        findings=[
            finding('MIG041', 'approximation', 'log_config.hooks[1].with_step',
                    'Neptune values are logged at the iteration (MMCV, with_step=False: all tags '
                    'at once without a step)', kind='logger-step'),
            finding('MIG041', 'dropped', 'log_config.hooks[2].model_file',
                    'MMCV saved a checkpoint to model_file after every train epoch; '
                    'DVCLiveVisBackend saves none'),
            finding('MIG041', 'note', 'log_config.hooks[2]',
                    "DVCLive writes to <work_dir>/<timestamp>/vis_data (MMCV: dvclive's default "
                    './dvclive) unless init_kwargs sets dir; MMEngine also sets '
                    'save_dvc_exp=True and cache_images=True'),
            finding('MIG041', 'dropped', 'log_config.hooks[3].log_model',
                    'MMCV logged the trained model with mlflow.pytorch.log_model after the run; '
                    'MLflowVisBackend logs no model'),
            finding('MIG041', 'note', 'log_config.hooks[3]',
                    "runs go to a file store in <work_dir>/<timestamp>/vis_data (MMCV: mlflow's "
                    'default, MLFLOW_TRACKING_URI or ./mlruns): set tracking_uri to keep them '
                    'where they were; MMEngine also logs the config and uploads the work_dir '
                    'files ending in artifact_suffix'),
            finding('MIG041', 'dropped', 'log_config.hooks[4]',
                    'PaviLoggerHook has no MMEngine back end: its logging is gone'),
            finding('MIG041', 'dropped', 'log_config.hooks[5]',
                    'SegmindLoggerHook has no MMEngine back end: its logging is gone'),
            finding('MIG041', 'note', 'log_config.hooks',
                    "scalar names change: MMCV's logger hooks logged 'train/<loss>', "
                    "'learning_rate' and 'momentum'; MMEngine's back ends get '<loss>', 'lr', "
                    "'time', 'data_time' (log_processor.log_with_hierarchy=True gives "
                    "'train/<loss>')"),
        ],
    ),
    'no_text_logger_duplicates': report(
        rules=['MIG040', 'MIG041'],
        written=['default_hooks', 'log_processor', 'visualizer'],
        removed=['log_config'],
        findings=[
            finding('MIG041', 'approximation', 'log_config.hooks[1]',
                    'MMEngine logs to TensorboardVisBackend when the LoggerHook logs: every 50 '
                    'iterations (MMCV: 10), ignore_last=True (MMCV: False)', kind='logger-timing'),
            finding('MIG041', 'note', 'log_config.hooks[2]',
                    'the same TensorboardVisBackend as an earlier hook: written once'),
            finding('MIG041', 'approximation', 'log_config.hooks[3]',
                    'MMEngine logs to ClearMLVisBackend when the LoggerHook logs: counting in '
                    'the epoch (MMCV: from the start)', kind='logger-timing'),
            finding('MIG041', 'dropped', 'log_config.hooks[3].reset_flag',
                    'reset_flag=True: no equivalent (MMEngine keeps no shared log buffer to '
                    'clear; every back end gets every logged value)'),
            finding('MIG041', 'note', 'log_config.hooks[3]',
                    'MMEngine also connects the config to the ClearML task and uploads the '
                    'work_dir files ending in artifact_suffix (.py, .pth)'),
            finding('MIG041', 'note', 'log_config.hooks',
                    'no TextLoggerHook: MMCV wrote no text log nor .log.json; MMEngine always '
                    "writes the text log, and LocalVisBackend's scalars.json"),
            finding('MIG041', 'note', 'log_config.hooks',
                    "scalar names change: MMCV's logger hooks logged 'train/<loss>', "
                    "'learning_rate' and 'momentum'; MMEngine's back ends get '<loss>', 'lr', "
                    "'time', 'data_time' (log_processor.log_with_hierarchy=True gives "
                    "'train/<loss>')"),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_log_config'),
    pytest.param(
        "visualizer = dict(type='Visualizer', vis_backends=[\n"
        "    dict(type='LocalVisBackend'), dict(type='WandbVisBackend')])\n",
        id='already_vis_backends'),
    pytest.param("log_hooks = [dict(type='TensorboardLoggerHook')]\n", id='similar_name'),
    pytest.param("model = dict(type='X', log_config=dict(hooks=[dict(type='WandbLoggerHook')]))\n",
                 id='nested_in_model'),
    pytest.param({'base.py': "log_config = dict(\n"
                             "    interval=50, hooks=[dict(type='MlflowLoggerHook')])\n",
                  'config.py': "_base_ = ['./base.py']\nmodel = dict(type='ResNet')\n"},
                 id='leaf_of_legacy_base'),
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
