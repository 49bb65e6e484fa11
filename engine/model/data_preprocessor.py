"""Data preprocessors: move a batch to the model's device (and normalise images)."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import torch
import torch.nn as nn

from engine.registry import MODELS


@MODELS.register_module()
class BaseDataPreprocessor(nn.Module):
    """Moves every tensor of a (nested) batch to the module's device.

    The device follows ``.to()``/``.cuda()``/``.cpu()`` calls on the model.
    """

    def __init__(self, non_blocking: bool = False):
        super().__init__()
        self._non_blocking = non_blocking
        self._device = torch.device('cpu')

    def cast_data(self, data: Any) -> Any:
        if isinstance(data, torch.Tensor):
            if type(data) is torch.Tensor and data.device == self._device:
                return data  # what .to() gives back too, without its argument parsing
            return data.to(self._device, non_blocking=self._non_blocking)
        if isinstance(data, dict):
            return {k: self.cast_data(v) for k, v in data.items()}
        if isinstance(data, tuple) and hasattr(data, '_fields'):  # namedtuple
            return type(data)(*(self.cast_data(v) for v in data))
        if isinstance(data, (list, tuple)):
            return type(data)(self.cast_data(v) for v in data)
        if hasattr(data, 'to') and callable(data.to):
            return data.to(self._device)
        return data

    def forward(self, data: Any, training: bool = False) -> Any:
        return self.cast_data(data)

    @property
    def device(self) -> torch.device:
        return self._device

    def to(self, *args, **kwargs):
        device = torch._C._nn._parse_to(*args, **kwargs)[0]
        if device is not None:
            self._device = torch.device(device)
        return super().to(*args, **kwargs)

    def cuda(self, device=None):
        self._device = torch.device('cuda', torch.cuda.current_device() if device is None
                                    else device)
        return super().cuda(device)

    def cpu(self):
        self._device = torch.device('cpu')
        return super().cpu()


@MODELS.register_module()
class ImgDataPreprocessor(BaseDataPreprocessor):
    """Stack ``inputs`` images, optionally swap BGR/RGB and normalise with ``mean``/``std``.

    Example: ``mean=[127.5]*3, std=[127.5]*3`` maps pixel values 0..255 to -1..1.
    """

    def __init__(self, mean: Optional[Sequence[float]] = None,
                 std: Optional[Sequence[float]] = None, bgr_to_rgb: bool = False,
                 rgb_to_bgr: bool = False, non_blocking: bool = False):
        super().__init__(non_blocking)
        if (mean is None) != (std is None):
            raise ValueError('mean and std must be given together')
        if bgr_to_rgb and rgb_to_bgr:
            raise ValueError('bgr_to_rgb and rgb_to_bgr cannot both be True')
        self._channel_flip = bgr_to_rgb or rgb_to_bgr
        self._enable_norm = mean is not None
        if self._enable_norm:
            self.register_buffer('mean', torch.tensor(mean).view(-1, 1, 1), False)
            self.register_buffer('std', torch.tensor(std).view(-1, 1, 1), False)

    def forward(self, data: Any, training: bool = False) -> Any:
        data = self.cast_data(data)
        inputs = data['inputs'] if isinstance(data, dict) else data
        if isinstance(inputs, (list, tuple)):
            inputs = torch.stack(list(inputs))
        if self._channel_flip and inputs.dim() == 4 and inputs.shape[1] == 3:
            inputs = inputs[:, [2, 1, 0], ...]
        inputs = inputs.float()
        if self._enable_norm:
            inputs = (inputs - self.mean) / self.std
        if isinstance(data, dict):
            data = dict(data)
            data['inputs'] = inputs
            return data
        return inputs
