"""Whole-run `migrate verify`: the legacy config on compat beside its conversion on the
engine. SAME on every legacy run fixture whose conversion carries its meaning (14 configs:
grad_clip, cumulative iterations with a remainder, update_interval, fp16 as CPUs allow,
workflow val, evaluation with save_best and start, iteration runners, seeds, paramwise_cfg,
several optimizers, custom hooks of the project's own legacy hook module);
DIFFERENT, naming the first differing iteration and quantity, for 8 deliberately wrong
conversions and for the fixtures whose conversion reports a loss; naming the hook, for wrong
conversions of custom hooks (priority, a dropped hook, a moved stage)."""
import json
import os
import re
import shutil

import pytest

from migrate.convert.driver import ConvertOptions
from migrate.convert.several import run_convert_files
from migrate.verify.whole_run import compare_runs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
RUNS = os.path.join(ROOT, 'fixtures', 'legacy_runs')
GOLDENS = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_runs')
SAME = ['toy_adamw_paramwise_cosine_bn', 'toy_cumulative_fp16', 'toy_cumulative_remainder',
        'toy_eval_savebest_start', 'toy_fp16_dynamic', 'toy_iter_cyclic', 'toy_iter_runner_eval',
        'toy_seeded_adam_exp_warmup', 'toy_selfsup_paramwise_remainder',
        'toy_sgd_step_gradclip_3e', 'toy_total_epochs_onecycle', 'toy_workflow_val',
        'toy_multi_optimizers', 'toy_custom_hooks_priorities']


@pytest.fixture(autouse=True)
def fixture_project_on_path(monkeypatch):
    """The fixtures' project root on sys.path, as a project's PYTHONPATH: the custom-hooks
    config imports its hooks as ``run_hooks.priority_probes``."""
    monkeypatch.syspath_prepend(RUNS)


@pytest.mark.parametrize('stem', SAME)
def test_conversion_trains_the_same(stem):
    c = compare_runs(os.path.join(RUNS, f'{stem}.py'), target='engine')
    assert c.equal, (c.first_divergence, c.failures)
    assert c.weights_bitwise   # CPU, same torch: the same operations in the same order
    assert len(c.legacy.loss) == len(c.converted.loss) > 0
    assert c.legacy.checkpoints == c.converted.checkpoints
    assert [d for d, _ in c.legacy.evals] == [d for d, _ in c.converted.evals]
    if stem == 'toy_seeded_adam_exp_warmup':
        return   # its golden ran with --seed 0 (tools/train.py's seed wins); verify: seed 42
    # the legacy side is the real MMCV 1.7.2's run (golden of record_legacy_run_goldens.py)
    with open(os.path.join(GOLDENS, f'{stem}.json')) as f:
        calls = json.load(f)['result']['calls']
    golden_losses = [float.fromhex(call[11]['loss']) for call in calls
                     if call[0] == 'after_train_iter']
    assert c.legacy.loss == golden_losses


def test_regex_paramwise_options_the_converter_could_not_carry_show():
    # the converter keeps them aside and says so; verify shows what that changes
    c = compare_runs(os.path.join(RUNS, 'toy_selfsup_update_interval.py'), target='engine')
    assert not c.equal and c.first_divergence == (0, 'lr')


@pytest.fixture(scope='module')
def converted_tree(tmp_path_factory):
    out = tmp_path_factory.mktemp('converted')
    run = run_convert_files([RUNS], ConvertOptions(target='engine', epoch_len=8, output=str(out),
                                                   progress=False), echo=lambda s: None)
    assert not run.errors
    return out


def _wrong(converted_tree, tmp_path, stem, edit):
    """A copy of the converted tree with one deliberate mistake in ``stem``'s file."""
    tree = tmp_path / 'tree'
    shutil.copytree(converted_tree, tree)
    path = tree / f'{stem}.py'
    text = path.read_text()
    changed = edit(text)
    assert changed != text, 'the mistake was not made'
    path.write_text(changed)
    return str(path)


