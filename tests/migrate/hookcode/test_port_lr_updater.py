"""HK007 port, side by side: ``fixtures/legacy_hooks/custom_lr_updater.py``'s
``StepDecayLrUpdaterHook`` driven by ``lr_config = dict(policy='StepDecay', ...)`` on compat,
beside its conversion (``StepDecayLR``, ``fixtures/converted_hooks/engine``) driven by the
converted config's ``param_scheduler`` on the engine: the same lr at every iteration and the
same final weights, epoch-based and iteration-based, with and without a warm-up
(``fixtures/legacy_runs/custom_lr_policy/``)."""
import contextlib
import math
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402

EPOCH_LEN = 8   # the toy training set: 64 samples, 8 a batch
STEM = 'custom_lr_updater'
SHAPES = 'custom_lr_updater_shapes'


@contextlib.contextmanager
def _registered(registry, cls, name=None):
    """``cls`` in ``registry`` for the block only (as the config's custom_imports would)."""
    saved = dict(registry._modules)
    if cls is not None:
        registry._modules[name or cls.__name__] = cls
    try:
        yield
    finally:
        registry._modules.clear()
        registry._modules.update(saved)


def _legacy_recorder():
    from compat.runner import Hook

    class Seen(Hook):
        seen = []

        def before_train_iter(self, runner):
            group = runner.optimizer.param_groups[0]
            self.seen.append((runner.iter, group['lr'], group['momentum']))

    Seen.seen = []
    return Seen


def _engine_recorder():
    from engine.hooks import Hook

    class Seen(Hook):
        seen = []

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            group = runner.optim_wrapper.optimizer.param_groups[0]
            self.seen.append((runner.iter, group['lr'], group['momentum']))

    Seen.seen = []
    return Seen


@contextlib.contextmanager
def _all_registered(registry, classes):
    with contextlib.ExitStack() as stack:
        for cls in classes:
            stack.enter_context(_registered(registry, cls))
        yield


def _load_converted(stem, path):
    """A converted module; one that keeps a class marked (its legacy import too) imports with
    compat standing in for mmcv, as that class still needs."""
    import compat
    installed = compat.is_mmcv_alias_installed()
    compat.install_mmcv_alias()
    try:
        return sbs.load_converted(stem, path)
    finally:
        if not installed:
            compat.uninstall_mmcv_alias()


def _side_by_side(tmp_path, run, stem, legacy_names, new_names, converted_path=None):
    from compat.runner import HOOKS
    from engine.registry import PARAM_SCHEDULERS

    legacy_module = sbs.load_legacy(stem)
    with _registered(PARAM_SCHEDULERS, None):   # its import registers them: taken back
        for name in new_names:   # another test's import of the module (not a builtin)
            if not getattr(PARAM_SCHEDULERS._modules.get(name), '__module__',
                           'engine.').startswith('engine.'):
                PARAM_SCHEDULERS._modules.pop(name)
        new_module = _load_converted(stem, converted_path)
    old_rec, new_rec = _legacy_recorder(), _engine_recorder()
    with _all_registered(HOOKS, [getattr(legacy_module, n) for n in legacy_names]):
        legacy = sbs.run_legacy(run, str(tmp_path / 'legacy'), [(old_rec(), 'LOWEST')])
    with _all_registered(PARAM_SCHEDULERS, [getattr(new_module, n) for n in new_names]):
        converted = sbs.run_converted(run, str(tmp_path / 'engine'), [new_rec()], EPOCH_LEN)
    return legacy, converted, old_rec.seen, new_rec.seen


def _close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(abs(a), abs(b))


def _assert_same_run(legacy, converted, old, new, iterations):
    assert [r[0] for r in old] == list(range(iterations))
    assert [r[0] for r in new] == [r[0] for r in old]
    for a, b in zip(old, new):
        assert _close(a[1], b[1]) and _close(a[2], b[2]), (a, b)
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


