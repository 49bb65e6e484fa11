"""The JSON fallback of ``mmcv.dump`` (``mmcv.fileio.handlers.json_handler.set_default``): what
the text logger's ``.log.json`` and ``Config.dump`` write for values JSON has no type for."""
from __future__ import annotations

from typing import Any

import numpy as np


def json_default(obj: Any) -> Any:
    """Sets and ranges become lists, numpy arrays and scalars plain JSON values.

    >>> import json
    >>> json.dumps({'a': {1}, 'b': np.float32(0.5)}, default=json_default)
    '{"a": [1], "b": 0.5}'
    """
    if isinstance(obj, (set, range)):
        return list(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f'{type(obj)} is unsupported for json dump')