def _append(extra):
    return lambda text: text + '\n' + extra + '\n'


WRONG = {
    'clip_grad_dropped': ('toy_sgd_step_gradclip_3e',
                          lambda t: t.replace('clip_grad=dict(max_norm=1.0, norm_type=2)',
                                              'clip_grad=None'),
                          (0, 'grad_norm')),
    'accumulative_counts_off_by_one': ('toy_cumulative_remainder',
                                       lambda t: t.replace('accumulative_counts=3',
                                                           'accumulative_counts=2'),
                                       (2, 'loss')),
    'warmup_one_iteration_short': ('toy_sgd_step_gradclip_3e',
                                   _append("param_scheduler = [\n"
                                           "    dict(type='LinearLR', start_factor=0.001, "
                                           "begin=0, end=5, by_epoch=False),\n"
                                           "    dict(type='MultiStepLR', milestones=[2], "
                                           "gamma=0.1, begin=0, end=3, by_epoch=True)]"),
                                   (1, 'lr')),
    'wrong_momentum': ('toy_sgd_step_gradclip_3e',
                       _append("optim_wrapper = dict(optimizer=dict(momentum=0.8))"),
                       (0, 'momentum')),
    'changed_batch_size': ('toy_sgd_step_gradclip_3e',
                           _append('train_dataloader = dict(batch_size=4)'), (0, 'loss')),
    'missing_val_interval': ('toy_sgd_step_gradclip_3e',
                             lambda t: t.replace('train_cfg = dict(val_interval=1)',
                                                 'train_cfg = dict(val_interval=2)'),
                             'evaluation after epoch 1: only the legacy run'),
    'different_paramwise_multiplier': ('toy_adamw_paramwise_cosine_bn',
                                       lambda t: t.replace("'head': dict(lr_mult=10.)",
                                                           "'head': dict(lr_mult=5.)"),
                                       (0, 'lr')),
    'seed_dropped': ('toy_seeded_adam_exp_warmup',
                     lambda t: re.sub(r'randomness = dict\(seed=42\)', 'randomness = dict()', t),
                     (0, 'loss')),
}


@pytest.mark.parametrize('name', sorted(WRONG))
def test_a_wrong_conversion_is_caught(name, converted_tree, tmp_path):
    stem, edit, expected = WRONG[name]
    converted = _wrong(converted_tree, tmp_path, stem, edit)
    c = compare_runs(os.path.join(RUNS, f'{stem}.py'), target='engine', converted=converted)
    assert not c.equal
    if isinstance(expected, tuple):
        assert c.first_divergence == expected, (c.first_divergence, c.failures)
    else:
        assert expected in c.failures, c.failures


def test_the_cli_prints_the_table_and_writes_json_and_plot(tmp_path):
    from click.testing import CliRunner

    from migrate.cli import main
    out_json, out_png = tmp_path / 'run.json', tmp_path / 'run.png'
    result = CliRunner().invoke(main, ['verify', os.path.join(RUNS, 'toy_iter_cyclic.py'),
                                       '--target', 'engine', '--iters', '12', '--json',
                                       str(out_json), '--plot', str(out_png)])
    assert result.exit_code == 0, result.output
    assert 'SAME: 12 iterations' in result.output
    assert f'plot: {out_png}' in result.output
    data = json.loads(out_json.read_text())
    assert data['equal'] and len(data['legacy']['loss']) == len(data['converted']['loss']) == 12
    assert data['legacy']['lr'] == data['converted']['lr']
    assert out_png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_the_cli_exits_1_and_names_the_first_difference(converted_tree, tmp_path):
    from click.testing import CliRunner

    from migrate.cli import main
    stem, edit, _ = WRONG['wrong_momentum']
    converted = _wrong(converted_tree, tmp_path, stem, edit)
    result = CliRunner().invoke(main, ['verify', os.path.join(RUNS, f'{stem}.py'), '--target',
                                       'engine', '--converted', converted])
    assert result.exit_code == 1, result.output
    assert 'DIFFERENT: first at iteration 0 (epoch 0): momentum' in result.output
    assert '<- FIRST difference: momentum' in result.output


