"""``BaseDataPreprocessor.cast_data``: what it returns for tensors already on its device."""
import torch

from engine.model.data_preprocessor import BaseDataPreprocessor


class _Tagged(torch.Tensor):
    """A tensor subclass whose ``to`` is recorded (its own ``to`` must still run)."""

    calls = 0

    def to(self, *args, **kwargs):
        _Tagged.calls += 1
        return super().to(*args, **kwargs)


def test_tensors_on_the_device_come_back_as_is_and_containers_are_rebuilt():
    pre = BaseDataPreprocessor()
    x, y = torch.zeros(2), torch.ones(3, dtype=torch.long)
    batch = dict(inputs=x, data_samples=dict(gt_label=y), meta=[x, 'a'], n=3)
    out = pre(batch, True)
    assert out is not batch and out['data_samples'] is not batch['data_samples']
    assert out['inputs'] is x and out['data_samples']['gt_label'] is y
    assert out['meta'][0] is x and out['meta'][1] == 'a' and out['n'] == 3


def test_tensor_subclasses_still_go_through_their_to():
    pre = BaseDataPreprocessor()
    _Tagged.calls = 0
    tagged = torch.zeros(2).as_subclass(_Tagged)
    out = pre(dict(inputs=tagged), True)
    assert _Tagged.calls == 1 and isinstance(out['inputs'], _Tagged)


def test_tensor_on_another_device_is_moved():
    pre = BaseDataPreprocessor()
    pre._device = torch.device('meta')
    out = pre.cast_data(torch.zeros(2))
    assert out.device.type == 'meta'
