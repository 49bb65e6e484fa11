"""The torch facts MMCV 1.7.2's ``parrots_wrapper`` exports that legacy code reads.

PyTorch only (MMCV's parrots branch is gone): the layer base classes are torch's own, so a
legacy ``isinstance(m, _BatchNorm)`` sees the same classes as under MMCV.
"""
from __future__ import annotations

import torch
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.conv import _ConvNd, _ConvTransposeMixin
from torch.nn.modules.instancenorm import _InstanceNorm
from torch.nn.modules.pooling import _AdaptiveAvgPoolNd, _AdaptiveMaxPoolNd, _AvgPoolNd, _MaxPoolNd

__all__ = ['IS_CUDA_AVAILABLE', 'TORCH_VERSION', '_AdaptiveAvgPoolNd', '_AdaptiveMaxPoolNd',
           '_AvgPoolNd', '_BatchNorm', '_ConvNd', '_ConvTransposeMixin', '_InstanceNorm',
           '_MaxPoolNd', '_get_cuda_home', 'get_build_config', 'is_rocm_pytorch']

#: ``torch.__version__`` itself (a ``str`` subclass), as MMCV exports it
TORCH_VERSION = torch.__version__
IS_CUDA_AVAILABLE: bool = torch.cuda.is_available()


def get_build_config() -> str:
    """How PyTorch was built (``torch.__config__.show()``), which MMCV reports under this name;
    compat itself compiles nothing."""
    return torch.__config__.show()


def is_rocm_pytorch() -> bool:
    """Whether this PyTorch is a ROCm build with a ROCm toolkit found."""
    if torch.version.hip is None:
        return False
    from torch.utils.cpp_extension import ROCM_HOME  # imported late: it probes the system
    return ROCM_HOME is not None


def _get_cuda_home():
    """The CUDA (or ROCm) toolkit folder PyTorch's extension builder found, or None."""
    from torch.utils.cpp_extension import CUDA_HOME, ROCM_HOME
    return ROCM_HOME if is_rocm_pytorch() else CUDA_HOME
