"""OptimWrapperDict."""
import pytest
import torch
import torch.nn as nn

from engine.errors import BuildError
from engine.optim import OptimWrapper, OptimWrapperDict


def _make():
    gen, disc = nn.Linear(2, 2), nn.Linear(2, 1)
    g = OptimWrapper(torch.optim.SGD(gen.parameters(), lr=0.1, momentum=0.5))
    d = OptimWrapper(torch.optim.Adam([{'params': disc.weight}, {'params': disc.bias, 'lr': 0.5}],
                                      lr=0.01, betas=(0.7, 0.9)))
    return gen, disc, OptimWrapperDict(generator=g, discriminator=d)


def test_mapping_protocol():
    _, _, wd = _make()
    assert len(wd) == 2 and 'generator' in wd and 'critic' not in wd
    assert list(wd.keys()) == ['generator', 'discriminator']
    assert [n for n, _ in wd.items()] == ['generator', 'discriminator']
    assert all(isinstance(w, OptimWrapper) for w in wd.values())
    assert wd['generator'] is dict(wd.items())['generator']
    with pytest.raises(KeyError, match='critic'):
        wd['critic']


def test_lr_and_momentum_views():
    _, _, wd = _make()
    assert wd.get_lr() == {'generator.lr': [0.1], 'discriminator.base_lr': [0.01],
                           'discriminator.lr': [0.01, 0.5]}
    assert wd.get_momentum() == {'generator.momentum': [0.5], 'discriminator.momentum': [0.7, 0.7]}
    assert set(wd.param_groups) == {'generator', 'discriminator'}
    assert len(wd.param_groups['discriminator']) == 3  # two groups + base_param_settings


def test_ambiguous_methods_raise():
    gen, _, wd = _make()
    loss = gen(torch.ones(1, 2)).sum()
    with pytest.raises(NotImplementedError, match='each wrapper'):
        wd.update_params(loss)
    with pytest.raises(NotImplementedError):
        wd.backward(loss)
    with pytest.raises(NotImplementedError):
        with wd.optim_context(gen):
            pass


def test_step_zero_grad_and_count_status_fan_out():
    gen, disc, wd = _make()
    (gen(torch.ones(1, 2)).sum() + disc(torch.ones(1, 2)).sum()).backward()
    before = gen.weight.detach().clone(), disc.weight.detach().clone()
    wd.step()
    assert not torch.equal(gen.weight, before[0]) and not torch.equal(disc.weight, before[1])
    wd.zero_grad()
    assert gen.weight.grad is None and disc.weight.grad is None
    wd.initialize_count_status(gen, 2, 8)
    assert [w.max_counts for w in wd.values()] == [8, 8]
    assert [w.inner_count for w in wd.values()] == [2, 2]


def test_state_dict_per_name_round_trip():
    gen, disc, wd = _make()
    (gen(torch.ones(1, 2)).sum() + disc(torch.ones(1, 2)).sum()).backward()
    wd.step()
    state = wd.state_dict()
    assert set(state) == {'generator', 'discriminator'}
    assert 'base_param_settings' in state['discriminator']
    _, _, other = _make()
    other.load_state_dict(state)
    assert other['discriminator'].optimizer.state_dict()['state'].keys() == {0, 1}
    with pytest.raises(KeyError, match='critic'):
        other.load_state_dict({'critic': {}})


def test_rejects_non_wrappers():
    with pytest.raises(BuildError):
        OptimWrapperDict(generator=torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.1))