def test_a_config_without_a_model_points_at_schedule_only(tmp_path):
    from engine.errors import ConfigError
    path = tmp_path / 'sched.py'
    path.write_text("optimizer = dict(type='SGD', lr=0.1)\nlr_config = dict(policy='fixed')\n"
                    "runner = dict(type='EpochBasedRunner', max_epochs=1)\n")
    with pytest.raises(ConfigError, match='--schedule-only') as info:
        compare_runs(str(path))
    assert "key 'model'" in str(info.value)


# -- custom hooks of the project's legacy hook module ------------------------------------------
HOOKS_STEM = 'toy_custom_hooks_priorities'
PROBES = ["LegacyProbeHook(name='high')", "LegacyProbeHook(name='numeric_40')",
          "LegacyProbeHook(name='normal_tie')", "LegacyGenericApiHook(name='generic')",
          "LegacyProbeHook(name='lowest')"]


def _golden_value(value):
    """A value of the recorder's ``hook_state`` (floats as hex, strings as repr) as Python."""
    import ast
    if isinstance(value, list):
        return [_golden_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _golden_value(v) for k, v in value.items()}
    if isinstance(value, str):
        return ast.literal_eval(value) if value.startswith("'") else float.fromhex(value)
    return value


def test_custom_hooks_run_alike_and_as_on_mmcv():
    import sys
    from engine.registry import HOOKS
    c = compare_runs(os.path.join(RUNS, f'{HOOKS_STEM}.py'), target='engine')
    assert c.equal, c.failures
    legacy, converted = c.legacy.custom_hooks, c.converted.custom_hooks
    # priorities HIGH, 40, NORMAL twice (config order kept on a tie), LOWEST, on both runtimes
    assert legacy.order == converted.order == list(zip(PROBES, [30, 40, 50, 50, 100]))
    assert legacy.calls['before_train_epoch'] == converted.calls['before_train_epoch'] == \
        PROBES * 2
    assert len(legacy.calls['after_train_iter']) == 16
    # what the hooks kept equals what they kept on the real MMCV 1.7.2 (the golden's run)
    with open(os.path.join(GOLDENS, f'{HOOKS_STEM}.json')) as f:
        golden = json.load(f)['result']['hook_state']
    by_name = {f"{'LegacyGenericApiHook' if n == 'generic' else 'LegacyProbeHook'}"
               f"(name={n!r})": _golden_value(s) for n, s in golden}
    assert legacy.state == by_name
    # the legacy run has no val phase (MMCV's EvalHook runs no hook stage); the engine's
    # evaluation calls the val stages the converted generic hook has: told apart, and the rest
    # of what it kept is compared
    from migrate.verify.custom_hooks import VAL_STAGES
    assert not any(legacy.calls.get(stage) for stage in VAL_STAGES)
    for stage in VAL_STAGES:
        if converted.calls.get(stage):
            assert set(converted.calls[stage]) == {PROBES[3]}
            assert any(f'calls at {stage}' in what for what, _ in c.expected)
    assert set(converted.val_appended) <= {PROBES[3]} and not converted.val_changed
    # the legacy module is back in sys.modules, the engine registry and classes as they were
    module = sys.modules['run_hooks.priority_probes']
    from compat.runner import Hook as LegacyHook
    assert issubclass(module.LegacyProbeHook, LegacyHook)
    assert 'LegacyProbeHook' not in HOOKS
    assert not hasattr(module.LegacyProbeHook.before_train_epoch, '__wrapped__')


def _wrong_file(converted_tree, tmp_path, rel, edit):
    tree = tmp_path / 'tree'
    if not tree.exists():
        shutil.copytree(converted_tree, tree)
    path = tree / rel
    text = path.read_text()
    changed = edit(text)
    assert changed != text, 'the mistake was not made'
    path.write_text(changed)
    return str(tree / f'{HOOKS_STEM}.py')


