"""MIG002 ``optimizer-config-to-optim-wrapper``:
optimizer_config: grad_clip -> optim_wrapper.clip_grad; cumulative_iters / update_interval ->
accumulative_counts; Fp16OptimizerHook -> AmpOptimWrapper.

Golden pairs: ``fixtures/rule_cases/MIG002/`` (docs/rules.md shows them); each case's report is
``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves byte-identical, reporting nothing.
Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         finding, golden_cases, report, report_cases)

RULE = 'MIG002'

REPORTS = {
    'cumulative': report(
        rules=['MIG001', 'MIG002'],
        written=['optim_wrapper'],
        removed=['optimizer', 'optimizer_config'],
    ),
    # a project's own optimizer hook: the wrapper HK008 ports it to, by the same name
    'custom_hook_no_imports': report(
        rules=['MIG001', 'MIG002'],
        written=['optim_wrapper'],
        removed=['optimizer', 'optimizer_config'],
        findings=[
            finding('MIG002', 'manual', 'optimizer_config.type',
                    "custom optimizer hook 'MyOptimizerHook': written as optim_wrapper type "
                    "'MyOptimizerHook', the OptimWrapper subclass HK008 ports that hook class "
                    'to (same name, in OPTIM_WRAPPERS; its own arguments as they were, '
                    'grad_clip as clip_grad); the converted module that defines it must be '
                    'imported where the hook module was (custom_imports); if HK008 left the '
                    'class marked, write MyOptimizerHook by hand',
                    kind='custom-optimizer-hook'),
        ],
    ),
    'custom_hook_ported': report(
        rules=['MIG001', 'MIG002'],
        written=['optim_wrapper'],
        removed=['optimizer', 'optimizer_config'],
        untouched=['custom_imports'],
        findings=[
            finding('MIG002', 'note', 'optimizer_config.type',
                    "custom optimizer hook 'AccumulateOptimizerHook': written as optim_wrapper "
                    "type 'AccumulateOptimizerHook', the OptimWrapper subclass HK008 ports that "
                    'hook class to (same name, in OPTIM_WRAPPERS; its own arguments as they '
                    'were, grad_clip as clip_grad); the converted module that defines it must '
                    'be imported where the hook module was (custom_imports lists modules: keep '
                    'it there); if HK008 left the class marked, write AccumulateOptimizerHook '
                    'by hand',
                    kind='custom-optimizer-hook'),
        ],
    ),
    'custom_hook_with_fp16': report(
        rules=['MIG001', 'MIG002', 'MIG003'],
        written=['optim_wrapper'],
        removed=['optimizer', 'fp16'],
        untouched=['optimizer_config'],
        findings=[
            finding('MIG002', 'manual', 'optimizer_config.type',
                    "custom optimizer hook 'MyOptimizerHook' beside fp16: MMDet/MMCls 2.x "
                    'train flows built Fp16OptimizerHook(**optimizer_config, **fp16), which '
                    'rejects the type key; flows that ignore fp16 built the custom hook. Keep '
                    "one: drop fp16 (the port is then optim_wrapper type 'MyOptimizerHook') or "
                    'the type (AmpOptimWrapper)'),
            finding('MIG003', 'approximation', 'fp16',
                    'AMP: autocast now covers the whole forward (MMCV: @auto_fp16 methods); '
                    'the scaler state moves from meta.fp16 to optimizer.loss_scaler',
                    kind='amp-scope'),
        ],
    ),
    'fp16_hook': report(
        rules=['MIG001', 'MIG002'],
        written=['optim_wrapper'],
        removed=['optimizer', 'optimizer_config'],
        findings=[
            finding('MIG002', 'approximation', 'optimizer_config.type',
                    'AMP: autocast now covers the whole forward (MMCV: @auto_fp16 methods)',
                    kind='amp-scope'),
        ],
    ),
    'grad_clip': report(
        rules=['MIG001', 'MIG002'],
        written=['optim_wrapper'],
        removed=['optimizer', 'optimizer_config'],
    ),
    'update_interval': report(
        rules=['MIG001', 'MIG002'],
        written=['optim_wrapper'],
        removed=['optimizer', 'optimizer_config'],
        findings=[
            finding('MIG002', 'note', 'optimizer_config.update_interval',
                    'update_interval became accumulative_counts (exact for mmselfsup 0.x; '
                    'OpenSelfSup never stepped a trailing partial window)'),
        ],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=50)\n", id='no_optimizer_config'),
    pytest.param(
        "optim_wrapper = dict(\n"
        "    type='OptimWrapper',\n"
        "    optimizer=dict(type='SGD', lr=0.01),\n"
        "    clip_grad=dict(max_norm=35, norm_type=2),\n"
        "    accumulative_counts=4)\n",
        id='already_optim_wrapper'),
    pytest.param("optimizer_config_backup = dict(grad_clip=None)\n", id='similar_name'),
    pytest.param("model = dict(type='X', optimizer_config=dict(grad_clip=None))\n",
                 id='nested_in_model'),
    pytest.param("# optimizer_config = dict(grad_clip=None)\n", id='commented_out'),
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
