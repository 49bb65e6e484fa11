"""MMCV 1.7.2's ``IS_IPU_AVAILABLE``/``IS_MLU_AVAILABLE``/``IS_MPS_AVAILABLE``/
``IS_NPU_AVAILABLE``, answered for the compat runtime: all False.

MMCV ran those devices through ``mmcv.device`` (its IPU runner, MLU/NPU/MPS data parallels),
which compat does not have; legacy code that reads the flags then takes its CPU/CUDA path,
the one compat runs, instead of importing ``mmcv.device`` and failing there.
"""
from __future__ import annotations

__all__ = ['IS_IPU_AVAILABLE', 'IS_MLU_AVAILABLE', 'IS_MPS_AVAILABLE', 'IS_NPU_AVAILABLE']

IS_IPU_AVAILABLE = False
IS_MLU_AVAILABLE = False
IS_MPS_AVAILABLE = False
IS_NPU_AVAILABLE = False