HOOK_MODULE = 'run_hooks/priority_probes.py'
WRONG_HOOKS = {
    'class_priority_added': (HOOK_MODULE, lambda t: t.replace(
        'class LegacyGenericApiHook(Hook):\n',
        "class LegacyGenericApiHook(Hook):\n    priority = 'LOWEST'\n"),
        "custom hook LegacyGenericApiHook(name='generic'): priority 50 in the legacy run, 100 "
        "in the converted run"),
    'numeric_priority_changed': (f'{HOOKS_STEM}.py', lambda t: t.replace(
        "name='numeric_40', priority=40", "name='numeric_40', priority=60"),
        "custom hooks run in another order: legacy " + ', '.join(PROBES) + '; converted '
        + ', '.join([PROBES[0], PROBES[2], PROBES[3], PROBES[1], PROBES[4]])),
    'hook_dropped': (f'{HOOKS_STEM}.py', lambda t: t.replace(
        "    dict(type='LegacyProbeHook', name='normal_tie', priority='NORMAL'),\n", ''),
        "custom hook LegacyProbeHook(name='normal_tie'): not in the converted run"),
    'stage_moved': (HOOK_MODULE, lambda t: t.replace(
        'def before_train_epoch(self, runner):\n        self.epochs',
        'def after_train_epoch(self, runner):\n        self.epochs'),
        "custom hook calls at before_train_epoch differ at call 1: legacy "
        f"{PROBES[0]}, converted {PROBES[3]}"),
    'kept_value_changed': (HOOK_MODULE, lambda t: t.replace(
        'self.is_last_train_iter(runner)', 'False', 1),
        "custom hook LegacyGenericApiHook(name='generic'): calls differs: legacy [['train', 3, "
        "3, False, False], ['train', 7, 7, False, False], ['train', 11, 3, False, True], "
        "['train', 15, 7, True, True]], converted [['train', 3, 3, False, False], ['train', 7, "
        "7, False, False], ['train', 11, 3, False, True], ['train', 15, 7, False, True]]"),
}


@pytest.mark.parametrize('name', sorted(WRONG_HOOKS))
def test_a_wrong_custom_hook_conversion_is_caught(name, converted_tree, tmp_path):
    rel, edit, failure = WRONG_HOOKS[name]
    converted = _wrong_file(converted_tree, tmp_path, rel, edit)
    c = compare_runs(os.path.join(RUNS, f'{HOOKS_STEM}.py'), target='engine',
                     converted=converted)
    assert not c.equal
    assert failure in c.failures, c.failures
    if rel == HOOK_MODULE:   # the given tree's module ran, not a conversion by verify
        assert any(key == 'custom_imports run_hooks.priority_probes' and
                   'the given converted tree' in why for key, why in c.bridged)


def test_the_cli_exits_1_naming_the_custom_hook(converted_tree, tmp_path):
    from click.testing import CliRunner

    from migrate.cli import main
    rel, edit, failure = WRONG_HOOKS['hook_dropped']
    converted = _wrong_file(converted_tree, tmp_path, rel, edit)
    result = CliRunner().invoke(main, ['verify', os.path.join(RUNS, f'{HOOKS_STEM}.py'),
                                       '--target', 'engine', '--converted', converted])
    assert result.exit_code == 1, result.output
    assert f'differs: {failure}' in result.output
    assert "DIFFERENT: custom hook LegacyProbeHook(name='normal_tie')" in result.output


def test_a_converted_hook_module_that_fails_to_import_is_an_error(converted_tree, tmp_path):
    from engine.errors import ConfigError
    converted = _wrong_file(converted_tree, tmp_path, HOOK_MODULE,
                            lambda t: t.replace('from engine.hooks import Hook',
                                                'from engine.hooks import NoSuchHook'))
    with pytest.raises(ConfigError, match="converted custom_imports module "
                                          "'run_hooks.priority_probes'") as info:
        compare_runs(os.path.join(RUNS, f'{HOOKS_STEM}.py'), target='engine',
                     converted=converted)
    assert "key 'custom_imports'" in str(info.value)


