"""Hand-written legacy views with a right and a deliberately wrong conversion for each fact:
the right one passes, the wrong one fails on that fact (and only there), and a finding on
the setting turns the failure into that finding."""
import pytest

from migrate.meaning import check_meaning, compare
from migrate.rules.base import Finding

RUNNER = {'runner': {'type': 'EpochBasedRunner', 'max_epochs': 12}}
LOOP = {'train_cfg': {'type': 'EpochBasedTrainLoop', 'max_epochs': 12}}
DATA = {'data': {'samples_per_gpu': 2, 'workers_per_gpu': 3,
                 'train': {'type': 'CocoDataset', 'ann_file': 'a.json'},
                 'val': {'type': 'CocoDataset', 'ann_file': 'v.json'}}}
LOADERS = {'train_dataloader': {'batch_size': 2, 'num_workers': 3,
                                'dataset': {'type': 'CocoDataset', 'ann_file': 'a.json'}},
           'val_dataloader': {'batch_size': 1, 'num_workers': 3,
                              'dataset': {'type': 'CocoDataset', 'ann_file': 'v.json'}}}

# fact -> (legacy view, right conversion, wrong conversion)
CASES = {
    'loop kind and length': (RUNNER, LOOP, {'train_cfg': {'type': 'IterBasedTrainLoop',
                                                          'max_iters': 12}}),
    'validation points': (
        {**RUNNER, **DATA, 'evaluation': {'interval': 2, 'start': 4}},
        {'train_cfg': {**LOOP['train_cfg'], 'val_interval': 2, 'val_begin': 4},
         'val_cfg': {'type': 'ValLoop'}, **LOADERS, 'val_evaluator': {}},
        {'train_cfg': {**LOOP['train_cfg'], 'val_interval': 3, 'val_begin': 4},
         'val_cfg': {'type': 'ValLoop'}, **LOADERS, 'val_evaluator': {}}),
    'train batch size and workers': (
        DATA, LOADERS,
        {**LOADERS, 'train_dataloader': {**LOADERS['train_dataloader'], 'batch_size': 4}}),
    'val batch size and workers': (
        DATA, LOADERS,
        {**LOADERS, 'val_dataloader': {**LOADERS['val_dataloader'], 'batch_size': 2}}),
    'train dataset': (
        DATA, LOADERS,
        {**LOADERS, 'train_dataloader': {**LOADERS['train_dataloader'],
                                         'dataset': {'type': 'CocoDataset'}}}),
    'model': (
        {'model': {'type': 'FasterRCNN'}, 'train_cfg': {'rpn': {'pos': 0.7}}},
        {'model': {'type': 'FasterRCNN', 'train_cfg': {'rpn': {'pos': 0.7}}}},
        {'model': {'type': 'FasterRCNN'}, 'train_cfg': {'rpn': {'pos': 0.7}}}),
    'optimizer': (
        {'optimizer': {'type': 'SGD', 'lr': 0.02, 'momentum': 0.9, 'weight_decay': 1e-4}},
        {'optim_wrapper': {'type': 'OptimWrapper', 'optimizer': {
            'type': 'SGD', 'lr': 0.02, 'momentum': 0.9, 'weight_decay': 1e-4}}},
        {'optim_wrapper': {'type': 'OptimWrapper', 'optimizer': {
            'type': 'SGD', 'lr': 0.02, 'momentum': 0.9}}}),
    'paramwise settings': (
        {'optimizer': {'type': 'SGD', 'lr': 0.1, 'paramwise_options': {'norm_decay_mult': 0.}}},
        {'optim_wrapper': {'optimizer': {'type': 'SGD', 'lr': 0.1},
                           'paramwise_cfg': {'norm_decay_mult': 0.}}},
        {'optim_wrapper': {'optimizer': {'type': 'SGD', 'lr': 0.1},
                           'paramwise_cfg': {'norm_decay_mult': 1.}}}),
    'gradient clipping': (
        {'optimizer_config': {'grad_clip': {'max_norm': 35, 'norm_type': 2}}},
        {'optim_wrapper': {'clip_grad': {'max_norm': 35, 'norm_type': 2}}},
        {'optim_wrapper': {}}),
    'gradient accumulation': (
        {'optimizer_config': {'type': 'GradientCumulativeOptimizerHook', 'cumulative_iters': 4}},
        {'optim_wrapper': {'accumulative_counts': 4}},
        {'optim_wrapper': {'accumulative_counts': 2}}),
    'AMP': (
        {'fp16': {}, 'optimizer_config': {}},
        {'optim_wrapper': {'type': 'AmpOptimWrapper', 'loss_scale': 512.}},
        {'optim_wrapper': {'type': 'AmpOptimWrapper'}}),   # 'dynamic' by default
    'checkpoint settings': (
        {'checkpoint_config': {'interval': 2, 'max_keep_ckpts': 3}},
        {'default_hooks': {'checkpoint': {'type': 'CheckpointHook', 'interval': 2,
                                          'max_keep_ckpts': 3}}},
        {'default_hooks': {'checkpoint': {'type': 'CheckpointHook', 'interval': 2}}}),
    'best checkpoint': (
        {'evaluation': {'save_best': 'auto'}},
        {'default_hooks': {'checkpoint': {'type': 'CheckpointHook', 'save_best': 'auto'}},
         'val_evaluator': {}},
        {'val_evaluator': {}}),
    'logger interval': (
        {'log_config': {'interval': 50, 'hooks': [{'type': 'TextLoggerHook'}]}},
        {'default_hooks': {'logger': {'type': 'LoggerHook', 'interval': 50}}},
        {}),   # MMEngine's default LoggerHook logs every 10 iterations
    'logger back ends': (
        {'log_config': {'interval': 5, 'hooks': [{'type': 'TextLoggerHook'},
                                                 {'type': 'TensorboardLoggerHook'}]}},
        {'default_hooks': {'logger': {'type': 'LoggerHook', 'interval': 5}},
         'visualizer': {'vis_backends': [{'type': 'LocalVisBackend'},
                                         {'type': 'TensorboardVisBackend'}]}},
        {'default_hooks': {'logger': {'type': 'LoggerHook', 'interval': 5}}}),
    'evaluation metric options': (
        {'evaluation': {'interval': 1, 'metric': ['bbox', 'segm'], 'classwise': True}},
        {'val_evaluator': {'type': 'CocoMetric', 'metric': ['bbox', 'segm'], 'classwise': True}},
        {'val_evaluator': {'type': 'CocoMetric', 'metric': ['bbox', 'segm']}}),
    'resume/load': (
        {'resume_from': 'work/epoch_3.pth', 'load_from': None},
        {'load_from': 'work/epoch_3.pth', 'resume': True},
        {'load_from': 'work/epoch_3.pth', 'resume': False}),
    'legacy key left behind': (
        {'lr_config': {'policy': 'step', 'step': [8]}},
        {'param_scheduler': [{'type': 'MultiStepLR', 'milestones': [8]}]},
        {'lr_config': {'policy': 'step', 'step': [8]}}),
}


