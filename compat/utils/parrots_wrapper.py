"""The torch facts MMCV 1.7.2's ``parrots_wrapper`` exports that legacy code reads."""
from __future__ import annotations

import torch

__all__ = ['IS_CUDA_AVAILABLE', 'TORCH_VERSION']

#: ``torch.__version__`` itself (a ``str`` subclass), as MMCV exports it
TORCH_VERSION = torch.__version__
IS_CUDA_AVAILABLE: bool = torch.cuda.is_available()
