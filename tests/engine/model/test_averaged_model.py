"""BaseAveragedModel and subclasses: layout, formulas, argument checks, and agreement with
MMEngine 0.10.7 (goldens at the end of this file)."""
from __future__ import annotations

import json
import logging
import os
import sys

import pytest
import torch
import torch.nn as nn

from engine.model.averaged_model import (AveragingConfigError, BaseAveragedModel,
                                         ExponentialMovingAverage, MomentumAnnealingEMA,
                                         StochasticWeightAverage)
from engine.registry import MODELS


def bn_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))


def set_all(model, value):
    with torch.no_grad():
        for t in model.state_dict().values():
            if t.dtype.is_floating_point:
                t.fill_(value)


def test_registered_in_models():
    for cls in (ExponentialMovingAverage, MomentumAnnealingEMA, StochasticWeightAverage):
        assert MODELS.get(cls.__name__) is cls


def test_copy_is_frozen_and_state_dict_layout():
    model = bn_model()
    avg = ExponentialMovingAverage(model)
    assert avg.module is not model
    assert not any(p.requires_grad for p in avg.module.parameters())
    assert all(p.requires_grad for p in model.parameters())
    assert avg.steps.dtype == torch.long and int(avg.steps) == 0
    keys = list(avg.state_dict())
    assert keys[0] == 'steps'
    assert keys[1:] == ['module.' + k for k in model.state_dict()]
    x = torch.randn(3, 2)
    avg.eval(), model.eval()
    torch.testing.assert_close(avg(x), model(x))


def test_base_class_needs_avg_func():
    avg = BaseAveragedModel(bn_model())
    avg.update_parameters(avg.module)   # step 0 copies, no averaging yet
    with pytest.raises(NotImplementedError):
        avg.update_parameters(avg.module)


def test_ema_formula_and_buffers_follow_source():
    model = bn_model()
    avg = ExponentialMovingAverage(model, momentum=0.25)
    set_all(model, 1.0)
    avg.update_parameters(model)        # step 0: copy
    set_all(model, 3.0)
    avg.update_parameters(model)        # 0.75 * 1 + 0.25 * 3
    for p in avg.module.parameters():
        torch.testing.assert_close(p, torch.full_like(p, 1.5))
    # buffers are copied, not averaged
    torch.testing.assert_close(avg.module[1].running_mean, torch.full((2,), 3.0))
    assert int(avg.steps) == 2


def test_update_buffers_averages_float_buffers_only():
    model = bn_model()
    avg = ExponentialMovingAverage(model, momentum=0.5, update_buffers=True)
    set_all(model, 2.0)
    model[1].num_batches_tracked.fill_(7)
    avg.update_parameters(model)
    assert int(avg.module[1].num_batches_tracked) == 7    # copied on step 0
    set_all(model, 4.0)
    model[1].num_batches_tracked.fill_(9)
    avg.update_parameters(model)
    torch.testing.assert_close(avg.module[1].running_var, torch.full((2,), 3.0))
    assert int(avg.module[1].num_batches_tracked) == 7    # integers are not averaged


def test_interval_skips_steps():
    model = bn_model()
    avg = ExponentialMovingAverage(model, momentum=0.5, interval=2)
    set_all(model, 0.0)
    avg.update_parameters(model)        # steps 0: copy
    set_all(model, 8.0)
    avg.update_parameters(model)        # steps 1: skipped
    assert float(avg.module[0].bias[0]) == 0.0
    avg.update_parameters(model)        # steps 2: averaged
    assert float(avg.module[0].bias[0]) == 4.0


def test_swa_is_the_mean_of_snapshots():
    model = bn_model()
    avg = StochasticWeightAverage(model)
    for v in (1.0, 2.0, 6.0):
        set_all(model, v)
        avg.update_parameters(model)
    torch.testing.assert_close(avg.module[0].weight, torch.full((2, 2), 3.0))


def test_momentum_annealing():
    model = bn_model()
    avg = MomentumAnnealingEMA(model, momentum=0.1, gamma=1)
    set_all(model, 0.0)
    avg.update_parameters(model)
    set_all(model, 1.0)
    avg.update_parameters(model)        # steps 1: momentum max(0.1, 1/2) = 0.5
    assert float(avg.module[0].bias[0]) == pytest.approx(0.5)
    for _ in range(20):
        avg.update_parameters(model)    # later the floor 0.1 applies
    assert avg.gamma == 1 and avg.momentum == 0.1


@pytest.mark.parametrize('momentum', [0.0, 1.0, -0.1])
def test_momentum_range_is_checked(momentum):
    with pytest.raises(AssertionError, match='momentum'):
        ExponentialMovingAverage(bn_model(), momentum=momentum)


def test_gamma_is_checked():
    with pytest.raises(AveragingConfigError, match='gamma'):
        MomentumAnnealingEMA(bn_model(), gamma=0)


def test_large_momentum_warns(caplog):
    with caplog.at_level(logging.WARNING, logger='engine'):
        ExponentialMovingAverage(bn_model(), momentum=0.9)
    assert 'momentum' in caplog.text


def test_device_argument_and_to():
    avg = ExponentialMovingAverage(bn_model(), device=torch.device('cpu'), update_buffers=True)
    assert avg.steps.device.type == 'cpu'
    avg = avg.to(torch.float64)     # replaces tensors: averaging must still reach the module
    model = bn_model().double()
    set_all(model, 5.0)
    avg.update_parameters(model)
    assert float(avg.module[1].running_mean[0]) == 5.0

# === Against MMEngine 0.10.7 ===============================================================
# Goldens: fixtures/goldens/ema.json, from ``scripts/oracle/record_ema_goldens.py``, whose model and
# steps (scripts/oracle/ema_models.py) are imported here.
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDENS = json.load(open(os.path.join(ROOT, 'fixtures', 'goldens', 'ema.json')))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from ema_models import assert_state_matches, make_model, perturb  # noqa: E402


@pytest.mark.parametrize('name', sorted(GOLDENS['averagers']))
def test_averaged_model_matches_mmengine(name):
    spec = GOLDENS['averagers'][name]
    model = make_model()
    avg = MODELS.build(dict(type=spec['type'], model=model, **spec['kwargs']))
    for step in range(1, max(GOLDENS['record_at']) + 1):
        perturb(model, step)
        avg.update_parameters(model)
        if str(step) in spec['snapshots']:
            assert_state_matches(avg.state_dict(), spec['snapshots'][str(step)])


def test_mmengine_ema_state_dict_loads_into_ours():
    saved = GOLDENS['hook']['iter_based']['saved_ema_state_dict']
    state = {k: torch.tensor(v) for k, v in saved.items()}
    state = {k: (v.float() if v.is_floating_point() else v.long()) for k, v in state.items()}
    avg = MODELS.build(dict(type='ExponentialMovingAverage', model=make_model(), momentum=0.1))
    avg.load_state_dict(state, strict=True)
    assert_state_matches(avg.state_dict(), saved)