@pytest.mark.parametrize('fact', sorted(CASES))
def test_right_conversion_passes(fact):
    legacy, right, _ = CASES[fact]
    assert [m.fact for m in compare(legacy, right, [])] == []


@pytest.mark.parametrize('fact', sorted(CASES))
def test_wrong_conversion_fails_on_that_fact(fact):
    legacy, _, wrong = CASES[fact]
    errors = check_meaning('cfg.py', legacy, wrong, [])
    assert [e.split('meaning check: ')[1].split(' differs')[0] for e in errors] == [fact]
    assert errors[0].startswith("cfg.py: key '") and '\n  fix: ' in errors[0]


def test_a_reported_finding_carries_the_difference():
    legacy, _, wrong = CASES['validation points']
    finding = Finding('MIG020', 'approximation', 'evaluation.start', 'MMCV validated at ...')
    [mismatch] = compare(legacy, wrong, [finding])
    assert not mismatch.failed and mismatch.finding is finding
    assert check_meaning('cfg.py', legacy, wrong, [finding]) == []


def test_a_note_or_a_finding_on_another_key_does_not():
    legacy, _, wrong = CASES['validation points']
    for finding in (Finding('MIG020', 'note', 'evaluation.start', 'x'),
                    Finding('MIG020', 'approximation', 'evaluation.metric', 'x')):
        assert len(check_meaning('cfg.py', legacy, wrong, [finding])) == 1


def test_a_legacy_key_left_needs_a_manual_finding():
    legacy, _, wrong = CASES['legacy key left behind']
    approx = Finding('MIG080', 'approximation', 'lr_config', 'x')
    manual = Finding('MIG000', 'manual', 'lr_config', 'x')
    assert len(check_meaning('cfg.py', legacy, wrong, [approx])) == 1
    assert check_meaning('cfg.py', legacy, wrong, [manual]) == []


def test_deferred_keys_are_checked_where_they_are_written():
    legacy, _, wrong = CASES['checkpoint settings']
    assert check_meaning('cfg.py', legacy, wrong, [], deferred={'default_hooks'}) == []
