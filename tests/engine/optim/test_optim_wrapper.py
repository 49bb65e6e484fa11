"""OptimWrapper: accumulation, clipping, groups, lr/momentum views, state dicts, errors."""
import copy

import pytest
import torch
import torch.nn as nn

from engine.errors import BuildError
from engine.optim import OptimWrapper


def _linear(weight=1.0):
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(weight)
    return model


class _SpyOptim(torch.optim.SGD):
    """SGD that records the order of step / zero_grad calls."""

    def __init__(self, params, **kw):
        super().__init__(params, **kw)
        self.calls = []

    def step(self, closure=None):
        self.calls.append('step')
        return super().step(closure)

    def zero_grad(self, set_to_none=True):
        self.calls.append('zero')
        return super().zero_grad(set_to_none)


def test_scale_loss_factors_with_remainder():
    wrapper = OptimWrapper(torch.optim.SGD(_linear().parameters(), lr=0.1), accumulative_counts=3)
    wrapper.initialize_count_status(_linear(), 0, 10)
    factors = []
    for _ in range(10):
        factors.append(round(1 / float(wrapper.scale_loss(torch.tensor(1.0))), 6))
        wrapper._inner_count += 1
    # 10 = 3 + 3 + 3 + 1: the trailing iteration is divided by the remainder, not by 3
    assert factors == [3] * 9 + [1]


def test_scale_loss_remainder_of_two():
    wrapper = OptimWrapper(torch.optim.SGD(_linear().parameters(), lr=0.1), accumulative_counts=4)
    wrapper.initialize_count_status(_linear(), 0, 10)
    factors = []
    for _ in range(10):
        factors.append(round(1 / float(wrapper.scale_loss(torch.tensor(1.0)))))
        wrapper._inner_count += 1
    assert factors == [4] * 8 + [2, 2]


def test_scale_loss_without_count_status_and_without_accumulation():
    acc = OptimWrapper(torch.optim.SGD(_linear().parameters(), lr=0.1), accumulative_counts=3)
    assert float(acc.scale_loss(torch.tensor(3.0))) == pytest.approx(1.0)
    plain = OptimWrapper(torch.optim.SGD(_linear().parameters(), lr=0.1))
    assert float(plain.scale_loss(torch.tensor(3.0))) == 3.0


def test_step_and_zero_grad_timing():
    model = _linear()
    optim = _SpyOptim(model.parameters(), lr=0.1)
    wrapper = OptimWrapper(optim, accumulative_counts=3)
    wrapper.initialize_count_status(model, 0, 7)
    updates = []
    for _ in range(7):
        wrapper.update_params(model(torch.ones(1, 1)).sum())
        updates.append(len(optim.calls) // 2)
    # steps after iterations 3, 6 and the last one (7)
    assert updates == [0, 0, 1, 1, 1, 2, 3]
    # zero_grad comes right after each step (MMEngine order), never before backward
    assert optim.calls == ['step', 'zero'] * 3


def test_accumulated_update_equals_mean_gradient():
    model = _linear(1.0)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.5), accumulative_counts=2)
    xs = [1.0, 3.0]
    for x in xs:
        wrapper.update_params((model(torch.tensor([[x]])) ** 2).sum() / 2)
    # d/dw (w x)^2 / 2 = w x^2 at w = 1, averaged over the two samples
    expected = 1.0 - 0.5 * sum(x * x for x in xs) / 2
    assert model.weight.item() == pytest.approx(expected)
    assert model.weight.grad is None


def test_should_update_and_should_sync():
    wrapper = OptimWrapper(torch.optim.SGD(_linear().parameters(), lr=0.1), accumulative_counts=2)
    wrapper.initialize_count_status(_linear(), 0, 5)
    pattern = []
    for _ in range(5):
        sync = wrapper.should_sync()
        wrapper._inner_count += 1
        pattern.append((sync, wrapper.should_update()))
    assert pattern == [(False, False), (True, True), (False, False), (True, True), (True, True)]


