"""The seeded model and the simulated training steps of the EMA goldens, shared by the
recorder (``record_ema_goldens.py``, oracle interpreter) and the tests that compare against
its goldens (tests/engine/hooks/test_ema_hook.py, tests/engine/model/test_averaged_model.py).
Plain torch: it imports neither MMEngine nor our packages."""
from __future__ import annotations

import torch
import torch.nn as nn

#: Tolerance of the EMA goldens (float32 state averaged in MMEngine's operation order).
ATOL = 1e-7


def make_model() -> nn.Module:
    """Linear(4, 3) + BatchNorm1d(3) with every float tensor drawn from a seeded generator."""
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    g = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for _, t in sorted(model.state_dict().items()):
            if t.dtype.is_floating_point:
                t.copy_(torch.rand(t.shape, generator=g, dtype=torch.float64).to(t.dtype) + 0.5)
    return model


def perturb(model: nn.Module, step: int) -> None:
    """Simulate one training step: add a deterministic delta to every parameter and buffer."""
    g = torch.Generator().manual_seed(1000 + step)
    with torch.no_grad():
        for _, t in sorted(model.state_dict().items()):
            if t.dtype.is_floating_point:
                delta = torch.randn(t.shape, generator=g, dtype=torch.float64) * 0.1
                t.add_(delta.to(t.dtype))
            else:
                t.add_(1)


def assert_state_matches(state: dict, golden: dict) -> None:
    """``state`` (tensors) equals a recorded state (nested lists) key by key."""
    assert list(sorted(state)) == sorted(golden)
    for k, v in golden.items():
        got = state[k].detach().cpu()
        want = torch.tensor(v, dtype=torch.float64)
        assert tuple(got.shape) == tuple(want.shape), k
        if got.dtype.is_floating_point:
            torch.testing.assert_close(got.double(), want, atol=ATOL, rtol=0, msg=k)
        else:
            assert got.tolist() == v, k
