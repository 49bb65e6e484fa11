"""compat.parallel.DataContainer: the attributes and errors of MMCV 1.7.2's."""
import numpy as np
import pytest
import torch

from compat.parallel import DataContainer


def test_defaults_as_mmcv():
    container = DataContainer(torch.zeros(3, 4, 5))
    assert (container.stack, container.padding_value, container.cpu_only,
            container.pad_dims) == (False, 0, False, 2)
    assert container.datatype == 'torch.FloatTensor'
    assert container.dim() == 3 and container.size() == (3, 4, 5) and container.size(-1) == 5
    assert len(container) == 3


def test_repr_shows_the_data():
    assert repr(DataContainer([1, 2])) == 'DataContainer([1, 2])'


def test_non_tensor_has_no_size_or_dim():
    container = DataContainer(np.zeros(2))
    assert container.datatype is np.ndarray
    with pytest.raises(AttributeError, match="has no attribute size for type <class 'numpy.ndarray'>"):
        container.size()
    with pytest.raises(AttributeError, match='has no attribute dim'):
        container.dim()


@pytest.mark.parametrize('pad_dims', [None, 1, 2, 3])
def test_allowed_pad_dims(pad_dims):
    assert DataContainer(torch.zeros(1), pad_dims=pad_dims).pad_dims == pad_dims


@pytest.mark.parametrize('pad_dims', [0, 4, '2'])
def test_other_pad_dims_refused(pad_dims):
    with pytest.raises(ValueError, match='pad_dims must be None, 1, 2 or 3'):
        DataContainer(torch.zeros(1), pad_dims=pad_dims)
