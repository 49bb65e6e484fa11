"""HK007 port, side by side: ``fixtures/legacy_hooks/custom_lr_updater.py``'s
``StepDecayLrUpdaterHook`` driven by ``lr_config = dict(policy='StepDecay', ...)`` on compat,
beside its conversion (``StepDecayLR``, ``fixtures/converted_hooks/engine``) driven by the
converted config's ``param_scheduler`` on the engine: the same lr at every iteration and the
same final weights, epoch-based and iteration-based, with and without a warm-up
(``fixtures/legacy_runs/custom_lr_policy/``)."""
import contextlib
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402

EPOCH_LEN = 8   # the toy training set: 64 samples, 8 a batch
STEM = 'custom_lr_updater'


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

    class LrSeen(Hook):
        seen = []

        def before_train_iter(self, runner):
            self.seen.append((runner.iter, runner.optimizer.param_groups[0]['lr']))

    LrSeen.seen = []
    return LrSeen


def _engine_recorder():
    from engine.hooks import Hook

    class LrSeen(Hook):
        seen = []

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            self.seen.append((runner.iter,
                              runner.optim_wrapper.optimizer.param_groups[0]['lr']))

    LrSeen.seen = []
    return LrSeen


def _side_by_side(tmp_path, run, converted_path=None):
    from compat.runner import HOOKS
    from engine.registry import PARAM_SCHEDULERS

    legacy_cls = sbs.load_legacy(STEM).StepDecayLrUpdaterHook
    with _registered(PARAM_SCHEDULERS, None):   # its import registers it: taken back
        PARAM_SCHEDULERS._modules.pop('StepDecayLR', None)   # another test's import
        new_cls = sbs.load_converted(STEM, converted_path).StepDecayLR
    old_rec, new_rec = _legacy_recorder(), _engine_recorder()
    with _registered(HOOKS, legacy_cls):
        legacy = sbs.run_legacy(run, str(tmp_path / 'legacy'), [(old_rec(), 'LOWEST')])
    with _registered(PARAM_SCHEDULERS, new_cls):
        converted = sbs.run_converted(run, str(tmp_path / 'engine'), [new_rec()], EPOCH_LEN)
    return legacy, converted, old_rec.seen, new_rec.seen


def _close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(abs(a), abs(b))


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
    legacy, converted, old, new = _side_by_side(tmp_path, run, converted_path)
    iterations, expected = CASES[run]
    assert [i for i, _ in old] == list(range(iterations))
    for i, lr in expected.items():
        assert _close(old[i][1], lr), (i, old[i], lr)
    assert [i for i, _ in new] == [i for i, _ in old]
    for (i, a), (_, b) in zip(old, new):
        assert _close(a, b), (i, a, b)
    sbs.assert_same_weights(sbs.weights(legacy.model), sbs.weights(converted.model))


# -- the mmengine-target class on the real MMEngine ------------------------------------------------
#: scripts/oracle/hookcode_port_lr_updater.py's scenarios: (by_epoch, MMCV warmup_iters or None)
ORACLE_SCENARIOS = {'epoch': (True, None), 'epoch_linear_warmup': (True, 10),
                    'iter': (False, None), 'iter_linear_warmup': (False, 5)}
ORACLE_EPOCH_LEN, ORACLE_EPOCHS = 4, 3


def _legacy_replay(by_epoch, warmup_iters):
    """The legacy hook driven as MMCV's runner drives it (two param groups, lr 0.1 and 0.02);
    the lr of every group before each iteration."""
    from types import SimpleNamespace

    import torch

    cls = sbs.load_legacy(STEM).StepDecayLrUpdaterHook
    hook = cls(by_epoch=by_epoch, warmup='linear' if warmup_iters else None,
               warmup_iters=warmup_iters or 0, warmup_ratio=0.1)
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD([{'params': [model.weight], 'lr': 0.1},
                                 {'params': [model.bias], 'lr': 0.02}], lr=0.1, momentum=0.9)
    runner = SimpleNamespace(optimizer=optimizer, epoch=0, iter=0,
                             data_loader=range(ORACLE_EPOCH_LEN))
    hook.before_run(runner)
    seen = []
    for epoch in range(ORACLE_EPOCHS):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        for k in range(ORACLE_EPOCH_LEN):
            runner.iter = epoch * ORACLE_EPOCH_LEN + k
            hook.before_train_iter(runner)
            seen.append([g['lr'] for g in optimizer.param_groups])
    return seen


def test_mmengine_target_class_on_real_mmengine_gives_the_legacy_values():
    import json
    golden = os.path.join(sbs.ROOT, 'fixtures', 'goldens', 'hookcode_mmengine_binding.json')
    with open(golden, encoding='utf-8') as f:
        entry = json.load(f)['modules']['custom_lr_updater.py']['classes']['StepDecayLR']
    recorded = entry['param_scheduler']
    assert recorded['registered'] and recorded['param'] == 'lr'
    assert sorted(recorded['values']) == sorted(ORACLE_SCENARIOS)
    for scenario, (by_epoch, warmup_iters) in ORACLE_SCENARIOS.items():
        values = recorded['values'][scenario]
        assert isinstance(values, list), values   # else the error MMEngine raised
        expected = _legacy_replay(by_epoch, warmup_iters)
        assert len(values) == len(expected) == ORACLE_EPOCHS * ORACLE_EPOCH_LEN
        for i, (new, old) in enumerate(zip(values, expected)):
            assert all(_close(a, b) for a, b in zip(new, old)), (scenario, i, new, old)
