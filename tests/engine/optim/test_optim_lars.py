"""LARS, checked against a hand-written reference of the update rule."""
import pytest
import torch

from engine.optim import LARS, build_optim_wrapper
from engine.registry import OPTIMIZERS
from engine.testing import optim_toy as toy


def _reference_step(p, g, buf, lr, momentum, wd, eta, eps, exclude, nesterov=False):
    w_norm, g_norm = float(p.norm()), float(g.norm())
    trust = 1.0 if exclude or w_norm == 0 or g_norm == 0 else \
        eta * w_norm / (g_norm + wd * w_norm + eps)
    d = (g + wd * p) * (trust * lr)
    buf = d.clone() if buf is None else buf * momentum + d
    step = d + momentum * buf if nesterov else buf
    return p - step, buf


@pytest.mark.parametrize('exclude', [False, True])
@pytest.mark.parametrize('nesterov', [False, True])
def test_lars_matches_reference(exclude, nesterov):
    p = torch.nn.Parameter(torch.linspace(-1, 2, 6, dtype=torch.float64))
    group = {'params': [p], 'lars_exclude': exclude} if exclude else {'params': [p]}
    opt = LARS([group], lr=0.5, momentum=0.9, weight_decay=0.01, eta=0.02, nesterov=nesterov)
    ref, buf = p.detach().clone(), None
    for step in range(3):
        grad = torch.cos(torch.arange(6, dtype=torch.float64) + step)
        p.grad = grad.clone()
        opt.step()
        ref, buf = _reference_step(ref, grad, buf, 0.5, 0.9, 0.01, 0.02, 1e-8, exclude, nesterov)
        assert torch.allclose(p.detach(), ref, atol=1e-12)


def test_lars_exclude_changes_only_that_group():
    a = torch.nn.Parameter(torch.ones(3))
    b = torch.nn.Parameter(torch.ones(3))
    opt = LARS([{'params': [a]}, {'params': [b], 'lars_exclude': True}], lr=1.0, eta=0.001)
    a.grad = torch.ones(3)
    b.grad = torch.ones(3)
    opt.step()
    # trust ratio for a: 0.001 * |a| / |g| = 0.001; b uses the plain lr
    assert torch.allclose(a, torch.full((3,), 1 - 0.001))
    assert torch.allclose(b, torch.zeros(3))


def test_zero_norms_use_unit_trust_ratio_and_skips_missing_grads():
    p = torch.nn.Parameter(torch.zeros(2))
    q = torch.nn.Parameter(torch.ones(2))
    opt = LARS([p, q], lr=0.1)
    p.grad = torch.ones(2)
    opt.step()
    assert torch.allclose(p, torch.full((2,), -0.1)) and torch.equal(q, torch.ones(2))


@pytest.mark.parametrize('kw', [dict(lr=-1), dict(lr=0.1, momentum=-1),
                                dict(lr=0.1, weight_decay=-1), dict(lr=0.1, eta=-1),
                                dict(lr=0.1, nesterov=True)])
def test_invalid_arguments(kw):
    with pytest.raises(ValueError):
        LARS([torch.nn.Parameter(torch.ones(1))], **kw)


def test_lars_registered_and_mmselfsup_style_config_trains():
    assert OPTIMIZERS.get('LARS') is LARS
    model = toy.OptimToyNet(share=False)
    wrapper = build_optim_wrapper(model, dict(
        optimizer=dict(type='LARS', lr=0.3, momentum=0.9, weight_decay=1e-6),
        paramwise_cfg=dict(custom_keys={'bn': dict(decay_mult=0, lars_exclude=True)})))
    bn_groups = [g for g in wrapper.optimizer.param_groups if g.get('lars_exclude')]
    assert len(bn_groups) == 2 and all(g['weight_decay'] == 0 for g in bn_groups)
    for it in range(2):
        wrapper.update_params(toy.toy_loss(model, it))
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_state_dict_round_trip():
    p = torch.nn.Parameter(torch.ones(2))
    opt = LARS([p], lr=0.1, momentum=0.9)
    p.grad = torch.ones(2)
    opt.step()
    other = LARS([torch.nn.Parameter(torch.ones(2))], lr=0.1, momentum=0.9)
    other.load_state_dict(opt.state_dict())
    assert torch.equal(other.state_dict()['state'][0]['momentum_buffer'],
                       opt.state_dict()['state'][0]['momentum_buffer'])
