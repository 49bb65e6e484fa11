"""compat.parallel.scatter/scatter_kwargs on the CPU against MMCV 1.7.2's (target_gpus=[-1])."""
import json
from pathlib import Path

import pytest
import torch

from compat.parallel import DataContainer, scatter, scatter_kwargs

GOLDENS = json.loads((Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens'
                      / 'legacy_parallel.json').read_text())


@pytest.mark.parametrize('name', sorted(GOLDENS['scatter']))
def test_scatter_equals_mmcv(name, goldens, specs):
    case = goldens['scatter'][name]
    assert specs.encode(scatter(specs.build(case['input']), [-1])) == case['output']


@pytest.mark.parametrize('name', sorted(GOLDENS['scatter_kwargs']))
def test_scatter_kwargs_equals_mmcv(name, goldens, specs):
    case = goldens['scatter_kwargs'][name]
    inputs, kwargs = scatter_kwargs(specs.build(case['inputs']), specs.build(case['kwargs']), [-1])
    assert specs.encode({'inputs': inputs, 'kwargs': kwargs})['dict'] == [
        ['inputs', case['output']['inputs']], ['kwargs', case['output']['kwargs']]]


def test_non_tensor_chunks_are_refused_with_the_fix():
    with pytest.raises(TypeError, match='found str; use cpu_only=True'):
        scatter(DataContainer(['a.jpg']), [-1])


def test_gpu_targets_are_refused_with_the_fix():
    with pytest.raises(NotImplementedError, match=r'CPU only \(target_gpus=\[-1\]\), got \[0\]'):
        scatter(torch.zeros(1), [0])


def test_scattered_tensors_are_contiguous():
    transposed = torch.zeros(2, 3).t()
    (out,) = scatter(transposed, [-1])
    assert out.is_contiguous() and torch.equal(out, transposed)
