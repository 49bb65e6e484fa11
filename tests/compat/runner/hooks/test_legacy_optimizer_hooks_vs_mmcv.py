"""compat's optimizer hooks replay MMCV 1.7.2's runs bit for bit: per-iteration loss, grad_norm
history and weights, final weights, logged warnings/errors and the fp16 scaler meta
(goldens: scripts/oracle/record_legacy_optimizer_hook_goldens.py)."""
import json
import logging
import os
import sys
import types
import warnings

import pytest
import torch

from compat.runner import EpochBasedRunner, IterBasedRunner
from compat.runner.hooks import (HOOKS, DistOptimizerHook, Fp16OptimizerHook,
                                 GradientCumulativeOptimizerHook, Hook, OptimizerHook)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_optimizer_hook_scenarios import SCENARIOS, HookToyModel, run_scenario  # noqa: E402

with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_optimizer_hooks.json')) as f:
    GOLDEN = json.load(f)


@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_scenario_equals_mmcv(name, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        ours = run_scenario(name, Hook, EpochBasedRunner, IterBasedRunner, str(tmp_path),
                            dist_hook_cls=DistOptimizerHook)
    golden = GOLDEN['scenarios'][name]
    _assert_run_equal(ours, golden)
    assert ('resumed' in ours) == ('resumed' in golden)
    if 'resumed' in golden:
        _assert_run_equal(ours['resumed'], golden['resumed'])


def _assert_run_equal(ours, golden):
    assert ours['hook_types'] == golden['hook_types']
    assert len(ours['rows']) == len(golden['rows'])
    for mine, theirs in zip(ours['rows'], golden['rows']):
        assert mine == theirs, f"iter {theirs['iter']}"
    for key in ('weights', 'log', 'saved_fp16_meta'):
        assert ours[key] == golden[key], key


def test_goldens_cover_the_cases_the_brief_names():
    # guards against a re-record that silently drops what the replay is meant to prove
    scen = GOLDEN['scenarios']
    assert scen['grad_clip']['rows'][-1]['grad_norm_history']
    assert any('divided by 2' in m for _, m in scen['cumulative_3_epochs']['log'])
    assert scen['detect_anomalous']['log'][0][0] == 'ERROR'
    assert scen['fp16_static']['saved_fp16_meta'] == "{'loss_scaler': {}}"
    assert 'Resume iter number' in scen['cumulative_resumed']['resumed']['log'][0][1]
    assert scen['fp16_resumed']['resumed']['rows'][0]['iter'] == 7
    # the enabled (CPU) scaler grows every 2 steps and the resumed run continues from 8192
    assert "'scale': 8192.0" in scen['fp16_cpu_scaler_dynamic']['saved_fp16_meta']
    assert "'scale': 16384.0" in scen['fp16_cpu_scaler_dynamic']['resumed']['rows'][0]['fp16_meta']
    # MMSelfSup 0.x: update_interval 3 over 14 iterations: the trailing window (iterations 13
    # and 14, 1-based) is stepped at the last iteration, its losses divided by 2
    rows = scen['dist_update_interval_3']['rows']
    assert rows[-2]['weights'] == rows[-3]['weights'] != rows[-1]['weights']
    assert rows[-1]['grad_norm_history']
    assert any('BatchNorm' in m for _, m in scen['dist_batch_norm']['log'])


@pytest.mark.parametrize('value', [512, 'static', None])
def test_loss_scale_refusal_is_mmcvs_and_names_the_fix(value):
    kind, message = GOLDEN['loss_scale_refusals'][repr(value)]
    with pytest.raises(ValueError) as info:
        Fp16OptimizerHook(loss_scale=value)
    assert type(info.value).__name__ == kind
    assert str(info.value).startswith(message)
    assert 'loss_scale' in str(info.value) and '512.' in str(info.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason='the CPU fallback only')
def test_fp16_without_cuda_warns_naming_fp16_and_cuda():
    with pytest.warns(UserWarning, match='fp16.*CUDA'):
        hook = Fp16OptimizerHook(loss_scale='dynamic')
    assert not hook.loss_scaler.is_enabled()


def test_fp16_before_run_loads_the_scaler_state_from_meta():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        hook = Fp16OptimizerHook(loss_scale=512.)
    seen = []
    hook.loss_scaler.load_state_dict = seen.append
    state = {'scale': 128.0}
    hook.before_run(types.SimpleNamespace(model=HookToyModel(),
                                          meta={'fp16': {'loss_scaler': state}}))
    assert seen == [state]


def test_cumulative_iters_must_be_a_positive_int():
    with pytest.raises(AssertionError, match='cumulative_iters'):
        GradientCumulativeOptimizerHook(cumulative_iters=0)


def _runner():
    model = HookToyModel()
    return EpochBasedRunner(model=model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                            logger=logging.getLogger('t'), max_epochs=1)


def test_register_optimizer_hook_defaults_type_on_the_callers_dict():
    runner, cfg = _runner(), dict(grad_clip=None)
    runner.register_optimizer_hook(cfg)
    assert cfg['type'] == 'OptimizerHook'
    assert type(runner.hooks[0]) is OptimizerHook
    assert runner.hooks[0].priority == 40  # ABOVE_NORMAL (MMCV 1.7.2)


def test_register_optimizer_hook_takes_a_hook_or_none():
    runner, hook = _runner(), DistOptimizerHook(update_interval=2)
    runner.register_optimizer_hook(None)
    assert runner.hooks == []
    runner.register_optimizer_hook(hook)
    assert runner.hooks == [hook]


def test_all_five_hooks_are_registered():
    for name in ('OptimizerHook', 'GradientCumulativeOptimizerHook', 'Fp16OptimizerHook',
                 'GradientCumulativeFp16OptimizerHook', 'DistOptimizerHook'):
        assert HOOKS.get(name) is not None, name


def test_dist_optimizer_hook_frozen_layers_keep_their_weights_for_n_iterations():
    # MMSelfSup 0.x frozen_layers_cfg: gradients of parameters whose name contains the key are
    # dropped before each step while runner.iter < the count (runner.model.module: wrapped)
    from torch.utils.data import DataLoader, TensorDataset

    from compat.parallel import MMDataParallel

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.head = torch.nn.Linear(3, 1)
            self.neck = torch.nn.Linear(3, 3)

        def train_step(self, data, optimizer):
            (x, ) = data
            loss = self.head(self.neck(x)).pow(2).mean()
            return dict(loss=loss, log_vars={'loss': loss.item()}, num_samples=len(x))

    model = MMDataParallel(Model())
    runner = EpochBasedRunner(model=model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                              logger=logging.getLogger('t'), max_epochs=1)
    hook = DistOptimizerHook(update_interval=1, frozen_layers_cfg={'neck': 2})
    runner.register_hook(hook)
    neck = []

    class Watch(Hook):
        def after_train_iter(self, runner):
            neck.append(runner.model.module.neck.weight.detach().clone())

    runner.register_hook(Watch(), priority='LOWEST')
    start = model.module.neck.weight.detach().clone()
    loader = DataLoader(TensorDataset(torch.randn(8, 3)), batch_size=2)
    runner.run([loader], [('train', 1)])
    assert torch.equal(neck[0], start) and torch.equal(neck[1], start)
    assert not torch.equal(neck[2], start)
