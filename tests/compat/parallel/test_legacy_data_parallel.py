"""MMDataParallel / MMDistributedDataParallel on the CPU against MMCV 1.7.2's, and the registry."""
import pytest
import torch
import torch.distributed as dist
import torch.nn as nn
from torch.nn.parallel import DataParallel, DistributedDataParallel

from compat.parallel import (MODULE_WRAPPERS, MMDataParallel, MMDistributedDataParallel,
                             is_module_wrapper, scatter)


class ToyDetector(nn.Module):
    """The model of scripts/oracle/record_parallel_goldens.py (legacy protocol)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 1)
        self.fc = nn.Linear(2, 1)

    def forward(self, img, img_metas, gt_labels=None, return_loss=True, **ignored):
        out = self.fc(self.conv(img).mean(dim=(2, 3))).squeeze(1)
        if not return_loss:
            return out
        target = torch.stack([labels.float().sum() for labels in gt_labels])
        return {'loss': ((out - target) ** 2).mean()}

    def train_step(self, data, optimizer):
        loss = self(**data)['loss']
        names = [m['filename'] for m in data['img_metas']]
        return {'loss': loss, 'log_vars': {'loss': loss.item(), 'files': names},
                'num_samples': len(data['img_metas'])}

    def val_step(self, data, optimizer=None):
        return self.train_step(data, optimizer)


class ToyTensorModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 1)
        self.seen = []

    def train_step(self, data, optimizer):
        self.seen.append({k: type(item).__name__ for k, item in data.items()})
        loss = (self.fc(data['x']).squeeze(1) - data['y']).pow(2).mean()
        return {'loss': loss, 'log_vars': {'loss': loss.item()}, 'num_samples': len(data['x'])}

    def val_step(self, data, optimizer=None):
        return self.train_step(data, optimizer)


def step_record(output, model):
    return {'loss': output['loss'].item(), 'log_vars': output['log_vars'],
            'num_samples': output['num_samples'],
            'grads': {n: p.grad.flatten().tolist() for n, p in model.named_parameters()}}


def assert_same_step(ours, golden):
    assert ours['log_vars'] == golden['log_vars']
    assert ours['num_samples'] == golden['num_samples']
    assert ours['loss'] == pytest.approx(golden['loss'], rel=1e-6, abs=1e-7)
    assert ours['grads'].keys() == golden['grads'].keys()
    for name, values in golden['grads'].items():
        assert ours['grads'][name] == pytest.approx(values, rel=1e-6, abs=1e-7)


@pytest.mark.parametrize('method', ['train_step', 'val_step'])
def test_data_parallel_step_equals_mmcv_and_the_module(method, goldens, specs):
    recorded = goldens['data_parallel']
    torch.manual_seed(0)
    wrapped = MMDataParallel(ToyDetector())
    assert wrapped.device_ids == []
    result = getattr(wrapped, method)(specs.build(recorded['batch']), None)
    result['loss'].backward()
    assert_same_step(step_record(result, wrapped.module), recorded[method])
    assert_same_step(step_record(result, wrapped.module), recorded[method + '_direct'])


def test_data_parallel_forward_scatters_kwargs(goldens, specs):
    recorded = goldens['data_parallel']
    torch.manual_seed(0)
    wrapped = MMDataParallel(ToyDetector())
    out = wrapped(**specs.build(recorded['batch']), return_loss=False)
    assert out.tolist() == pytest.approx(recorded['forward_test'], rel=1e-6)


def test_module_sees_unwrapped_first_chunk(specs, goldens):
    seen = {}

    class Spy(nn.Module):
        def train_step(self, data, optimizer):
            seen.update(data=data, optimizer=optimizer)
            return {}

    batch = specs.build(goldens['data_parallel']['batch'])
    MMDataParallel(Spy()).train_step(batch, 'the optimizer')
    expected = scatter(batch, [-1])[0]
    assert seen['optimizer'] == 'the optimizer'
    assert torch.equal(seen['data']['img'], expected['img'])
    assert seen['data']['img_metas'] == expected['img_metas']


@pytest.fixture
def one_process_group(tmp_path):
    if dist.is_initialized():
        pytest.skip('a process group is already initialised in this process')
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0,
                            world_size=1)
    yield
    dist.destroy_process_group()


@pytest.mark.parametrize('method', ['train_step', 'val_step'])
def test_distributed_step_on_cpu_equals_mmcv(method, goldens, specs, one_process_group):
    recorded = goldens['distributed']
    torch.manual_seed(0)
    wrapped = MMDistributedDataParallel(ToyTensorModel())
    result = getattr(wrapped, method)(specs.build(recorded['batch']), None)
    result['loss'].backward()
    ours = step_record(result, wrapped.module)
    assert_same_step(ours, recorded[method])
    # As in MMCV: without device_ids nothing is scattered, DataContainers reach the model.
    assert wrapped.module.seen == recorded[method]['seen']


def test_distributed_forward_still_calls_the_module(one_process_group):
    model = nn.Linear(2, 1)
    wrapped = MMDistributedDataParallel(model)
    x = torch.ones(1, 2)
    assert torch.equal(wrapped(x), model(x))


def test_registry_and_wrapper_check():
    assert set(MODULE_WRAPPERS.module_dict) == {'DataParallel', 'DistributedDataParallel'}
    assert issubclass(MMDataParallel, DataParallel)
    assert issubclass(MMDistributedDataParallel, DistributedDataParallel)
    assert is_module_wrapper(MMDataParallel(nn.Linear(1, 1)))
    assert not is_module_wrapper(nn.Linear(1, 1))
