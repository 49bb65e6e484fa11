"""MMCV 1.7.2's ``LogBuffer``: the per-key history of logged values and their weighted means."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np


class LogBuffer:
    """Keeps every logged value with its sample count; ``average`` fills ``output``.

    ``val_history``/``n_history`` map each key (in first-seen order) to its values and counts;
    ``output`` holds the latest averages and ``ready`` says whether ``average`` has run since the
    last clear. Legacy logger hooks read ``output`` and then call ``clear_output``.
    """

    def __init__(self) -> None:
        self.val_history: OrderedDict = OrderedDict()
        self.n_history: OrderedDict = OrderedDict()
        self.output: OrderedDict = OrderedDict()
        self.ready = False

    def clear(self) -> None:
        """Forget the histories and the averages."""
        self.val_history.clear()
        self.n_history.clear()
        self.clear_output()

    def clear_output(self) -> None:
        """Forget the averages only; the histories stay."""
        self.output.clear()
        self.ready = False

    def update(self, vars: dict, count: int = 1) -> None:  # noqa: A002 - MMCV's keyword name
        """Append each value of ``vars``, counted ``count`` times in later averages."""
        if not isinstance(vars, dict):
            raise TypeError(f'LogBuffer.update expects a dict of name -> value, '
                            f'got {type(vars).__name__}')
        val_history, n_history = self.val_history, self.n_history
        for key, value in vars.items():
            # not setdefault(key, []): that builds two throw-away lists per key and step
            if key not in val_history:
                val_history[key] = []
                n_history[key] = []
            val_history[key].append(value)
            n_history[key].append(count)

    def average(self, n: int = 0) -> None:
        """Set ``output[key]`` to the count-weighted mean of the latest ``n`` values (0: all).

        The sums are numpy's, as MMCV's were, so the means are equal to the bit (a key whose
        counts sum to 0 averages to nan, as in MMCV).
        """
        if n < 0:
            raise ValueError(f'LogBuffer.average(n) needs n >= 0 (0 averages all), got {n}')
        for key, values in self.val_history.items():
            # history[-0:] is the whole list, which is how n=0 means "all" in MMCV
            recent = np.array(values[-n:])
            counts = np.array(self.n_history[key][-n:])
            self.output[key] = np.sum(recent * counts) / np.sum(counts)
        self.ready = True
