"""What the message hub stores for each kind of scalar (floats and ints as they come, the rest
converted), as MMEngine's history buffers keep them."""
import numpy as np
import pytest
import torch

from engine.runtime.message_hub import HistoryBuffer, MessageHub


@pytest.mark.parametrize('value, stored', [
    (0.5, 0.5), (3, 3.0), (True, 1.0), (np.float32(0.25), 0.25), (np.int64(7), 7.0),
    (torch.tensor(1.5), 1.5), (torch.tensor([2], dtype=torch.int32), 2.0),
    (np.array(4.5), 4.5)])
def test_every_value_is_stored_as_a_python_float(value, stored):
    hub = MessageHub()
    hub.update_scalar('x', value)
    current = hub.get_scalar('x').current()
    assert type(current) is float and current == stored


def test_counts_are_stored_as_ints_and_divide_the_sum():
    buf = HistoryBuffer()
    buf.update(1.0, 1)
    buf.update(4.0, np.int64(2))
    buf.update(7, 3.0)
    assert buf._counts == [1, 2, 3] and all(type(c) is int for c in buf._counts)
    assert buf._values == [1.0, 4.0, 7.0] and all(type(v) is float for v in buf._values)
    # MMEngine 0.10.7 (checked with its HistoryBuffer): sum(values) / sum(counts) = 2.0,
    # a value updated with count n being the total of n items, not their mean
    assert buf.mean() == (1 + 4 + 7) / 6


def test_float_subclass_is_converted():
    class Tagged(float):
        pass

    buf = HistoryBuffer()
    buf.update(Tagged(2.0))
    assert type(buf.current()) is float
