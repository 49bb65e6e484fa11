"""HK008 on the real MMEngine 0.10.7 (imported by record_hookcode_mmengine_binding.py; runs
with the oracle interpreter, never imports our packages).

A class ported from an OptimizerHook subclass is an ``OptimWrapper`` subclass registered in
``mmengine.registry.OPTIM_WRAPPERS`` under its name. For each scenario of ``SCENARIOS`` (the
fixture's class; any other ported class runs with no arguments of its own) this builds it the
way the converted config names it, through MMEngine's ``build_optim_wrapper``
(``optim_wrapper=dict(type=<name>, optimizer=..., clip_grad=..., <its arguments>)``), sets its
count as ``Runner.train`` does (``initialize_count_status(model, 0, ITERS)``) and trains a toy
``BaseModel`` with ``model.train_step(batch, optim_wrapper)``, MMEngine's calling convention.
Each iteration records the loss, the count, whether the weights moved and the ``train/grad_norm``
the wrapper put in the message hub; the weights at the end too.
tests/migrate/hookcode/test_port_optimizer_hook_mmengine.py replays the scenarios with the
legacy hook on compat and the engine port on our engine.
"""
from __future__ import annotations

import inspect

import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import OPTIM_WRAPPERS

ITERS = 10
#: ported class -> the arguments of each scenario (its own and clip_grad)
SCENARIOS = {
    'AccumulateOptimizerHook': [dict(cumulative_iters=3, clip_grad=dict(max_norm=0.5)),
                                dict(cumulative_iters=4)],
    'LossWeightOptimizerHook': [dict(clip_grad=dict(max_norm=0.5), loss_weight=0.5),
                                dict(loss_weight=2.0)],
}
OPTIMIZER = dict(type='SGD', lr=0.1, momentum=0.9)


class ToyModel(BaseModel):
    """Two linear layers and a frozen one (which no clipping may count)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.a = torch.nn.Linear(4, 8)
        self.b = torch.nn.Linear(8, 2)
        self.frozen = torch.nn.Linear(2, 2)
        self.frozen.requires_grad_(False)

    def forward(self, inputs, mode='tensor'):
        out = self.b(torch.relu(self.a(inputs))).pow(2).mean() * 10
        return {'loss': out} if mode == 'loss' else out


def batches():
    g = torch.Generator().manual_seed(1)
    return [torch.randn(3, 4, generator=g) for _ in range(ITERS)]


def _run(name, kwargs):
    hub = MessageHub.get_instance(f'hk008_{name}_{sorted(kwargs)}')
    model = ToyModel()
    wrapper = build_optim_wrapper(model, dict(type=name, optimizer=OPTIMIZER, **kwargs))
    wrapper.message_hub = hub
    wrapper.initialize_count_status(model, 0, ITERS)
    rows = []
    for x in batches():
        before = [p.detach().clone() for p in model.parameters()]
        seen = len(hub.log_scalars['train/grad_norm'].data[0]) \
            if 'train/grad_norm' in hub.log_scalars else 0
        log_vars = model.train_step(dict(inputs=x), wrapper)
        norms = hub.log_scalars['train/grad_norm'].data[0] \
            if 'train/grad_norm' in hub.log_scalars else []
        stepped = any(not torch.equal(a, p) for a, p in zip(before, model.parameters()))
        rows.append({'loss': float(torch.as_tensor(log_vars['loss']).detach()),
                     'count': wrapper._inner_count,
                     'stepped': stepped,
                     'grad_norm': float(norms[-1]) if len(norms) > seen else None})
    weights = {k: v.flatten().tolist() for k, v in model.state_dict().items()}
    return {'kwargs': kwargs, 'type': type(wrapper).__name__, 'iterations': rows,
            'weights': weights}


def check(cls_name, cls):
    """What the binding golden records for a ported optimizer hook class (else nothing)."""
    if not (inspect.isclass(cls) and issubclass(cls, OptimWrapper)):
        return {}
    info = {'optim_wrapper': True, 'registered': OPTIM_WRAPPERS.get(cls_name) is cls}
    try:
        info['runs'] = [_run(cls_name, dict(kw)) for kw in SCENARIOS.get(cls_name, [{}])]
    except Exception as e:   # recorded: the test fails on it
        info['error'] = f'{type(e).__name__}: {e}'
    return info