def test_a_custom_import_that_does_not_exist_names_file_key_and_fix(tmp_path):
    from engine.errors import ConfigError
    path = tmp_path / 'missing_module.py'
    path.write_text(f"_base_ = [{os.path.join(RUNS, HOOKS_STEM + '.py')!r}]\n"
                    "custom_imports = dict(imports=['compat.testing.registration', "
                    "'run_hooks.no_such_hooks'])\n")
    with pytest.raises(ConfigError, match="cannot import 'run_hooks.no_such_hooks'") as info:
        compare_runs(str(path), target='engine')
    message = str(info.value)
    assert str(path) in message and "key 'custom_imports'" in message and 'PYTHONPATH' in message


def test_convert_writes_the_hook_module_the_converted_config_imports(converted_tree):
    # a tree's converted configs name in custom_imports modules that the converted tree holds
    # (with its root on PYTHONPATH, as the legacy tree's): the hook module, converted the same
    # way verify converts it
    from migrate.hookcode import convert_hook_text
    from migrate.verify.converted_view import load_converted_view
    view = load_converted_view(str(converted_tree / f'{HOOKS_STEM}.py'))
    names = view['custom_imports']['imports']
    assert 'run_hooks.priority_probes' in names
    written = converted_tree / 'run_hooks' / 'priority_probes.py'
    assert (converted_tree / 'run_hooks' / '__init__.py').exists()
    with open(os.path.join(RUNS, HOOK_MODULE)) as f:
        expected = convert_hook_text(f.read(), 'engine').text_out
    assert written.read_text() == expected
    assert 'from mmcv' not in expected


def test_a_converted_config_that_no_longer_imports_the_hooks_fails_to_build(converted_tree,
                                                                            tmp_path):
    # the legacy module stays in sys.modules, but only a module the converted config imports
    # is given to the converted run: its hooks are missing there, as they would be
    from engine.errors import EngineError
    converted = _wrong_file(converted_tree, tmp_path, f'{HOOKS_STEM}.py',
                            lambda t: t.replace(", 'run_hooks.priority_probes'", ''))
    with pytest.raises(EngineError, match="'LegacyProbeHook' is not a registered hook") as info:
        compare_runs(os.path.join(RUNS, f'{HOOKS_STEM}.py'), target='engine',
                     converted=converted)
    assert "key 'custom_hooks[0]'" in str(info.value)


def test_a_converted_hook_that_raises_is_an_error_naming_the_hook_and_stage(converted_tree,
                                                                           tmp_path):
    # MMCV's runner.meta does not exist on the engine's runner: a conversion that kept it
    from engine.errors import ConfigError
    converted = _wrong_file(converted_tree, tmp_path, HOOK_MODULE, lambda t: t.replace(
        'self.epochs.append(runner.epoch)',
        "runner.meta.setdefault('epochs', []).append(runner.epoch)"))
    with pytest.raises(ConfigError) as info:
        compare_runs(os.path.join(RUNS, f'{HOOKS_STEM}.py'), target='engine',
                     converted=converted)
    message = str(info.value)
    assert ("the converted run failed in custom hook LegacyProbeHook(name='high')."
            "before_train_epoch: AttributeError") in message
    assert "key 'custom_hooks'" in message and 'migrate convert --report' in message


def test_a_given_tree_without_the_hook_module_runs_verifys_own_conversion(converted_tree,
                                                                          tmp_path):
    tree = tmp_path / 'tree'
    shutil.copytree(converted_tree, tree)
    shutil.rmtree(tree / 'run_hooks')
    c = compare_runs(os.path.join(RUNS, f'{HOOKS_STEM}.py'), target='engine',
                     converted=str(tree / f'{HOOKS_STEM}.py'))
    assert c.equal, c.failures
    [(key, why)] = [b for b in c.bridged if b[0].startswith('custom_imports')]
    assert key == 'custom_imports run_hooks.priority_probes'
    assert 'its conversion (--target engine) by verify' in why
