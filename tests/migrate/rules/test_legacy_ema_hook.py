"""MIG061 ``ema-hook``:
MMCV's EMAHook becomes MMEngine's EMAHook(ema_type='ExponentialMovingAverage') with
momentum**interval per update; the different start and warm-up are reported with the measured
averaging-weight deviation.

Golden pairs: ``fixtures/rule_cases/MIG061/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG061'

REPORTS = {
    'interval_and_resume': report(
        rules=['MIG010', 'MIG060', 'MIG061'],
        written=['custom_hooks', 'train_cfg'],
        removed=['runner', 'custom_hooks'],
        untouched=['ema_momentum'],
        findings=[
            finding('MIG061', 'approximation', 'custom_hooks[0]',
                    "MMCV's EMA starts from the weights before training, MMEngine's from the "
                    'weights after iteration 0 (warm_up=100 never lowers momentum 1e-06 '
                    '(0.001**2) every 2 iterations here): averaging-weight deviation 0.999999 '
                    'after iteration 0, 0.997 after the last (5999), under 1e-6 from iteration '
                    '27631006', kind='ema-formula', deviation=0.9970044940077792),
            finding('MIG061', 'note', 'custom_hooks[0]',
                    'MMCV swapped the EMA into the model after each train epoch (evaluation and '
                    'checkpoints saw it; raw weights as ema_* buffers); MMEngine swaps it in for '
                    'validation and saving (raw weights in ema_state_dict): an MMCV checkpoint '
                    'does not resume the EMA', kind='ema-swap'),
            finding('MIG061', 'manual', 'custom_hooks[0].resume_from',
                    "EMAHook.resume_from='work_dirs/run/epoch_3.pth' resumed the whole run from "
                    "that checkpoint before training (MMCV's runner.resume, its ema_* buffers "
                    "included); MMEngine's EMAHook has no such argument: set "
                    "load_from='work_dirs/run/epoch_3.pth' and resume=True (the EMA of an MMCV "
                    'checkpoint restarts from its weights)', kind='ema-resume'),
        ],
    ),
    'invalid_args': report(
        rules=['MIG060', 'MIG061'],
        written=['custom_hooks'],
        removed=['custom_hooks'],
        findings=[
            finding('MIG061', 'manual', 'custom_hooks[0]',
                    'momentum=1.5: MMCV asserts 0 < momentum < 1 (AssertionError when built); '
                    'kept as written', kind='ema-args'),
            finding('MIG061', 'note', 'custom_hooks[0]',
                    'MMCV swapped the EMA into the model after each train epoch (evaluation and '
                    'checkpoints saw it; raw weights as ema_* buffers); MMEngine swaps it in for '
                    'validation and saving (raw weights in ema_state_dict): an MMCV checkpoint '
                    'does not resume the EMA', kind='ema-swap'),
            finding('MIG061', 'manual', 'custom_hooks[1]',
                    'warm_up=0: (1+t)/(warm_up+t) is no momentum for warm_up <= 0 (MMCV divides '
                    'by zero or diverges); the momentum is kept as written: give warm_up >= 1',
                    kind='ema-args'),
            finding('MIG061', 'manual', 'custom_hooks[1].decay',
                    "MMCV's EMAHook takes no argument 'decay' (TypeError when built): kept as "
                    'written', kind='ema-args'),
            finding('MIG061', 'note', 'custom_hooks[1]',
                    'MMCV swapped the EMA into the model after each train epoch (evaluation and '
                    'checkpoints saw it; raw weights as ema_* buffers); MMEngine swaps it in for '
                    'validation and saving (raw weights in ema_state_dict): an MMCV checkpoint '
                    'does not resume the EMA', kind='ema-swap'),
        ],
    ),
    'iter_runner_warm_up_bites': report(
        rules=['MIG010', 'MIG060', 'MIG061'],
        written=['custom_hooks', 'train_cfg'],
        removed=['runner', 'custom_hooks'],
        findings=[
            finding('MIG060', 'note', 'custom_hooks',
                    'priorities are kept; note the default hooks moved: checkpoint '
                    'NORMAL->VERY_LOW, logger VERY_LOW->BELOW_NORMAL, timer LOW->NORMAL, '
                    'schedulers VERY_HIGH->LOW'),
            finding('MIG061', 'approximation', 'custom_hooks[0]',
                    "MMCV's EMA starts from the weights before training and its warm-up lowers "
                    "the momentum to (1+t)/(1000+t) up to iteration 9; MMEngine's starts from "
                    'the weights after iteration 0 with momentum 0.01: averaging-weight '
                    'deviation 0.999 after iteration 0, 1.95e-09 after the last (1999), under '
                    '1e-6 from iteration 1379',
                    kind='ema-formula', deviation=1.9507897955834118e-09),
            finding('MIG061', 'approximation', 'custom_hooks[0]',
                    "MMCV's IterBasedRunner calls no epoch hooks, so its EMAHook never swapped "
                    'the EMA in: validation and checkpoints used the raw weights; MMEngine '
                    'validates and saves the EMA weights', kind='ema-swap'),
        ],
    ),
    'negative_init_cfg_kept': report(
        untouched=['model', 'custom_hooks'],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_custom_hooks'),
    pytest.param("custom_hooks = [dict(type='EMAHook', momentum=0.0002, begin_iter=100)]\n",
                 id='new_form_by_begin_iter'),
    pytest.param("custom_hooks = [dict(type='EMAHook', ema_type='MomentumAnnealingEMA', "
                 "gamma=100)]\n", id='new_annealing_ema'),
    pytest.param("custom_hooks = [dict(type='ExpMomentumEMAHook', momentum=0.0001)]\n",
                 id='downstream_ema_hook'),
    pytest.param("model = dict(type='X', init_cfg=dict(type='Pretrained', checkpoint='a.pth'),\n"
                 "             ema=dict(type='EMAHook', momentum=0.1))\n",
                 id='init_cfg_and_nested_ema'),
    pytest.param({'base.py': "custom_hooks = [dict(type='EMAHook', warm_up=10)]\n",
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
