"""Where MMCV 1.7.2 fails with torch's words, ours fails with the same type and says why."""
import warnings
from collections import defaultdict, namedtuple

import pytest
import torch
import torch.nn as nn

from compat.runner.fp16_utils import LossScaler, allreduce_grads, auto_fp16, cast_tensor_type


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fp16_enabled = True
        self.fc = nn.Linear(2, 1)

    @auto_fp16()
    def forward(self, x):
        return self.fc(x)


def test_auto_fp16_on_cpu_names_cuda_autocast_as_the_missing_piece():
    with pytest.raises(RuntimeError, match='autocast needs CUDA') as info:
        Head()(torch.ones(1, 2))
    message = str(info.value)
    assert 'Head.forward' in message and 'Fix:' in message
    assert isinstance(info.value.__cause__, RuntimeError)


def test_auto_fp16_leaves_other_runtime_errors_alone():
    class Failing(nn.Module):
        fp16_enabled = True

        @auto_fp16()
        def forward(self, x):
            raise RuntimeError('boom')

    with pytest.raises(RuntimeError, match='^boom$'):
        Failing()(torch.ones(1))


@pytest.mark.parametrize('container', [
    namedtuple('Pair', 'a b')(torch.ones(1), 2),
    defaultdict(list, a=torch.ones(1)),
    (t for t in [torch.ones(1)]),
])
def test_unrebuildable_containers_fail_as_in_mmcv_but_named(container):
    with pytest.raises(TypeError, match=f'cannot rebuild a {type(container).__name__}.*Fix:'):
        cast_tensor_type(container, torch.float, torch.half)


def test_fresh_scaler_doubles_on_its_first_clean_step():
    # MMCV's window test counts from last_overflow_iter = -1, so iter 0 is a multiple of 1.
    scaler = LossScaler(init_scale=8.0, scale_window=1)
    scaler.update_scale(False)
    assert scaler.loss_scale == 16.0 and scaler.cur_iter == 1


def test_deprecated_allreduce_grads_warns_and_averages_in_one_process():
    param = nn.Parameter(torch.ones(2))
    param.grad = torch.full((2,), 3.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        allreduce_grads([param])
    assert any(issubclass(w.category, DeprecationWarning) and 'fp16_utils.allreduce_grads'
               in str(w.message) for w in caught)
    assert param.grad.tolist() == [3.0, 3.0]
