"""MIG100 ``lr-config-to-param-scheduler``:
lr_config (policy + warmup) becomes LR schedulers with the exact ends (warmup end = warmup_iters
+ 1, poly/linear end = max + 1, ...).

Golden pairs: ``fixtures/rule_cases/MIG100/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         convert_file, finding, golden_cases, report, report_cases)

RULE = 'MIG100'

REPORTS = {
    'exp_warmup_engine_target': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
    ),
    'exp_warmup_geometric_chain': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
        findings=[
            finding('MIG100', 'note', 'lr_config',
                    'exp warmup: ConstantLR(end=1) keeps the start factor 0.1, '
                    'ExponentialLR(gamma=ratio**(-1/100)) grows it back to 1 at iteration 100, '
                    "the geometric ramp of MMCV's exp warmup", kind='exp-warmup-form'),
        ],
    ),
    'leaf_runner_override': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['total_epochs', 'optimizer', 'lr_config'],
        findings=[
            finding('MIG010', 'note', 'total_epochs',
                    'total_epochs alone meant an EpochBasedRunner (MMDet 2.x rule)'),
        ],
    ),
    'lr_config_none': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
    ),
    'poly_iter_runner': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
    ),
    'several_optimizers_one_list': report(
        rules=['MIG010', 'MIG001', 'MIG002', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'optimizer_config', 'lr_config'],
        findings=[
            finding('MIG001', 'manual', 'optimizer',
                    'several optimizers: MMEngine needs a model whose train_step calls each '
                    'optim_wrapper; MultiOptimWrapperConstructor is written'),
            finding('MIG100', 'note', 'lr_config',
                    'several optimizers (generator, discriminator): one param_scheduler list, '
                    "which MMEngine builds for each optimizer, as MMCV's hook drove each"),
        ],
    ),
    'several_optimizers_differing_kept': report(
        rules=['MIG010', 'MIG001', 'MIG002', 'MIG100'],
        written=['train_cfg', 'optim_wrapper'],
        removed=['runner', 'optimizer', 'optimizer_config'],
        findings=[
            finding('MIG001', 'manual', 'optimizer',
                    'several optimizers: MMEngine needs a model whose train_step calls each '
                    'optim_wrapper; MultiOptimWrapperConstructor is written'),
            finding('MIG100', 'manual', 'lr_config',
                    'lr_config left as written: several optimizers (generator, discriminator) '
                    'whose schedules map to different schedulers: write a dict-form '
                    'param_scheduler (one list per optimizer) by hand', kind='no-form-here'),
        ],
        untouched=['lr_config'],
    ),
    'step_linear_warmup': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
    ),
    'step_min_lr_approximated': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
        findings=[
            finding('MIG100', 'note', 'lr_config',
                    'min_lr=0.001 clipping written as a last decay by 1 at 6: exact for param '
                    'groups starting at lr=0.1 (other groups: --target engine, ClippedStepLR)',
                    kind='base-value-dependent'),
        ],
    ),
    'warmup_by_epoch_approximated': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
        findings=[
            finding('MIG100', 'approximation', 'lr_config',
                    'linear warmup of 5 epoch(s): MMCV reaches the full lr at iteration '
                    '5*len(loader), this form one iteration earlier; pass --epoch-len N '
                    '(iterations per epoch) for the exact form; max lr deviation 0.001998 '
                    'measured with an assumed epoch length of 100 iterations',
                    kind='warmup-by-epoch-needs-epoch-len', deviation=0.001997999999998187),
        ],
    ),
    'warmup_by_epoch_with_epoch_len': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
        findings=[
            finding('MIG100', 'note', 'lr_config',
                    'exact for an epoch of 250 iterations (--epoch-len 250); convert again if '
                    'the dataloader length changes', kind='epoch-len'),
        ],
    ),
    'downstream_cosine_cooldown': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
    ),
    'downstream_siamese_rpn': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'total_epochs', 'optimizer', 'lr_config'],
    ),
    'downstream_yolox_engine_target': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
        untouched=['max_epochs', 'num_last_epochs'],
    ),
    'downstream_yolox_epoch_len': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
        findings=[
            finding('MIG100', 'approximation', 'lr_config',
                    "YOLOX's warmup is quadratic, base_lr * warmup_ratio * ((iter + 1) / "
                    'warmup_iters) ** 2; MMEngine has no such scheduler, written as a LinearLR '
                    'ramp between the same ends (use --target engine for YOLOXLR); max lr '
                    'deviation 0.992 measured',
                    kind='yolox-quadratic-warmup', deviation=0.9920318725099603),
        ],
        untouched=['max_epochs', 'num_last_epochs'],
    ),
    'custom_policy_ported': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
        findings=[
            finding('MIG100', 'manual', 'lr_config',
                    "policy 'MyWarmRestart' is the project's own MyWarmRestartLrUpdaterHook: "
                    'written as MyWarmRestartLR, the scheduler HK007 ports that class to (the '
                    'same value at every step); the converted module that defines '
                    'MyWarmRestartLR must be imported where the hook module was '
                    '(custom_imports); if HK007 left MyWarmRestartLrUpdaterHook marked, write '
                    'MyWarmRestartLR by hand', kind='custom-policy'),
        ],
    ),
    'custom_policy_iter_warmup_imported': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper', 'param_scheduler'],
        removed=['runner', 'optimizer', 'lr_config'],
        findings=[
            finding('MIG100', 'note', 'lr_config',
                    "policy 'StepDecay' is the project's own StepDecayLrUpdaterHook: written as "
                    'StepDecayLR, the scheduler HK007 ports that class to (the same value at '
                    'every step, its warmup as the entries before it); the converted module '
                    'that defines StepDecayLR must be imported where the hook module was '
                    '(custom_imports lists modules: keep it there); if HK007 left '
                    'StepDecayLrUpdaterHook marked, write StepDecayLR by hand',
                    kind='custom-policy'),
        ],
        untouched=['custom_imports'],
    ),
    'custom_policy_invalid_warmup_kept': report(
        rules=['MIG010', 'MIG001', 'MIG100'],
        written=['train_cfg', 'optim_wrapper'],
        removed=['runner', 'optimizer'],
        findings=[
            finding('MIG100', 'manual', 'lr_config',
                    "lr_config left as written: warmup 'cosine' is not one of constant, linear, "
                    'exp (MMCV raises ValueError)', kind='invalid-warmup'),
        ],
        untouched=['lr_config'],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_lr_config'),
    pytest.param(
        "param_scheduler = [\n"
        "    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),\n"
        "    dict(type='MultiStepLR', by_epoch=True, milestones=[8, 11], gamma=0.1),\n"
        "]\n",
        id='already_param_scheduler'),
    pytest.param("lr_config_backup = dict(policy='step', step=[8, 11])\n", id='similar_name'),
    pytest.param("model = dict(type='X', train_cfg=dict(lr_config=dict(policy='step')))\n",
                 id='nested_in_model'),
    pytest.param("# lr_config = dict(policy='step', step=[8, 11])\n", id='commented_out'),
    pytest.param({'base.py': "optimizer = dict(type='SGD', lr=0.02, momentum=0.9)\n"
                             "runner = dict(type='EpochBasedRunner', max_epochs=12)\n"
                             "lr_config = dict(policy='step', step=[8, 11])\n",
                  'config.py': "_base_ = ['./base.py']\nmodel = dict(type='ResNet')\n"},
                 id='leaf_of_legacy_base'),
    pytest.param("param_scheduler = [\n"
                 "    dict(type='CosineCooldownLR', T_max=300, cool_down_time=10,\n"
                 "         cool_down_ratio=0.1, eta_min=1e-05, by_epoch=True),\n"
                 "]\n",
                 id='engine_only_scheduler_already'),
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


def test_key_bound_in_if_block_gives_valid_python(tmp_path):
    path = tmp_path / 'config.py'
    path.write_text("if True:\n    lr_config = dict(policy='step', step=[8, 11])\n")
    out = convert_file(str(path))
    compile(out['text_out'], 'config.py', 'exec')
