"""What the report says for every fixture module (--target mmengine): which rule, how severe,
where; every timeline finding and every manual port is also a marker comment in the file."""
import os

import pytest

from _hook_cases import CONVERTED, LEGACY, TARGETS, convert, findings, modules, read
from migrate.hookcode.context import marker, wrapped
from migrate.hookcode.rules import HOOK_RULES

EXPECTED = {'custom_eval_hook.py': [('HK009', 'note', 'RecordBestEvalHook'),
                         ('HK009', 'note', 'DistRecordBestEvalHook'),
                         ('HK001', 'note', 'mmdet.core')],
 'custom_lr_updater.py': [('HK007', 'note', 'StepDecayLrUpdaterHook'),
                          ('HK001', 'note', 'mmcv.runner'),
                          ('HK001', 'note', 'mmcv.runner.hooks')],
 'custom_lr_updater_shapes.py': [('HK007', 'note', 'CosineCooldownLrUpdaterHook'),
                                 ('HK007', 'note', 'MultiGammaStepLrUpdaterHook'),
                                 ('HK007', 'note', 'LinearRampMomentumUpdaterHook'),
                                 ('HK007', 'manual', 'PlateauLrUpdaterHook'),
                                 ('HK013', 'note', 'MultiGammaStepLR'),
                                 ('HK001', 'note', 'mmcv.runner'),
                                 ('HK001', 'note', 'mmcv.runner')],
 'curve_logger.py': [('HK011', 'manual', 'CurveLoggerHook'),
                      ('HK001', 'note', 'mmcv.runner'),
                      ('HK012', 'manual', 'mmcv.mkdir_or_exist'),
                      ('HK012', 'manual', 'mmcv.dump')],
 'deep_cluster.py': [('HK001', 'note', 'mmcv.runner')],
 'eval_hook_shapes.py': [('HK009', 'note', 'EvalCountHook.after_val_epoch'),
                         ('HK009', 'note', 'EvalCountHook'),
                         ('HK009', 'note', 'EvalCountHook._do_evaluate'),
                         ('HK009', 'approximation', 'EvalCountHook._do_evaluate'),
                         ('HK009', 'note', 'DistEvalCountHook.after_val_epoch'),
                         ('HK009', 'note', 'DistEvalCountHook'),
                         ('HK009', 'approximation', 'DistEvalCountHook._do_evaluate'),
                         ('HK009', 'note', 'DistEvalCountHook._do_evaluate'),
                         ('HK009', 'approximation', 'DistEvalCountHook._do_evaluate'),
                         ('HK001', 'note', 'mmcv.runner')],
 'early_stopping.py': [('HK005', 'note', 'MetricEarlyStopHook.after_train_epoch'),
                       ('HK005', 'note', 'MetricEarlyStopHook.after_val_epoch'),
                       ('HK004', 'note', 'MetricEarlyStopHook.after_val_epoch'),
                       ('HK001', 'note', 'mmcv.runner')],
 'freeze_layers.py': [('HK006', 'note', 'FreezeBackboneHook.before_train'),
                      ('HK001', 'note', 'mmcv.runner'),
                      ('HK001', 'note', 'mmcv.runner.dist_utils'),
                      ('HK001', 'note', 'mmcv.utils')],
 'generic_hook.py': [('HK002', 'note', 'PhaseTimerHook.before_epoch'),
                     ('HK002', 'note', 'PhaseTimerHook.after_iter'),
                     ('HK004', 'note', 'PhaseTimerHook.after_train_iter'),
                     ('HK004', 'note', 'PhaseTimerHook.after_val_iter'),
                     ('HK001', 'note', 'mmcv.runner')],
 'grad_accum_optimizer.py': [('HK008', 'note', 'AccumulateOptimizerHook'),
                             ('HK001', 'note', 'mmcv.runner')],
 'iter_info_hook.py': [('HK002', 'note', 'IterInfoHook.before_train_iter'),
                       ('HK002', 'note', 'IterInfoHook.after_train_iter'),
                       ('HK004', 'note', 'IterInfoHook.before_train_iter'),
                       ('HK004', 'note', 'IterInfoHook.before_train_iter'),
                       ('HK004', 'note', 'IterInfoHook.before_train_iter'),
                       ('HK006', 'note', 'IterInfoHook.after_train_iter'),
                       ('HK006', 'approximation', 'IterInfoHook.after_train_epoch'),
                       ('HK006', 'note', 'IterInfoHook.after_train_epoch'),
                       ('HK001', 'note', 'mmcv.runner')],
 'log_buffer_hook.py': [('HK002', 'note', 'NormLoggerHook.after_train_iter'),
                        ('HK005', 'note', 'NormLoggerHook.after_train_iter'),
                        ('HK006', 'approximation', 'NormLoggerHook.after_train_iter'),
                        ('HK001', 'note', 'mmcv.runner')],
 'log_buffer_reader.py': [('HK002', 'note', 'LatestLossHook.after_train_iter'),
                          ('HK002', 'note', 'IntervalLossLoggerHook.after_train_iter'),
                          ('HK005', 'note', 'LatestLossHook.after_train_iter'),
                          ('HK005', 'note', 'LatestLossHook.after_train_epoch'),
                          ('HK005', 'manual', 'IntervalLossLoggerHook.before_train_epoch'),
                          ('HK005', 'manual', 'IntervalLossLoggerHook.after_train_iter'),
                          ('HK005', 'manual', 'IntervalLossLoggerHook.after_train_iter'),
                          ('HK005', 'manual', 'IntervalLossLoggerHook.after_train_iter'),
                          ('HK005', 'manual', 'IntervalLossLoggerHook.after_train_iter'),
                          ('HK005', 'manual', 'IntervalLossLoggerHook.after_train_epoch'),
                          ('HK005', 'manual', 'IntervalLossLoggerHook.after_train_epoch'),
                          ('HK001', 'note', 'mmcv.runner')],
 'loss_weight_warmup.py': [('HK002', 'note', 'LossWeightWarmupHook.before_train_iter'),
                           ('HK001', 'note', 'mmcv.parallel'),
                           ('HK001', 'note', 'mmcv.runner')],
 'loss_weight_optimizer.py': [('HK008', 'note', 'LossWeightOptimizerHook'),
                              ('HK001', 'note', 'mmcv.runner')],
 'mixed_module.py': [('HK002', 'note', 'LossScaleHook.before_iter'),
                     ('HK004', 'note', 'LossScaleHook.before_train_iter'),
                     ('HK001', 'note', 'mmcv.runner')],
 'mode_switch.py': [('HK001', 'note', 'mmcv.parallel'), ('HK001', 'note', 'mmcv.runner.hooks')],
 'momentum_teacher.py': [('HK002', 'note', 'TeacherMomentumHook.before_train_iter'),
                         ('HK002', 'note', 'TeacherMomentumHook.after_train_iter'),
                         ('HK004', 'note', 'TeacherMomentumHook.before_train_iter'),
                         ('HK004', 'note', 'TeacherMomentumHook.after_train_iter'),
                         ('HK001', 'note', 'mmcv.runner')],
 'not_hook_code.py': [('HK000', 'note', 'module')],
 'precise_bn.py': [('HK001', 'note', 'mmcv.runner'), ('HK001', 'note', 'mmcv.parallel')],
 'runner_subclass.py': [('HK010', 'note', 'NanSkipEpochBasedTrainLoop.run_iter'),
                        ('HK010', 'note', 'NanSkipEpochBasedRunner'),
                        ('HK001', 'note', 'mmcv.runner')],
 'runner_subclass_extras.py': [('HK010', 'note', 'EpochAwareEpochBasedTrainLoop.run_iter'),
                               ('HK010', 'note', 'EpochAwareEpochBasedRunner'),
                               ('HK010', 'note', 'ProgressIterBasedRunner'),
                               ('HK001', 'note', 'mmcv.runner')],
 'wrapper_hook.py': [('HK004', 'note', 'SetEpochInfoHook.before_train_epoch'),
                     ('HK001', 'note', 'mmcv.parallel'),
                     ('HK001', 'note', 'mmcv.runner')]}


