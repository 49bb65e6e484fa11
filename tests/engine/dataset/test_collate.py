"""Collate edge cases the goldens do not cover."""
from collections import namedtuple

import pytest
import torch

from engine.dataset import default_collate, pseudo_collate
from engine.registry import FUNCTIONS

Pair = namedtuple('Pair', 'x y')


class BaseDataElement:  # stands in for MMEngine's class of the same name
    def __init__(self, v):
        self.v = v


class DetDataSample(BaseDataElement):
    pass


def test_registered_under_mmengine_names():
    assert FUNCTIONS.get('default_collate') is default_collate
    assert FUNCTIONS.get('pseudo_collate') is pseudo_collate


def test_namedtuple_keeps_its_type():
    out = default_collate([Pair(torch.zeros(2), 1), Pair(torch.ones(2), 2)])
    assert isinstance(out, Pair)
    assert out.x.shape == (2, 2) and out.y.tolist() == [1, 2]
    out = pseudo_collate([Pair(1, 'a'), Pair(2, 'b')])
    assert out == Pair((1, 2), ('a', 'b'))  # zip's tuples, as in MMEngine


def test_data_elements_are_never_stacked():
    samples = [DetDataSample(1), DetDataSample(2)]
    out = default_collate([dict(inputs=torch.zeros(1), data_samples=s) for s in samples])
    assert out['data_samples'] == samples and out['inputs'].shape == (2, 1)


def test_unequal_sequences_raise():
    with pytest.raises(RuntimeError, match='equal size'):
        default_collate([[1, 2], [1]])


def test_default_collate_needs_equal_shapes():
    with pytest.raises(RuntimeError):
        default_collate([torch.zeros(2), torch.zeros(3)])
    # pseudo_collate is the choice for variable-size inputs (detection images)
    assert [t.shape[0] for t in pseudo_collate([torch.zeros(2), torch.zeros(3)])] == [2, 3]


def test_mapping_and_tensor_subclasses_keep_their_types():
    """Plain dicts and tensors take a shortcut; their subclasses the general path."""
    from collections import OrderedDict

    class Boxes(torch.Tensor):
        pass

    samples = [OrderedDict(b=torch.tensor([i]), a=dict(x=torch.tensor(float(i))))
               for i in range(3)]
    out = default_collate(samples)
    assert type(out) is OrderedDict and list(out) == ['b', 'a'] and type(out['a']) is dict
    assert out['b'].tolist() == [[0], [1], [2]] and out['a']['x'].tolist() == [0.0, 1.0, 2.0]
    boxes = default_collate([torch.zeros(2).as_subclass(Boxes) for _ in range(2)])
    assert isinstance(boxes, Boxes) and boxes.shape == (2, 2)
    assert pseudo_collate([dict(x=torch.zeros(1)), dict(x=torch.ones(1))])['x'][1].item() == 1