class _FakeDDP(nn.Module):
    def __init__(self, module):
        super().__init__()
        self.module = module
        self.no_sync_entered = 0

    def forward(self, x):
        return self.module(x)

    def no_sync(self):
        outer = self

        class _Ctx:
            def __enter__(self):
                outer.no_sync_entered += 1

            def __exit__(self, *exc):
                return False
        return _Ctx()


def test_optim_context_uses_no_sync_while_accumulating():
    ddp = _FakeDDP(_linear())
    wrapper = OptimWrapper(torch.optim.SGD(ddp.parameters(), lr=0.1), accumulative_counts=3)
    wrapper.initialize_count_status(ddp, 0, 6)
    entered = []
    for _ in range(6):
        before = ddp.no_sync_entered
        with wrapper.optim_context(ddp):
            loss = ddp(torch.ones(1, 1)).sum()
        wrapper.update_params(loss)
        entered.append(ddp.no_sync_entered - before)
    assert entered == [1, 1, 0, 1, 1, 0]


def test_initialize_count_status_resume():
    wrapper = OptimWrapper(torch.optim.SGD(_linear().parameters(), lr=0.1), accumulative_counts=3)
    wrapper.initialize_count_status(_linear(), 4, 10)
    assert wrapper.inner_count == 4 and wrapper.max_counts == 10
    assert float(wrapper.scale_loss(torch.tensor(3.0))) == pytest.approx(1.0)


def test_clip_grad_norm_records_last_grad_norm():
    model = _linear(1.0)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1.0),
                           clip_grad=dict(max_norm=0.5, norm_type=2))
    wrapper.update_params((model(torch.tensor([[2.0]])) ** 2).sum())  # grad = 2*w*x^2 = 8
    assert wrapper.last_grad_norm == pytest.approx(8.0)
    assert model.weight.item() == pytest.approx(1.0 - 0.5, rel=1e-5)  # clipped to norm 0.5


def test_clip_grad_norm_type_spelling_and_none_on_accumulation():
    model = _linear(1.0)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1.0), accumulative_counts=2,
                           clip_grad=dict(type='norm', max_norm=100.0))
    wrapper.update_params(model(torch.ones(1, 1)).sum())
    assert wrapper.last_grad_norm is None  # no step in this iteration
    wrapper.update_params(model(torch.ones(1, 1)).sum())
    assert wrapper.last_grad_norm == pytest.approx(1.0)


def test_clip_grad_value():
    model = _linear(1.0)
    clip = dict(type='value', clip_value=0.25)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1.0), clip_grad=clip)
    wrapper.update_params((model(torch.tensor([[2.0]])) ** 2).sum())
    assert model.weight.item() == pytest.approx(0.75)
    assert wrapper.last_grad_norm is None
    assert clip == dict(type='value', clip_value=0.25)  # the caller's dict is not mutated


@pytest.mark.parametrize('clip', [dict(type='max'), dict(type='norm'), {},
                                  dict(max_norm=1, clip_value=2), 'norm'])
def test_invalid_clip_grad(clip):
    with pytest.raises(BuildError) as info:
        OptimWrapper(torch.optim.SGD(_linear().parameters(), lr=0.1), clip_grad=clip)
    assert info.value.key.startswith('optim_wrapper.clip_grad')


def test_invalid_accumulative_counts():
    with pytest.raises(BuildError, match='accumulative_counts'):
        OptimWrapper(torch.optim.SGD(_linear().parameters(), lr=0.1), accumulative_counts=0)


def test_single_group_views():
    model = _linear()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9))
    assert wrapper.base_param_settings is None
    assert wrapper.param_groups is wrapper.optimizer.param_groups
    assert wrapper.get_lr() == {'lr': [0.1]}
    assert wrapper.get_momentum() == {'momentum': [0.9]}
    assert wrapper.defaults['lr'] == 0.1