@pytest.mark.parametrize('name', modules())
def test_findings(name):
    assert findings(convert(os.path.join(LEGACY, name))['report']) == EXPECTED[name]


@pytest.mark.parametrize('target', TARGETS)
@pytest.mark.parametrize('name', modules())
def test_markers_are_in_the_file(name, target):
    out = convert(os.path.join(LEGACY, name), target)
    text = out['text_out']
    for f in out['report']['findings']:
        marked = f['rule'] in ('HK006', 'HK007', 'HK008', 'HK009', 'HK010') or \
            f['severity'] == 'manual'
        if marked and f['rule'] != 'HK002':
            assert wrapped(marker(f['rule'], f['message']))[0] in text, f


def test_rule_ids_stable_and_unique():
    ids = [r.id for r in HOOK_RULES]
    assert ids == ['HK002', 'HK003', 'HK005', 'HK004', 'HK006', 'HK007', 'HK008', 'HK009',
                   'HK010', 'HK011', 'HK013', 'HK001', 'HK012']
    assert all(r.name and r.summary for r in HOOK_RULES)


def test_every_rule_exercised_by_a_fixture():
    seen = {f[0] for name in modules() for f in EXPECTED[name]}
    helpers_used = 'every_n_train_iters' in read(os.path.join(CONVERTED, 'mmengine',
                                                               'momentum_teacher.py'))
    assert seen | ({'HK003'} if helpers_used else set()) >= {r.id for r in HOOK_RULES}
