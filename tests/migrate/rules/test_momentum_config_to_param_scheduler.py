"""MIG101 ``momentum-config-to-param-scheduler``:
momentum_config becomes momentum schedulers (step gamma 0.5 written explicitly; warmups and
OneCycle momentum have no MMEngine form).

Golden pairs: ``fixtures/rule_cases/MIG101/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG101'

REPORTS = {
    'cyclic_momentum': report(
        rules=['MIG010', 'MIG001', 'MIG100', 'MIG101'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config', 'momentum_config'],
    ),
    'step_momentum_gamma': report(
        rules=['MIG010', 'MIG001', 'MIG100', 'MIG101'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config', 'momentum_config'],
    ),
    'custom_momentum_policy_ported': report(
        rules=['MIG010', 'MIG001', 'MIG100', 'MIG101'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config', 'momentum_config'],
        findings=[
            finding('MIG101', 'approximation', 'momentum_config',
                    'momentum warmup (linear, 100 iterations, momentum / 0.9 at the start) left '
                    'out: MMEngine momentum schedulers cannot raise the momentum above its base '
                    '(use --target engine for WarmupMomentum)', kind='momentum-warmup'),
            finding('MIG101', 'manual', 'momentum_config',
                    "policy 'MyMomentumRamp' is the project's own "
                    'MyMomentumRampMomentumUpdaterHook: written as MyMomentumRampMomentum, the '
                    'scheduler HK007 ports that class to (the same value at every step); the '
                    'converted module that defines MyMomentumRampMomentum must be imported where '
                    'the hook module was (custom_imports); if HK007 left '
                    'MyMomentumRampMomentumUpdaterHook marked, write MyMomentumRampMomentum by '
                    'hand', kind='custom-policy'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_momentum_config'),
    pytest.param(
        "param_scheduler = [\n"
        "    dict(type='MultiStepMomentum', by_epoch=True, milestones=[8, 11], gamma=0.5),\n"
        "]\n",
        id='already_param_scheduler'),
    pytest.param("momentum = 0.9\nmomentum_config_backup = dict(policy='step')\n",
                 id='similar_name'),
    pytest.param("model = dict(type='X', momentum_config=dict(policy='step', step=[8]))\n",
                 id='nested_in_model'),
    pytest.param("# momentum_config = dict(policy='cyclic')\n", id='commented_out'),
    pytest.param("# migrate[MIG101]: momentum_config left as written: policy 'MyMomentumRamp' "
                 "is the project's own\n"
                 "#   MyMomentumRampMomentumUpdaterHook, which HK007 ports to "
                 "MyMomentumRampMomentum; no runner in\n"
                 "#   this file or its bases gives its timeline, the configs that set one write "
                 "param_scheduler=[...,\n"
                 "#   dict(type='MyMomentumRampMomentum', ...)]\n"
                 "momentum_config = dict(policy='MyMomentumRamp', target=0.99)\n"
                 "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=90)\n",
                 id='unknown_policy_marked_already'),
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
