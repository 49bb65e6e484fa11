"""Whole-run `migrate verify` on configs whose project module subclasses MMCV framework hooks:
a custom LR policy (HK007: a param scheduler), a custom optimizer hook (HK008: an optim
wrapper), a custom runner (HK010: a train loop). Verify converts the module named in
``custom_imports`` with the hook-code converter and trains the ported class on the engine;
the legacy hook is an expected difference (no hook on the engine), compared through the lr,
loss and weights of every iteration. Every run of fixtures/legacy_runs/custom_lr_policy says
SAME this way; a module holding a class left for a manual port is an error naming it; a wrong
port is caught at the predicted iteration."""
import contextlib
import os
import shutil

import pytest

from migrate.verify.whole_run import compare_runs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
RUNS = os.path.join(ROOT, 'fixtures', 'legacy_runs')
HOOKS = os.path.join(ROOT, 'fixtures', 'legacy_hooks')

#: config stem -> (module of the project, fixture hook module, the config's own keys)
CASES = {
    'lr_policy': ('lr_policies', 'custom_lr_updater.py',
                  "lr_config = dict(_delete_=True, policy='StepDecay', decay=0.5, every=1, "
                  "warmup='linear', warmup_iters=12, warmup_ratio=0.1)\n"),
    'optimizer_hook': ('opt_hooks', 'grad_accum_optimizer.py',
                       "optimizer_config = dict(_delete_=True, type='AccumulateOptimizerHook', "
                       'cumulative_iters=2, grad_clip=dict(max_norm=1.0))\n'),
    'runner': ('runners', 'runner_subclass_extras.py',
               "runner = dict(_delete_=True, type='EpochAwareEpochBasedRunner', "
               'max_epochs=3)\n'),
}


#: every legacy run of fixtures/legacy_runs/custom_lr_policy (the project's policies by epoch
#: and iteration, under linear/constant/exp warm-ups, a momentum policy, an iteration runner)
POLICY_RUNS = sorted(n[:-3] for n in os.listdir(os.path.join(RUNS, 'custom_lr_policy'))
                     if n.endswith('.py'))


@pytest.fixture(scope='module')
def project(tmp_path_factory):
    """A project tree: the legacy run configs, and a package holding the fixture hook modules
    as the project's own code (on sys.path, as a project's PYTHONPATH). One per module: a
    legacy run registers the project's hooks in compat's registry, as a process would once."""
    tmp_path = tmp_path_factory.mktemp('project')
    shutil.copytree(RUNS, tmp_path / 'configs')
    package = tmp_path / 'my_proj'
    package.mkdir()
    (package / '__init__.py').write_text('')
    # the portable policies of the shapes fixture: its PlateauLrUpdaterHook stays marked for
    # a manual port (it reads the eval hook's messages), and a module holding it still needs
    # MMCV 1.x to import (verify says so: test below)
    with open(os.path.join(HOOKS, 'custom_lr_updater_shapes.py')) as f:
        shapes = f.read()
    cut = shapes.index('@HOOKS.register_module()\nclass PlateauLrUpdaterHook')
    (package / 'lr_policy_shapes.py').write_text(shapes[:cut].rstrip() + '\n')
    head = shapes.index('@HOOKS.register_module()')
    (package / 'lr_policy_manual.py').write_text(shapes[:head] + shapes[cut:])
    for stem in POLICY_RUNS:
        (tmp_path / 'configs' / f'policy_{stem}.py').write_text(
            f"_base_ = ['./custom_lr_policy/{stem}.py']\n"
            "custom_imports = dict(imports=['compat.testing.registration', "
            "'my_proj.lr_policies', 'my_proj.lr_policy_shapes'], allow_failed_imports=False)\n")
    for stem, (module, fixture, keys) in CASES.items():
        shutil.copy(os.path.join(HOOKS, fixture), package / f'{module}.py')
        (tmp_path / 'configs' / f'{stem}.py').write_text(
            "_base_ = ['./toy_sgd_step_gradclip_3e.py']\n" + keys +
            f"custom_imports = dict(imports=['compat.testing.registration', "
            f"'my_proj.{module}'], allow_failed_imports=False)\n")
    with pytest.MonkeyPatch.context() as patch, _registries_set_aside():
        patch.syspath_prepend(str(tmp_path))
        yield tmp_path