def test_multi_group_base_param_settings_and_betas():
    a, b = _linear(), _linear()
    optim = torch.optim.Adam([{'params': a.parameters()},
                              {'params': b.parameters(), 'lr': 0.5, 'betas': (0.8, 0.99)}],
                             lr=0.01)
    wrapper = OptimWrapper(optim)
    assert len(wrapper.param_groups) == 3
    base = wrapper.param_groups[-1]
    assert base['lr'] == 0.01 and torch.equal(base['params'], torch.tensor([0.0]))
    assert wrapper.get_lr() == {'base_lr': [0.01], 'lr': [0.01, 0.5]}
    assert wrapper.get_momentum() == {'momentum': [0.9, 0.8]}
    rprop = OptimWrapper(torch.optim.Rprop(_linear().parameters(), lr=0.01))
    assert rprop.get_momentum() == {'momentum': [0]}


def _train(wrapper, model, steps):
    for i in range(steps):
        wrapper.update_params((model(torch.tensor([[1.0 + i]])) - 1).pow(2).sum())


def test_state_dict_round_trip_continues_identically():
    def make():
        a, b = _linear(0.5), _linear(-0.5)
        model = nn.Sequential(a, b)
        optim = torch.optim.SGD([{'params': a.parameters()},
                                 {'params': b.parameters(), 'lr': 0.02}], lr=0.01, momentum=0.9)
        return model, OptimWrapper(optim)

    model, wrapper = make()
    _train(wrapper, model, 3)
    wrapper.base_param_settings['lr'] = 0.123  # as a scheduler would
    state = copy.deepcopy(wrapper.state_dict())  # torch hands out live state tensors
    assert state['base_param_settings']['lr'] == 0.123
    model_state = {k: v.clone() for k, v in model.state_dict().items()}
    _train(wrapper, model, 2)
    expected = model[0].weight.item(), model[1].weight.item()

    model2, wrapper2 = make()
    model2.load_state_dict(model_state)
    keys = set(state)
    wrapper2.load_state_dict(state)
    assert set(state) == keys  # the input is not consumed
    assert wrapper2.base_param_settings['lr'] == 0.123
    _train(wrapper2, model2, 2)
    assert (model2[0].weight.item(), model2[1].weight.item()) == pytest.approx(expected, abs=1e-7)


def test_update_params_passes_step_and_zero_kwargs_only_when_given():
    calls = []

    class _Recording(OptimWrapper):
        def step(self, **kwargs):
            calls.append(('step', kwargs))
            super().step(**kwargs)

        def zero_grad(self, **kwargs):
            calls.append(('zero_grad', kwargs))
            super().zero_grad(**kwargs)

    model = _linear()
    wrapper = _Recording(torch.optim.SGD(model.parameters(), lr=0.1))
    wrapper.update_params(model(torch.ones(1, 1)).sum())
    wrapper.update_params(model(torch.ones(1, 1)).sum(), step_kwargs={},
                          zero_kwargs=dict(set_to_none=False))
    assert calls == [('step', {}), ('zero_grad', {}), ('step', {}),
                     ('zero_grad', {'set_to_none': False})]
    assert model.weight.grad is not None and float(model.weight.grad) == 0.0


def test_optim_context_without_accumulation_is_a_plain_reusable_context():
    ddp = _FakeDDP(_linear())
    wrapper = OptimWrapper(torch.optim.SGD(ddp.parameters(), lr=0.1))
    for _ in range(2):
        with wrapper.optim_context(ddp) as entered:
            loss = ddp(torch.ones(1, 1)).sum()
        assert entered is None
        wrapper.update_params(loss)
    assert ddp.no_sync_entered == 0
    with pytest.raises(ValueError, match='inside'):
        with wrapper.optim_context(ddp):
            raise ValueError('inside')  # exceptions are not swallowed
