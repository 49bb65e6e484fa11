"""MMDistributedDataParallel and the runner's model wrapping, in 2 spawned gloo processes."""
import json
import os

import pytest
import torch
import torch.distributed as dist
import torch.nn as nn

from engine.testing.gloo import run_on_gloo_ranks

from engine.model.wrappers import (MMDistributedDataParallel, is_model_wrapper,
                                   log_anomalous_params, unwrap_model)

pytestmark = pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                                reason='torch.distributed with gloo is not available')


class TwoHeads(nn.Module):
    """``head_b`` takes no part in the loss: DDP needs find_unused_parameters=True."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.head_a = nn.Linear(3, 1)
        self.head_b = nn.Linear(3, 1)

    def forward(self, x):
        return self.head_a(x)


def _toy_model():
    from engine.testing.toy import ToyClassifier
    return ToyClassifier(num_features=3, hidden=4, num_classes=2, init_seed=0)


def _wrap_cases():
    from engine.runner.build import _wrap_model
    cases = {
        'default': {},
        'find_unused': {'find_unused_parameters': True},
        'wrapper_cfg': {'model_wrapper_cfg': dict(type='MMDistributedDataParallel',
                                                  find_unused_parameters=True,
                                                  detect_anomalous_params=True)},
        'plain_ddp': {'model_wrapper_cfg': dict(type='DistributedDataParallel')},
    }
    out = {}
    for name, cfg in cases.items():
        wrapped = _wrap_model(_toy_model(), cfg)
        out[name] = dict(type=type(wrapped).__name__,
                         find_unused=wrapped.find_unused_parameters,
                         broadcast_buffers=wrapped.broadcast_buffers,
                         anomalous=getattr(wrapped, 'detect_anomalous_params', None),
                         unwrapped=type(unwrap_model(wrapped)).__name__,
                         is_wrapper=is_model_wrapper(wrapped))
    return out


def _train_step_case(rank):
    """Each rank sees a different batch; one SGD step must apply the averaged gradient."""
    from engine.optim import OptimWrapper
    model = _toy_model()
    wrapped = MMDistributedDataParallel(model)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1.0))
    inputs = torch.arange(6, dtype=torch.float32).view(2, 3) * (rank + 1) / 10
    batch = dict(inputs=inputs, data_samples=[dict(gt_label=torch.tensor(rank)),
                                              dict(gt_label=torch.tensor(1 - rank))])
    log_vars = wrapped.train_step(batch, optim_wrapper=optim)
    preds = wrapped.val_step(batch)
    return dict(loss=float(log_vars['loss']), weights=[p.detach().flatten().tolist()
                                                       for p in model.parameters()],
                n_preds=len(preds))


def _unused_case():
    model = TwoHeads()
    wrapped = MMDistributedDataParallel(model, find_unused_parameters=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(2):  # the 2nd forward fails without find_unused_parameters
        opt.zero_grad()
        wrapped(torch.ones(2, 3)).sum().backward()
        opt.step()
    return model.head_b.weight.grad is None


def _worker(rank, out_dir):
    result = dict(wrap=_wrap_cases(), step=_train_step_case(rank), unused=_unused_case())
    with open(os.path.join(out_dir, f'{rank}.json'), 'w') as f:
        json.dump(result, f)


@pytest.fixture(scope='module')
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp('wrap')
    run_on_gloo_ranks(_worker, 2, str(out))
    return [json.loads((out / f'{r}.json').read_text()) for r in range(2)]


def test_wrap_model_follows_mmengine_defaults(results):
    wrap = results[0]['wrap']
    assert wrap['default'] == dict(type='MMDistributedDataParallel', find_unused=False,
                                   broadcast_buffers=False, anomalous=False,
                                   unwrapped='ToyClassifier', is_wrapper=True)
    assert wrap['find_unused']['find_unused'] is True
    assert wrap['wrapper_cfg']['find_unused'] is True and wrap['wrapper_cfg']['anomalous']
    # a given model_wrapper_cfg is built as written: DDP's own broadcast_buffers default
    assert wrap['wrapper_cfg']['broadcast_buffers'] is True
    assert wrap['plain_ddp']['type'] == 'DistributedDataParallel'
    assert wrap['plain_ddp']['unwrapped'] == 'ToyClassifier'


def test_train_step_applies_the_rank_averaged_gradient(results):
    # replay both ranks' batches in one process: mean of the two per-rank gradients
    grads = []
    for rank in range(2):
        model = _toy_model()
        inputs = torch.arange(6, dtype=torch.float32).view(2, 3) * (rank + 1) / 10
        batch = dict(inputs=inputs, data_samples=[dict(gt_label=torch.tensor(rank)),
                                                  dict(gt_label=torch.tensor(1 - rank))])
        loss, _ = model.parse_losses(model(**batch, mode='loss'))
        loss.backward()
        grads.append([p.grad.clone() for p in model.parameters()])
        assert results[rank]['step']['n_preds'] == 2
    start = [p.detach() for p in _toy_model().parameters()]
    for i, p0 in enumerate(start):
        expected = p0 - (grads[0][i] + grads[1][i]) / 2
        for rank in range(2):
            got = torch.tensor(results[rank]['step']['weights'][i]).view_as(p0)
            torch.testing.assert_close(got, expected, rtol=0, atol=1e-6)
    assert results[0]['step']['loss'] != results[1]['step']['loss']  # logged per rank


def test_find_unused_parameters_lets_a_partial_model_train(results):
    assert results[0]['unused'] is True and results[1]['unused'] is True


def test_anomalous_params_are_named():
    model = TwoHeads()
    loss = model(torch.ones(1, 3)).sum()
    assert log_anomalous_params(loss, model) == ['head_b.weight', 'head_b.bias']


def test_unwrap_without_process_group():
    model = _toy_model()
    assert unwrap_model(model) is model and not is_model_wrapper(model)
    assert unwrap_model(nn.DataParallel(model)) is model
