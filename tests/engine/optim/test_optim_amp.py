"""AmpOptimWrapper: bf16 autocast on CPU (which MMEngine refuses), loss-scale options."""
import pytest
import torch
import torch.nn as nn

from engine.errors import BuildError
from engine.optim import AmpOptimWrapper, build_optim_wrapper
from engine.testing import optim_toy as toy


def _wrapper(model, **kw):
    return AmpOptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.1), **kw)


def test_cpu_forward_runs_in_bf16_under_optim_context():
    model = nn.Linear(4, 3)
    wrapper = _wrapper(model)
    with wrapper.optim_context(model):
        out = model(torch.ones(2, 4))
    assert out.dtype == torch.bfloat16
    assert wrapper.device_type == 'cpu' and wrapper.cast_dtype == torch.bfloat16
    assert wrapper.loss_scaler is None
    assert model(torch.ones(2, 4)).dtype == torch.float32  # autocast ends with the context


def test_cpu_bf16_training_step_updates_fp32_weights():
    model = toy.OptimToyNet(share=True)
    wrapper = build_optim_wrapper(model, dict(
        type='AmpOptimWrapper', optimizer=dict(type='SGD', lr=0.1, momentum=0.9),
        clip_grad=dict(max_norm=10.0)))
    wrapper.initialize_count_status(model, 0, 3)
    before = model.conv.weight.detach().clone()
    losses = []
    for it in range(3):
        with wrapper.optim_context(model):
            loss = toy.toy_loss(model, it)
        wrapper.update_params(loss)
        losses.append(loss.item())
        assert wrapper.last_grad_norm is not None and wrapper.last_grad_norm > 0
    assert model.conv.weight.dtype == torch.float32
    assert not torch.equal(model.conv.weight, before)
    assert all(torch.isfinite(torch.tensor(losses)))
    assert model.conv.weight.grad is None  # zeroed after the step


def test_cpu_bf16_close_to_fp32():
    def run(amp):
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
        toy.init_deterministic(model)
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        wrapper = AmpOptimWrapper(optimizer=opt) if amp else \
            build_optim_wrapper(model, dict(optimizer=opt))
        x = torch.linspace(-1, 1, 32).reshape(8, 4)
        for _ in range(5):
            with wrapper.optim_context(model):
                loss = model(x).float().pow(2).mean()
            wrapper.update_params(loss)
        return model[0].weight.detach()
    assert torch.allclose(run(True), run(False), atol=2e-2)


def test_float16_on_cpu_is_a_build_error():
    model = nn.Linear(2, 2)
    if torch.cuda.is_available():
        wrapper = _wrapper(model, dtype='float16')
        with pytest.raises(BuildError, match='bfloat16'):
            with wrapper.optim_context(model):
                pass
    else:
        with pytest.raises(BuildError, match='bfloat16') as info:
            _wrapper(model, dtype='float16')
        assert info.value.key == 'optim_wrapper.dtype'


@pytest.mark.parametrize('loss_scale', ['dynamic', 512., dict(init_scale=1024., growth_interval=5)])
def test_loss_scale_forms_accepted(loss_scale):
    wrapper = _wrapper(nn.Linear(2, 2), loss_scale=loss_scale, dtype='bfloat16')
    assert wrapper.cast_dtype == torch.bfloat16


@pytest.mark.parametrize('bad', [dict(loss_scale='static'), dict(loss_scale=None),
                                 dict(dtype='half'), dict(dtype=3)])
def test_invalid_arguments(bad):
    with pytest.raises(BuildError):
        _wrapper(nn.Linear(2, 2), **bad)


def test_state_dict_has_loss_scaler_and_round_trips_on_cpu():
    model = nn.Linear(2, 2)
    wrapper = _wrapper(model)
    with wrapper.optim_context(model):
        loss = model(torch.ones(1, 2)).sum()
    wrapper.update_params(loss)
    state = wrapper.state_dict()
    assert state['loss_scaler'] == {}
    other = _wrapper(nn.Linear(2, 2))
    other.load_state_dict(state)
    # a CUDA checkpoint's scaler state is kept until the device is known, then dropped on CPU
    cuda_like = dict(state, loss_scaler=dict(scale=1024.0, growth_factor=2.0, backoff_factor=0.5,
                                             growth_interval=2000, _growth_tracker=0))
    fresh = _wrapper(nn.Linear(2, 2))
    fresh.load_state_dict(cuda_like)
    assert fresh.state_dict()['loss_scaler']['scale'] == 1024.0
    fresh.initialize_count_status(nn.Linear(2, 2), 0, 10)
    assert fresh.loss_scaler is None and fresh.state_dict()['loss_scaler'] == {}


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_cuda_fp16_static_scale_is_pinned():
    model = nn.Linear(4, 4).cuda()
    wrapper = _wrapper(model, loss_scale=256.)
    for _ in range(3):
        with wrapper.optim_context(model):
            out = model(torch.ones(2, 4, device='cuda'))
        assert out.dtype == torch.float16
        wrapper.update_params(out.float().sum())
    assert wrapper.loss_scaler.get_scale() == 256.
    assert wrapper.state_dict()['loss_scaler']['scale'] == 256.


def test_scaler_path_unscales_before_clipping_and_pins_static_scale():
    # CPU GradScaler stands in for CUDA's: same API, so the step logic is exercised here
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(1.0)
    wrapper = _wrapper(model, loss_scale=256., clip_grad=dict(max_norm=100.0))
    wrapper.device_type = 'cuda-standin'
    wrapper.loss_scaler = torch.amp.GradScaler('cpu', init_scale=256.)
    for _ in range(3):
        w = model.weight.item()
        wrapper.update_params((model(torch.tensor([[2.0]])) ** 2).sum())
        assert wrapper.last_grad_norm == pytest.approx(8.0 * w)  # unscaled, not 256x
        assert model.weight.item() == pytest.approx(w - 0.1 * 8.0 * w)
        assert wrapper.loss_scaler.get_scale() == 256.
    state = wrapper.state_dict()
    assert state['loss_scaler']['scale'] == 256.
