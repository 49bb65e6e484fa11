"""The message hub: scalars with history (losses, lr, times) and run-time info (epoch, best score).

It belongs to a runner (``runner.message_hub``); there is no global instance.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, Iterable, List, Optional, Union

import numpy as np


class HistoryBuffer:
    """A bounded record of (value, count) pairs with windowed statistics.

    >>> b = HistoryBuffer()
    >>> for v in (1.0, 2.0, 3.0): b.update(v)
    >>> b.mean(2), b.current(), b.max()
    (2.5, 3.0, 3.0)
    """

    def __init__(self, max_length: int = 1_000_000):
        self.max_length = max_length
        self._values: List[float] = []
        self._counts: List[int] = []

    def update(self, value: float, count: int = 1) -> None:
        # the conversions only when needed: this runs several times per training step
        self._values.append(value if type(value) is float else float(value))
        self._counts.append(count if type(count) is int else int(count))
        if len(self._values) > self.max_length:
            del self._values[:-self.max_length]
            del self._counts[:-self.max_length]

    @property
    def data(self):
        return np.asarray(self._values), np.asarray(self._counts)

    def __len__(self) -> int:
        return len(self._values)

    def _window(self, window_size: Optional[int]):
        if window_size is None or window_size <= 0:
            return self._values, self._counts
        return self._values[-window_size:], self._counts[-window_size:]

    def mean(self, window_size: Optional[int] = None) -> float:
        """Sum of the values over the sum of the counts of the last ``window_size`` updates
        (all when None), as MMEngine's HistoryBuffer: a value updated with ``count=n`` is
        taken as the total of n items (``update(6.0, 3)`` then ``update(2.0, 1)``: 2.0)."""
        values, counts = self._window(window_size)
        total = sum(counts)
        if not total:
            return float('nan')
        return sum(values) / total

    def current(self) -> float:
        if not self._values:
            raise ValueError('the buffer is empty')
        return self._values[-1]

    def max(self, window_size: Optional[int] = None) -> float:
        return max(self._window(window_size)[0])

    def min(self, window_size: Optional[int] = None) -> float:
        return min(self._window(window_size)[0])

    def statistics(self, method: str, *args) -> float:
        fn = getattr(self, method, None)
        if method not in ('mean', 'current', 'max', 'min') or fn is None:
            raise ValueError(f'unknown statistics method {method!r}; use mean, current, max or min')
        return fn(*args)

    def state_dict(self) -> dict:
        return {'max_length': self.max_length, 'values': list(self._values),
                'counts': list(self._counts)}

    def load_state_dict(self, state: dict) -> None:
        self.max_length = int(state['max_length'])
        self._values = [float(v) for v in state['values']]
        self._counts = [int(c) for c in state['counts']]


class MessageHub:
    """Scalars (``train/loss``, ``train/lr``...) with history, and run-time info (``epoch``...).

    ``resumed_keys`` controls which info keys are written to checkpoints.
    """

    def __init__(self, name: str = 'message_hub'):
        self.name = name
        self._log_scalars: Dict[str, HistoryBuffer] = {}
        self._runtime_info: Dict[str, Any] = {}
        self._resumed_keys: Dict[str, bool] = {}

    # -- scalars ------------------------------------------------------------------------------
    def update_scalar(self, key: str, value: Union[float, int, Any], count: int = 1,
                      resumed: bool = True) -> None:
        # floats (lr, times) are the common case and have no item()
        if type(value) is not float and hasattr(value, 'item'):
            value = value.item()
        buf = self._log_scalars.get(key)
        if buf is None:
            buf = self._log_scalars[key] = HistoryBuffer()
        buf.update(value, count)
        self._resumed_keys[key] = resumed

    def update_scalars(self, log_dict: Dict[str, Any], resumed: bool = True) -> None:
        for key, value in log_dict.items():
            if isinstance(value, dict):
                self.update_scalar(key, value['value'], value.get('count', 1), resumed)
            else:
                self.update_scalar(key, value, 1, resumed)

    def get_scalar(self, key: str) -> HistoryBuffer:
        if key not in self._log_scalars:
            raise KeyError(f'{key!r} is not in the message hub; known scalars: '
                           f'{sorted(self._log_scalars)}')
        return self._log_scalars[key]

    @property
    def log_scalars(self) -> Dict[str, HistoryBuffer]:
        return self._log_scalars

    # -- info ---------------------------------------------------------------------------------
    def update_info(self, key: str, value: Any, resumed: bool = True) -> None:
        self._runtime_info[key] = value
        self._resumed_keys[key] = resumed

    def update_info_dict(self, info: Dict[str, Any], resumed: bool = True) -> None:
        for k, v in info.items():
            self.update_info(k, v, resumed)

    def get_info(self, key: str, default: Any = None) -> Any:
        return self._runtime_info.get(key, default)

    def pop_info(self, key: str, default: Any = None) -> Any:
        return self._runtime_info.pop(key, default)

    @property
    def runtime_info(self) -> Dict[str, Any]:
        return self._runtime_info

    # -- persistence --------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Plain-data state (lists, floats, strings), loadable with ``weights_only=True``."""
        scalars = {k: v.state_dict() for k, v in self._log_scalars.items()
                   if self._resumed_keys.get(k, True)}
        info = {}
        for k, v in self._runtime_info.items():
            if self._resumed_keys.get(k, True):
                info[k] = copy.deepcopy(v)
        return {'log_scalars': scalars, 'runtime_info': info,
                'resumed_keys': dict(self._resumed_keys)}

    def load_state_dict(self, state: dict) -> None:
        for k, v in state.get('log_scalars', {}).items():
            if isinstance(v, HistoryBuffer):
                self._log_scalars[k] = v
            else:
                buf = HistoryBuffer()
                buf.load_state_dict(v)
                self._log_scalars[k] = buf
        self._runtime_info.update(copy.deepcopy(state.get('runtime_info', {})))
        self._resumed_keys.update(state.get('resumed_keys', {}))

    def keys(self) -> Iterable[str]:
        return list(self._log_scalars) + list(self._runtime_info)
