"""HK008's ports on the real MMEngine 0.10.7: the ``--target mmengine`` AccumulateOptimizerHook
and LossWeightOptimizerHook, built by MMEngine's ``build_optim_wrapper`` from
``optim_wrapper=dict(type=..., optimizer=..., clip_grad=..., <own arguments>)`` and stepped by
``BaseModel.train_step`` (recorded by
scripts/oracle/hookcode_port_optimizer_hook.py into fixtures/goldens/
hookcode_mmengine_binding.json), gives at every iteration the loss, count, step and clipped
gradient norm - and at the end the weights - that the ``--target engine`` port gives on our
engine and the legacy hook gives driven as MMCV's runner drives it; bitwise (same torch, same
operations on CPU)."""
import contextlib
import hashlib
import json
import os
import sys
import types

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _side_by_side as sbs  # noqa: E402
from _hook_cases import CONVERTED, ROOT  # noqa: E402

GOLDEN = os.path.join(ROOT, 'fixtures', 'goldens', 'hookcode_mmengine_binding.json')
PORTS = {'AccumulateOptimizerHook': 'grad_accum_optimizer',
         'LossWeightOptimizerHook': 'loss_weight_optimizer'}
ITERS = 10                                            # as the oracle script runs
OPTIMIZER = dict(type='SGD', lr=0.1, momentum=0.9)    # as the oracle script builds


def _mmengine_runs(name='AccumulateOptimizerHook'):
    stem = PORTS[name]
    with open(GOLDEN, encoding='utf-8') as f:
        entry = json.load(f)['modules'][f'{stem}.py']
    with open(os.path.join(CONVERTED, 'mmengine', f'{stem}.py'), 'rb') as f:
        assert entry['sha256'] == hashlib.sha256(f.read()).hexdigest(), \
            'record again: .oracle/mmengine/bin/python ' \
            'scripts/oracle/record_hookcode_mmengine_binding.py'
    info = entry['classes'][name]
    assert info['optim_wrapper'] and info['registered'], info
    return info['runs']


def _toy(base):
    class ToyModel(base):
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

    return ToyModel()


def _batches():
    g = torch.Generator().manual_seed(1)
    return [torch.randn(3, 4, generator=g) for _ in range(ITERS)]


def _weights(model):
    return {k: v.flatten().tolist() for k, v in model.state_dict().items()}


@contextlib.contextmanager
def _registered(registry, name, cls):
    before = dict(registry._modules)
    registry._modules[name] = cls
    try:
        yield
    finally:
        registry._modules.clear()
        registry._modules.update(before)


def _engine_run(name, kwargs):
    from engine.model import BaseModel
    from engine.optim import build_optim_wrapper
    from engine.registry import OPTIM_WRAPPERS
    port = getattr(sbs.load_converted(PORTS[name]), name)
    model = _toy(BaseModel)
    with _registered(OPTIM_WRAPPERS, name, port):
        wrapper = build_optim_wrapper(model, dict(type=name, optimizer=dict(OPTIMIZER),
                                                  **kwargs))
    assert type(wrapper) is port
    wrapper.initialize_count_status(model, 0, ITERS)   # as Runner.train does
    rows = []
    for x in _batches():
        before = [p.detach().clone() for p in model.parameters()]
        log_vars = model.train_step(dict(inputs=x), wrapper)
        stepped = any(not torch.equal(a, p) for a, p in zip(before, model.parameters()))
        rows.append({'loss': float(torch.as_tensor(log_vars['loss']).detach()),
                     'count': wrapper._inner_count, 'stepped': stepped,
                     'grad_norm': wrapper.last_grad_norm})
        wrapper.last_grad_norm = None   # the runner reads it once per iteration
    return rows, _weights(model)


class _LogBuffer:
    def update(self, values, count):
        pass


def _legacy_run(name, kwargs):
    legacy = getattr(sbs.load_legacy(PORTS[name]), name)

    class Rec(legacy):
        def clip_grads(self, params):
            norm = super().clip_grads(params)
            self.norm = float(norm)
            return norm

    model = _toy(torch.nn.Module)
    optimizer = torch.optim.SGD(model.parameters(), **{k: v for k, v in OPTIMIZER.items()
                                                       if k != 'type'})
    args = dict(kwargs)
    if 'clip_grad' in args:
        args['grad_clip'] = args.pop('clip_grad')
    hook = Rec(**args)
    runner = types.SimpleNamespace(model=model, optimizer=optimizer, log_buffer=_LogBuffer())
    rows = []
    for i, x in enumerate(_batches()):
        runner.iter = i
        runner.outputs = {'loss': model(x, mode='loss')['loss'], 'num_samples': 3}
        before = [p.detach().clone() for p in model.parameters()]
        hook.norm = None
        hook.after_train_iter(runner)
        stepped = any(not torch.equal(a, p) for a, p in zip(before, model.parameters()))
        rows.append({'loss': runner.outputs['loss'].item(), 'count': i + 1,
                     'stepped': stepped, 'grad_norm': hook.norm})
    return rows, _weights(model)


def test_recorded_scenarios_step_and_clip():
    runs = _mmengine_runs()
    assert [r['kwargs'] for r in runs] == [
        dict(cumulative_iters=3, clip_grad=dict(max_norm=0.5)), dict(cumulative_iters=4)]
    clip, plain = runs
    assert [row['stepped'] for row in clip['iterations']] == [i % 3 == 2 for i in range(ITERS)]
    assert all(row['grad_norm'] > 0.5 for row in clip['iterations'] if row['stepped'])
    assert [row['stepped'] for row in plain['iterations']] == [i % 4 == 3 for i in range(ITERS)]
    assert all(row['grad_norm'] is None for row in plain['iterations'])


def test_recorded_scenarios_weighted_loss():
    clip, plain = _mmengine_runs('LossWeightOptimizerHook')
    assert clip['kwargs'] == dict(clip_grad=dict(max_norm=0.5), loss_weight=0.5)
    assert all(row['stepped'] and row['grad_norm'] is not None for row in clip['iterations'])
    assert any(row['grad_norm'] > 0.5 for row in clip['iterations'])   # it did clip
    assert plain['kwargs'] == dict(loss_weight=2.0)
    assert all(row['stepped'] and row['grad_norm'] is None for row in plain['iterations'])


@pytest.mark.parametrize('name', sorted(PORTS))
@pytest.mark.parametrize('index', [0, 1], ids=['clip', 'no-clip'])
def test_engine_port_and_legacy_hook_match_mmengine(name, index):
    run = _mmengine_runs(name)[index]
    assert run['type'] == name
    rows, weights = _engine_run(name, run['kwargs'])
    assert rows == run['iterations']
    assert weights == run['weights']
    rows, weights = _legacy_run(name, run['kwargs'])
    assert rows == run['iterations']
    assert weights == run['weights']