#: run -> (iterations, lr at chosen iterations as MMCV computes them)
CASES = {
    # every epoch halves the lr: 0.02, 0.01, 0.005
    'custom_lr_policy/step_decay_epoch': (24, {0: 0.02, 7: 0.02, 8: 0.01, 23: 0.005}),
    # linear warm-up over 12 iterations (factor 0.1 + 0.9 * i / 12) laid over the epoch's
    # value, across the first epoch's end
    'custom_lr_policy/step_decay_epoch_warmup': (
        24, {0: 0.002, 6: 0.02 * 0.55, 8: 0.01 * 0.7, 11: 0.01 * 0.925, 12: 0.01,
             16: 0.005}),
    # by iteration (IterBasedRunner's default): 0.7 every 4 iterations
    'custom_lr_policy/step_decay_iter': (20, {0: 0.02, 3: 0.02, 4: 0.014, 19: 0.02 * 0.7 ** 4}),
    # exp warm-up (0.05 ** (1 - i / 6)) over the iteration values
    'custom_lr_policy/step_decay_iter_warmup': (
        20, {0: 0.02 * 0.05, 3: 0.02 * 0.05 ** 0.5, 5: 0.014 * 0.05 ** (1 / 6), 6: 0.014,
             19: 0.02 * 0.7 ** 4}),
}


@pytest.mark.parametrize('run', sorted(CASES))
def test_same_lr_at_every_iteration_and_same_weights(tmp_path, run, converted_path=None):
    legacy, converted, old, new = _side_by_side(
        tmp_path, run, STEM, ['StepDecayLrUpdaterHook'], ['StepDecayLR'], converted_path)
    iterations, expected = CASES[run]
    for i, lr in expected.items():
        assert _close(old[i][1], lr), (i, old[i], lr)
    _assert_same_run(legacy, converted, old, new, iterations)


# -- the shapes 1.x projects wrote -----------------------------------------------------------------
SHAPE_LEGACY = ['CosineCooldownLrUpdaterHook', 'MultiGammaStepLrUpdaterHook',
                'LinearRampMomentumUpdaterHook']
SHAPE_PORTED = ['CosineCooldownUpdaterLR', 'MultiGammaStepLR', 'LinearRampMomentum']


#: run -> (iterations, {iteration: (lr, momentum)} as MMCV computes them)
SHAPE_CASES = {
    # cosine to 0.01 * lr over 2 epochs (runner.max_epochs - cool_down_time), then 0.1 of it;
    # linear warm-up (0.1 + 0.09 * i) over 10 iterations across the first epoch's end
    'custom_lr_policy/cosine_cooldown_epoch_warmup': (
        24, {0: (0.002, 0.9), 8: (0.82 * (0.0002 + 0.5 * 0.0198), 0.9),
             10: (0.0002 + 0.5 * 0.0198, 0.9), 16: (0.00002, 0.9)}),
    # by iteration in an epoch run: runner.max_iters is 24, the cooldown the last 4
    'custom_lr_policy/cosine_cooldown_iter': (
        24, {0: (0.005, 0.9), 2: (0.25 * (0.001 + 0.5 * 0.019 * (1 + math.cos(math.pi / 10))),
                                  0.9),
             10: (0.001 + 0.5 * 0.019, 0.9), 20: (0.0005, 0.9)}),
    'custom_lr_policy/multi_gamma_step_iter': (
        20, {4: (0.02, 0.9), 5: (0.01, 0.9), 12: (0.002, 0.9), 19: (0.002, 0.9)}),
    # momentum 0.9 -> 0.99 over runner.max_iters = 24, divided by MMCV's warm-up factor
    # (0.9 + 0.1 * i / 6) for 6 iterations
    'custom_lr_policy/linear_ramp_momentum': (
        24, {0: (0.00002, 1.0), 3: (0.02 * (0.001 + 0.999 * 3 / 5), (0.9 + 0.09 * 3 / 24) / 0.95),
             6: (0.02, 0.9 + 0.09 * 6 / 24), 23: (0.002, 0.9 + 0.09 * 23 / 24)}),
}


@pytest.mark.parametrize('run', sorted(SHAPE_CASES))
def test_shapes_same_values_at_every_iteration_and_same_weights(tmp_path, run,
                                                                converted_path=None):
    legacy, converted, old, new = _side_by_side(tmp_path, run, SHAPES, SHAPE_LEGACY,
                                                SHAPE_PORTED, converted_path)
    iterations, expected = SHAPE_CASES[run]
    for i, (lr, momentum) in expected.items():
        assert _close(old[i][1], lr, 1e-9) and _close(old[i][2], momentum, 1e-9), \
            (i, old[i], lr, momentum)
    _assert_same_run(legacy, converted, old, new, iterations)


