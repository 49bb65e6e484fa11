"""Downstream subclasses of LrUpdaterHook/MomentumUpdaterHook that implement ``get_lr`` /
``get_momentum`` (and override ``get_warmup_lr``) are driven by compat's runners exactly as
by MMCV 1.7.2's: lr and momentum before every iteration, weights, registration by policy name
(goldens: scripts/oracle/record_legacy_extra_hook_goldens.py)."""
import json
import logging
import os
import sys

import pytest
import torch

import compat.runner
import compat.runner.hooks
from compat.runner.hooks import (LrUpdaterHook, MomentumUpdaterHook, StepLrUpdaterHook,
                                 StepMomentumUpdaterHook)
from compat.runner.hooks.lr_updater import annealing_cos, annealing_linear, format_param

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_extra_hook_scenarios import (CUSTOM_SCENARIOS, custom_errors,  # noqa: E402
                                         custom_hooks, run_custom, runtime_of)
from legacy_runner_scenarios import ToyModel, make_loader  # noqa: E402

RT = runtime_of(compat.runner, compat.runner.hooks)
with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_extra_hooks.json')) as f:
    GOLDEN = json.load(f)['custom_schedules']


@pytest.mark.parametrize('name', sorted(CUSTOM_SCENARIOS))
def test_custom_policy_run_equals_mmcv(name, tmp_path):
    ours, golden = run_custom(RT, name, str(tmp_path)), GOLDEN[name]
    for i, (mine, theirs) in enumerate(zip(ours['seen'], golden['seen'])):
        assert mine == theirs, f'iteration {i}'
    assert ours == golden


def test_base_argument_errors_have_mmcv_types():
    assert custom_errors(RT) == GOLDEN['errors']


def test_unknown_base_argument_names_hook_and_arguments():
    halving = custom_hooks(RT)[0]
    with pytest.raises(TypeError) as info:
        halving(warmup_epochs=3)
    assert 'HalvingLrUpdaterHook' in str(info.value)
    assert 'warmup_by_epoch' in str(info.value)   # the valid names are listed


def test_base_without_get_lr_is_refused_at_construction():
    class NoPolicy(LrUpdaterHook):
        pass
    with pytest.raises(TypeError, match='implement get_lr'):
        NoPolicy()
    with pytest.raises(TypeError, match='implement get_momentum'):
        type('NoMomentum', (MomentumUpdaterHook,), {})()


@pytest.mark.parametrize('base, method', [(StepLrUpdaterHook, 'get_lr'),
                                          (StepLrUpdaterHook, 'get_warmup_lr'),
                                          (StepMomentumUpdaterHook, 'get_momentum')])
def test_overriding_a_compat_policy_hook_is_refused(base, method):
    cls = type('Tweaked', (base,), {method: lambda self, *args: 0.0})
    with pytest.raises(TypeError) as info:
        cls(step=[1])
    assert method in str(info.value) and 'Subclass' in str(info.value)


def test_positional_policy_arguments_are_refused_with_the_keyword_form():
    with pytest.raises(TypeError, match="policy='step'"):
        StepLrUpdaterHook([8, 11])


def test_base_lr_and_regular_lr_read_and_write_mmcv_shapes(tmp_path):
    halving = custom_hooks(RT)[0]
    hook = halving(every=1)
    model = ToyModel()
    runner = RT.EpochBasedRunner(model=model, optimizer=torch.optim.SGD(model.parameters(), 0.2),
                                 work_dir=str(tmp_path), logger=logging.getLogger('t'),
                                 max_epochs=2)
    runner.register_lr_hook(hook)
    runner.run([make_loader(0)], [('train', 1)])
    assert hook.base_lr == [0.2] and hook.regular_lr == [0.1]
    hook.base_lr = [0.4]
    assert hook.get_regular_lr(runner) == [0.4 * 0.5 ** runner.epoch]


def test_downstream_helpers_are_importable_from_lr_updater():
    assert annealing_cos(1.0, 0.0, 0.5) == pytest.approx(0.5)
    assert annealing_linear(1.0, 0.0, 0.25) == 0.75
    optim = torch.optim.SGD([{'params': [torch.zeros(1)]}, {'params': [torch.zeros(1)]}], 0.1)
    assert format_param('SGD', optim, 0.5) == [0.5, 0.5]
    assert format_param('SGD', optim, {'SGD': [1, 2]}) == [1, 2]
    with pytest.raises(ValueError, match='expected 2 values'):
        format_param('SGD', optim, [1])


def test_dict_of_optimizers_gets_a_dict_of_values_per_key():
    halving, _, wavy = custom_hooks(RT)
    model = ToyModel()
    optimizers = {'a': torch.optim.SGD(model.parameters(), lr=0.4, momentum=0.8),
                  'b': torch.optim.Adam(model.parameters(), lr=0.2, betas=(0.7, 0.99))}

    class Runner:
        optimizer = optimizers
        epoch, iter = 1, 3
    lr_hook, momentum_hook = halving(every=1), wavy()
    for hook in (lr_hook, momentum_hook):
        hook.before_run(Runner)
        hook.before_train_epoch(Runner)
    assert lr_hook.base_lr == {'a': [0.4], 'b': [0.2]}
    assert lr_hook.regular_lr == {'a': [0.2], 'b': [0.1]}
    assert optimizers['a'].param_groups[0]['lr'] == 0.2
    assert momentum_hook.regular_momentum == {'a': [0.8 * 0.95], 'b': [0.7 * 0.95]}
    assert optimizers['b'].param_groups[0]['betas'] == (0.7 * 0.95, 0.99)
