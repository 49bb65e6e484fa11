"""Param groups and training trajectories against goldens recorded from real MMEngine 0.10.7.

Recorded by scripts/oracle/record_optim_goldens.py on the same toy model
(engine/testing/optim_toy.py); each golden case carries its own configs.
"""
import copy
import json
from pathlib import Path

import pytest
import torch

from engine.errors import BuildError
from engine.optim import DefaultOptimWrapperConstructor, build_optim_wrapper
from engine.testing import optim_toy as toy

GOLDEN = Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' / 'optim.json'
DATA = json.loads(GOLDEN.read_text())
TOL = 1e-6


@pytest.mark.parametrize('case', DATA['groups'], ids=[c['name'] for c in DATA['groups']])
def test_param_groups_match_mmengine(case):
    model = toy.OptimToyNet(share=case['share'])
    ctor_args = (dict(type='OptimWrapper', optimizer=copy.deepcopy(case['optimizer'])),
                 copy.deepcopy(case['paramwise_cfg']))
    if 'error' in case:
        # MMEngine: ValueError; ours: a BuildError that names the paramwise_cfg key
        with pytest.raises(BuildError) as info:
            DefaultOptimWrapperConstructor(*ctor_args)(model)
        assert info.value.key.startswith('optim_wrapper.paramwise_cfg.')
        return
    wrapper = DefaultOptimWrapperConstructor(*ctor_args)(model)
    got = toy.describe_groups(wrapper.optimizer.param_groups, toy.param_names(model),
                              wrapper.optimizer.defaults)
    expected = case['groups']
    assert [g['params'] for g in got] == [g['params'] for g in expected]
    for g, e in zip(got, expected):
        assert g['lr'] == pytest.approx(e['lr'], rel=1e-12, abs=1e-15), g['params']
        assert g['weight_decay'] == pytest.approx(e['weight_decay'], rel=1e-12, abs=1e-15)
        assert g['extra'] == e['extra'], g['params']


def _max_abs_diff(state, expected):
    worst = 0.0
    assert set(state) >= set(expected)
    for key, values in expected.items():
        got = state[key].detach().double().flatten()
        worst = max(worst, float((got - torch.tensor(values, dtype=torch.float64)).abs().max()))
    return worst


@pytest.mark.parametrize('case', DATA['trajectories'],
                         ids=[c['name'] for c in DATA['trajectories']])
def test_trajectory_matches_mmengine(case):
    model = toy.OptimToyNet(share=True)
    model.train()
    cfg = dict(optimizer=copy.deepcopy(case['optimizer']), **copy.deepcopy(case['wrapper']))
    if case['paramwise_cfg'] is not None:
        cfg['paramwise_cfg'] = copy.deepcopy(case['paramwise_cfg'])
    wrapper = build_optim_wrapper(model, cfg)
    if case['init_counts'] is not None:
        wrapper.initialize_count_status(model, case['init_counts'], case['max_counts'])
    for it, expected in enumerate(case['per_iter']):
        with wrapper.optim_context(model):
            loss = toy.toy_loss(model, it)
        assert loss.item() == pytest.approx(expected['loss'], abs=TOL)
        assert float(wrapper.scale_loss(loss.detach())) == pytest.approx(expected['scaled_loss'],
                                                                         abs=TOL)
        wrapper.update_params(loss)
        assert wrapper.inner_count == expected['inner_count']
        if expected['grad_norm'] is None:
            assert wrapper.last_grad_norm is None
        else:
            assert wrapper.last_grad_norm == pytest.approx(expected['grad_norm'], abs=TOL)
    assert _max_abs_diff(model.state_dict(), case['final_state']) <= TOL
    assert wrapper.get_lr() == case['lr']
    assert wrapper.get_momentum() == case['momentum']