# -- the mmengine-target classes on the real MMEngine ----------------------------------------------
#: scripts/oracle/hookcode_port_lr_updater.py's scenarios: (by_epoch, MMCV warmup_iters or None)
ORACLE_SCENARIOS = {'epoch': (True, None), 'epoch_linear_warmup': (True, 10),
                    'iter': (False, None), 'iter_linear_warmup': (False, 5)}
ORACLE_EPOCH_LEN, ORACLE_EPOCHS = 4, 3
#: (converted module, ported class) -> (legacy fixture, legacy class, arguments)
ORACLE_CLASSES = {
    ('custom_lr_updater.py', 'StepDecayLR'): (STEM, 'StepDecayLrUpdaterHook', {}),
    ('custom_lr_updater_shapes.py', 'CosineCooldownUpdaterLR'):
        (SHAPES, 'CosineCooldownLrUpdaterHook', {}),
    ('custom_lr_updater_shapes.py', 'MultiGammaStepLR'):
        (SHAPES, 'MultiGammaStepLrUpdaterHook', dict(step=[2, 5], gamma=[0.5, 0.2])),
    ('custom_lr_updater_shapes.py', 'LinearRampMomentum'):
        (SHAPES, 'LinearRampMomentumUpdaterHook', {}),
}


def _legacy_replay(stem, name, args, param, by_epoch, warmup_iters):
    """The legacy hook driven as MMCV's runner drives it (two param groups, lr 0.1 and 0.02,
    momentum 0.9); ``param`` of every group before each iteration."""
    from types import SimpleNamespace

    import torch

    cls = getattr(sbs.load_legacy(stem), name)
    hook = cls(by_epoch=by_epoch, warmup='linear' if warmup_iters else None,
               warmup_iters=warmup_iters or 0, warmup_ratio=0.1, **args)
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD([{'params': [model.weight], 'lr': 0.1},
                                 {'params': [model.bias], 'lr': 0.02}], lr=0.1, momentum=0.9)
    runner = SimpleNamespace(optimizer=optimizer, epoch=0, iter=0,
                             data_loader=range(ORACLE_EPOCH_LEN), max_epochs=ORACLE_EPOCHS,
                             max_iters=ORACLE_EPOCHS * ORACLE_EPOCH_LEN)
    hook.before_run(runner)
    seen = []
    for epoch in range(ORACLE_EPOCHS):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        for k in range(ORACLE_EPOCH_LEN):
            runner.iter = epoch * ORACLE_EPOCH_LEN + k
            hook.before_train_iter(runner)
            seen.append([g[param] for g in optimizer.param_groups])
    return seen


@pytest.mark.parametrize('module,name', sorted(ORACLE_CLASSES))
def test_mmengine_target_class_on_real_mmengine_gives_the_legacy_values(module, name):
    import json
    golden = os.path.join(sbs.ROOT, 'fixtures', 'goldens', 'hookcode_mmengine_binding.json')
    with open(golden, encoding='utf-8') as f:
        recorded = json.load(f)['modules'][module]['classes'][name]['param_scheduler']
    stem, legacy_name, args = ORACLE_CLASSES[(module, name)]
    assert recorded['registered'] and recorded['args'] == args
    param = recorded['param']
    assert param == ('momentum' if name.endswith('Momentum') else 'lr')
    # MMCV's momentum warm-up has no MMEngine form: no warm-up scenario for momentum
    scenarios = {k: v for k, v in ORACLE_SCENARIOS.items()
                 if param == 'lr' or v[1] is None}
    assert sorted(recorded['values']) == sorted(scenarios)
    for scenario, (by_epoch, warmup_iters) in scenarios.items():
        values = recorded['values'][scenario]
        assert isinstance(values, list), values   # else the error MMEngine raised
        expected = _legacy_replay(stem, legacy_name, args, param, by_epoch, warmup_iters)
        assert len(values) == len(expected) == ORACLE_EPOCHS * ORACLE_EPOCH_LEN
        for i, (new, old) in enumerate(zip(values, expected)):
            assert all(_close(a, b) for a, b in zip(new, old)), (scenario, i, new, old)
