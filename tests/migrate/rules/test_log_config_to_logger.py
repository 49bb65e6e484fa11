"""MIG040 ``log-config-to-logger``:
log_config.interval (or the TextLoggerHook's own) becomes default_hooks.logger.interval and
log_processor.window_size; TextLoggerHook arguments go to the LoggerHook.

Golden pairs: ``fixtures/rule_cases/MIG040/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG040'

REPORTS = {
    'iter_runner_dropped_hooks': report(
        rules=['MIG010', 'MIG040', 'MIG041'],
        written=['train_cfg', 'default_hooks', 'log_processor', 'visualizer'],
        removed=['runner', 'log_config'],
        findings=[
            finding('MIG040', 'dropped', 'log_config.hooks[0].reset_flag',
                    'no equivalent in MMEngine'),
            finding('MIG040', 'dropped', 'log_config',
                    "ignored by MMCV too: ['ignore_me']"),
            finding('MIG041', 'dropped', 'log_config.hooks[1]',
                    'PaviLoggerHook has no MMEngine back end: its logging is gone'),
            finding('MIG041', 'manual', 'log_config.hooks[2].type',
                    "unknown logger hook 'MyLoggerHook': write a VisBackend for it (not carried "
                    'over)'),
        ],
    ),
    'log_config_none': report(
        rules=['MIG040'],
        written=['default_hooks'],
        removed=['log_config'],
        findings=[
            finding('MIG040', 'note', 'log_config',
                    'no logging in MMCV: the logger hook is off'),
        ],
    ),
    'loggers': report(
        rules=['MIG040', 'MIG041'],
        written=['default_hooks', 'log_processor', 'visualizer'],
        removed=['log_config'],
        findings=[
            finding('MIG041', 'note', 'log_config.hooks[1]',
                    'TensorBoard events go to <work_dir>/<timestamp>/vis_data (MMCV: '
                    '<work_dir>/tf_logs)'),
            finding('MIG041', 'approximation', 'log_config.hooks[2].with_step',
                    "W&B's step counts log calls (MMCV: the iteration, with_step=True); the "
                    "iteration is logged as 'iter': define_metric_cfg=[dict(name='*', "
                    "step_metric='iter')] plots against it", kind='logger-step'),
            finding('MIG041', 'dropped', 'log_config.hooks[2].log_artifact',
                    "MMCV uploaded the work_dir files ending in ('.log.json', '.log', '.py') as "
                    'a W&B artifact after the run; WandbVisBackend uploads none'),
            finding('MIG041', 'note', 'log_config.hooks[2]',
                    "wandb's files go to <work_dir>/<timestamp>/vis_data (MMCV: ./wandb) unless "
                    'init_kwargs sets dir'),
            finding('MIG041', 'note', 'log_config.hooks',
                    "scalar names change: MMCV's logger hooks logged 'train/<loss>', "
                    "'learning_rate' and 'momentum'; MMEngine's back ends get '<loss>', 'lr', "
                    "'time', 'data_time' (log_processor.log_with_hierarchy=True gives "
                    "'train/<loss>')"),
        ],
    ),
    'text_hook_interval': report(
        rules=['MIG040', 'MIG041'],
        written=['default_hooks', 'log_processor', 'visualizer'],
        removed=['log_config'],
        findings=[
            finding('MIG041', 'approximation', 'log_config.hooks[1]',
                    'MMEngine logs to TensorboardVisBackend when the LoggerHook logs: every 10 '
                    'iterations (MMCV: 50), ignore_last=False (MMCV: True)', kind='logger-timing'),
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
        "default_hooks = dict(logger=dict(type='LoggerHook', interval=50))\n"
        "log_processor = dict(type='LogProcessor', window_size=50, by_epoch=True)\n"
        "log_level = 'INFO'\n",
        id='already_logger_hook'),
    pytest.param("log_config_file = 'logging.yaml'\n", id='similar_name'),
    pytest.param("model = dict(type='X', log_config=dict(interval=50))\n",
                 id='nested_in_model'),
    pytest.param("# log_config = dict(interval=50, hooks=[dict(type='TextLoggerHook')])\n",
                 id='commented_out'),
    pytest.param({'base.py': "log_config = dict(\n"
                             "    interval=50, hooks=[dict(type='TextLoggerHook')])\n",
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
