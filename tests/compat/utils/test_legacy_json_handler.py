"""mmcv.dump's JSON fallback, shared by the text logger's .log.json and Config.dump."""
import doctest
import json

import numpy as np
import pytest

import compat.utils.json_handler as handler


def test_docstring_examples():
    assert doctest.testmod(handler).failed == 0


def test_values_json_has_no_type_for():
    out = json.dumps({'s': {2}, 'r': range(3), 'a': np.arange(2), 'i': np.int64(7)},
                     default=handler.json_default)
    assert json.loads(out) == {'s': [2], 'r': [0, 1, 2], 'a': [0, 1], 'i': 7}
    with pytest.raises(TypeError, match='unsupported for json dump'):
        json.dumps({'o': object()}, default=handler.json_default)