@contextlib.contextmanager
def _registries_set_aside():
    """Empty registries of the kinds the project registers (the hook-code tests loaded the
    same fixture classes under other module names), given back as they were after."""
    from compat.runner import HOOKS as LEGACY_HOOKS
    from compat.runner import RUNNERS as LEGACY_RUNNERS
    from engine.registry import HOOKS, LOOPS, OPTIM_WRAPPERS, PARAM_SCHEDULERS
    registries = [LEGACY_HOOKS, LEGACY_RUNNERS, HOOKS, LOOPS, OPTIM_WRAPPERS, PARAM_SCHEDULERS]
    saved = [dict(r._modules) for r in registries]
    names = _project_class_names()
    for registry in registries:
        for name in names:
            registry._modules.pop(name, None)
    try:
        yield
    finally:
        for registry, before in zip(registries, saved):
            registry._modules.clear()
            registry._modules.update(before)


def _project_class_names():
    import re
    names = set()
    for fixture in ['custom_lr_updater_shapes.py'] + [c[1] for c in CASES.values()]:
        with open(os.path.join(HOOKS, fixture)) as f:
            names.update(re.findall(r'^class (\w+)', f.read(), re.M))
    # and what their ports are registered as
    return names | {n.replace('LrUpdaterHook', 'LR').replace('MomentumUpdaterHook', 'Momentum')
                    .replace('Runner', 'TrainLoop') for n in names}


@pytest.mark.parametrize('stem, role', [('lr_policy', 'param scheduler (HK007)'),
                                        ('optimizer_hook', 'optim wrapper (HK008)'),
                                        ('runner', None)])
def test_a_ported_framework_subclass_trains_the_same(project, stem, role):
    c = compare_runs(str(project / 'configs' / f'{stem}.py'), target='engine')
    assert c.equal, (c.first_divergence, c.failures)
    assert c.weights_bitwise and len(c.legacy.loss) == 24
    ported = [why for what, why in c.expected if 'no hook in the converted run' in what]
    if role is None:
        assert ported == []
    else:
        assert len(ported) == 1 and role in ported[0]
    # the module verify trained is the hook-code conversion of the project's module
    assert any('legacy hook code: the converted run imports its conversion' in str(b)
               for b in c.bridged), c.bridged


@pytest.mark.parametrize('stem', POLICY_RUNS)
def test_every_custom_policy_run_trains_the_same_through_its_port(project, stem):
    c = compare_runs(str(project / 'configs' / f'policy_{stem}.py'), target='engine')
    assert c.equal, (c.first_divergence, c.failures)
    assert c.weights_bitwise and len(c.legacy.lr) == len(c.converted.lr) > 0   # lr: 1e-12
    assert [why for what, why in c.expected if 'no hook in the converted run' in what]


def test_a_module_left_for_a_manual_port_is_an_error_naming_it(project):
    from engine.errors import ConfigError
    path = project / 'configs' / 'policy_manual.py'
    path.write_text("_base_ = ['./toy_sgd_step_gradclip_3e.py']\n"
                    "lr_config = dict(_delete_=True, policy='Plateau', patience=2)\n"
                    "custom_imports = dict(imports=['compat.testing.registration', "
                    "'my_proj.lr_policy_manual'], allow_failed_imports=False)\n")
    with pytest.raises(ConfigError) as e:
        compare_runs(str(path), target='engine')
    assert e.value.key == 'custom_imports' and 'my_proj.lr_policy_manual' in str(e.value)
    assert "No module named 'mmcv'" in str(e.value)


def test_a_wrong_port_is_caught_at_the_first_iteration_it_changes(project, tmp_path):
    from migrate.convert.driver import ConvertOptions
    from migrate.convert.several import run_convert_files
    out = tmp_path / 'converted'
    run = run_convert_files([str(project)],
                            ConvertOptions(target='engine', epoch_len=8, output=str(out),
                                           progress=False), echo=lambda s: None)
    assert not run.errors
    converted = next(p for p in out.rglob('lr_policies.py'))
    text = converted.read_text()
    assert 'progress // self.every' in text
    # the ported policy decays one epoch late
    converted.write_text(text.replace('progress // self.every', '(progress - 1) // self.every'))
    c = compare_runs(str(project / 'configs' / 'lr_policy.py'), target='engine',
                     converted=str(next(p for p in out.rglob('lr_policy.py'))))
    assert not c.equal and c.first_divergence == (0, 'lr')
