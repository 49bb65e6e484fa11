"""The EMA warm-up scenarios: a legacy ``EMAHook`` configuration each, the MMEngine hook the
converter writes for it, and the probe that reads an EMA's averaging weights directly.

The probe model has one float64 parameter vector with a slot per point of the weight history:
before training it is the unit vector e_0, after iteration t it is e_(t+1). An EMA of it is
therefore its own weight vector (slot 0: the weights before training; slot t+1: after
iteration t). Plain torch: shared by ``record_ema_warmup_goldens.py`` (both oracle
interpreters) and ``tests/migrate/rules/test_ema_kernel_vs_libraries.py``.
"""
from __future__ import annotations

from typing import Any, Dict, List

import torch
import torch.nn as nn

#: name -> legacy EMAHook arguments and the run length in iterations. They cover a warm-up that
#: never bites (MMCV's defaults; warm_up=1; interval 3), one that does (interval 1 and 2), and
#: a long one (warm_up=1000).
SCENARIOS: Dict[str, Dict[str, Any]] = {
    'mmcv_defaults': dict(momentum=0.0002, interval=1, warm_up=100, iters=12),
    'warm_up_bites': dict(momentum=0.1, interval=1, warm_up=100, iters=24),
    'interval2_warm_up_bites': dict(momentum=0.3, interval=2, warm_up=50, iters=16),
    'interval3_no_bite': dict(momentum=0.5, interval=3, warm_up=4, iters=16),
    'warm_up_one': dict(momentum=0.2, interval=1, warm_up=1, iters=12),
    'long_warm_up': dict(momentum=0.01, interval=1, warm_up=1000, iters=24),
}


def mmengine_args(scenario: Dict[str, Any]) -> Dict[str, Any]:
    """The converted hook's averaging arguments: MMCV stored ``momentum**interval`` and used
    it every ``interval`` iterations."""
    return dict(momentum=scenario['momentum'] ** scenario['interval'],
                interval=scenario['interval'])


class Probe(nn.Module):
    """One parameter vector of ``iters + 1`` slots, e_0 before training."""

    def __init__(self, iters: int):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(iters + 1, dtype=torch.float64))
        with torch.no_grad():
            self.w[0] = 1.0

    def step_to(self, t: int) -> None:
        """The weights after iteration ``t``: e_(t+1)."""
        with torch.no_grad():
            self.w.zero_()
            self.w[t + 1] = 1.0


class FakeRunner:
    """What both EMA hooks read of a runner: the model, the iteration (not yet incremented in
    ``after_train_iter``, as in both runners), the epoch and the run length."""

    def __init__(self, model: nn.Module, iters: int):
        self.model = model
        self.iter = 0
        self.epoch = 0
        self.max_iters = iters
        self.max_epochs = 1


def hexes(values: List[float]) -> List[str]:
    return [float(v).hex() for v in values]
