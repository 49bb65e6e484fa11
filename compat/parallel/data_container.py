"""MMCV 1.7.2's ``DataContainer``: a batch field with instructions for ``collate`` and ``scatter``.

``stack`` pads (over the last ``pad_dims`` dims) and stacks tensors; ``cpu_only`` keeps the data
(image metas) as Python lists that never go to a device; otherwise tensors are kept as lists.
"""
from __future__ import annotations

from typing import Any, Optional, Type, Union

import torch

ALLOWED_PAD_DIMS = (None, 1, 2, 3)


class DataContainer:
    """A container for one field of a sample, or of a batch after ``collate``.

    Args:
        data: a tensor, an array or any object (a list of chunks after ``collate``).
        stack: pad and stack the tensors of a batch (images) instead of listing them.
        padding_value: the value padded in by ``collate`` (MMDet pads seg maps with 255).
        cpu_only: leave the data on the CPU as Python objects (image metas).
        pad_dims: how many trailing dims ``collate`` pads (1, 2 or 3), or None for no padding.
    """

    def __init__(self, data: Any, stack: bool = False, padding_value: int = 0,
                 cpu_only: bool = False, pad_dims: Optional[int] = 2):
        if pad_dims not in ALLOWED_PAD_DIMS:
            # MMCV 1.7.2 asserts here; say what is allowed instead of a bare AssertionError.
            raise ValueError(f'DataContainer: pad_dims must be None, 1, 2 or 3, got {pad_dims!r}')
        self._data = data
        self._cpu_only = cpu_only
        self._stack = stack
        self._padding_value = padding_value
        self._pad_dims = pad_dims

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.data!r})'

    def __len__(self) -> int:
        return len(self._data)

    @property
    def data(self) -> Any:
        return self._data

    @property
    def datatype(self) -> Union[Type, str]:
        """The tensor type string (``'torch.FloatTensor'``) or the Python type of the data."""
        if isinstance(self.data, torch.Tensor):
            return self.data.type()
        return type(self.data)

    @property
    def cpu_only(self) -> bool:
        return self._cpu_only

    @property
    def stack(self) -> bool:
        return self._stack

    @property
    def padding_value(self) -> int:
        return self._padding_value

    @property
    def pad_dims(self) -> Optional[int]:
        return self._pad_dims

    def size(self, *args: Any, **kwargs: Any) -> torch.Size:
        """``data.size(...)``; AttributeError (as MMCV) when the data is not a tensor."""
        return self._tensor_data('size').size(*args, **kwargs)

    def dim(self) -> int:
        """``data.dim()``; AttributeError (as MMCV) when the data is not a tensor."""
        return self._tensor_data('dim').dim()

    def _tensor_data(self, method: str) -> torch.Tensor:
        if not isinstance(self.data, torch.Tensor):
            raise AttributeError(
                f'{type(self).__name__} has no attribute {method} for type {self.datatype}')
        return self.data
