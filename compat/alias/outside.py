"""MMCV 1.7.2's top-level ``mmcv.<name>``\\s that the alias leaves out, and the error naming one.

Taken from the real package (``fixtures/goldens/mmcv_layout.json``, recorded by
``scripts/oracle/record_mmcv_layout.py``; a test keeps the two in step).
"""
from __future__ import annotations

__all__ = ['OUTSIDE', 'outside_name_error']

#: MMCV subpackage -> (why it is out, its top-level names)
OUTSIDE = {
    'image': ('image I/O and transforms are data pipeline code, not runtime', (
        'adjust_brightness', 'adjust_color', 'adjust_contrast', 'adjust_hue', 'adjust_lighting',
        'adjust_sharpness', 'auto_contrast', 'bgr2gray', 'bgr2hls', 'bgr2hsv', 'bgr2rgb',
        'bgr2ycbcr', 'clahe', 'cutout', 'gray2bgr', 'gray2rgb', 'hls2bgr', 'hsv2bgr',
        'imconvert', 'imcrop', 'imdenormalize', 'imequalize', 'imflip', 'imflip_',
        'imfrombytes', 'iminvert', 'imnormalize', 'imnormalize_', 'impad', 'impad_to_multiple',
        'imread', 'imrescale', 'imresize', 'imresize_like', 'imresize_to_multiple', 'imrotate',
        'imshear', 'imtranslate', 'imwrite', 'lut_transform', 'posterize', 'rescale_size',
        'rgb2bgr', 'rgb2gray', 'rgb2ycbcr', 'solarize', 'supported_backends', 'tensor2imgs',
        'use_backend', 'ycbcr2bgr', 'ycbcr2rgb', 'image')),
    'video': ('video and optical-flow I/O is data code, not runtime', (
        'Cache', 'VideoReader', 'concat_video', 'convert_video', 'cut_video', 'dequantize_flow',
        'flow_from_bytes', 'flow_warp', 'flowread', 'flowwrite', 'frames2video',
        'quantize_flow', 'resize_video', 'sparse_flow_from_bytes', 'video')),
    'visualization': ('drawing is not runtime', (
        'Color', 'color_val', 'flow2rgb', 'flowshow', 'imshow', 'imshow_bboxes',
        'imshow_det_bboxes', 'make_color_wheel', 'visualization')),
    'arraymisc': ('array quantisation is not runtime', ('dequantize', 'quantize', 'arraymisc')),
    'utils': ('compat keeps the runtime part of mmcv.utils; progress bars, timers, test '
              'assertions, extension builders, jit and hub helpers are left out', (
        'BuildExtension', 'CUDAExtension', 'CppExtension', 'DataLoader', 'PoolDataLoader',
        'ProgressBar', 'SyncBatchNorm', 'Timer', 'TimerError', 'assert_attrs_equal',
        'assert_dict_contains_subset', 'assert_dict_has_keys', 'assert_is_norm_layer',
        'assert_keys_equal', 'assert_params_all_zeros', 'check_prerequisites',
        'check_python_script', 'check_time', 'deprecated_api_warning', 'fopen', 'has_method',
        'is_filepath', 'is_jit_tracing', 'jit', 'load_url', 'requires_executable',
        'requires_package', 'skip_no_elena', 'torch_meshgrid', 'track_iter_progress',
        'track_parallel_progress', 'track_progress', 'worker_init_fn')),
}

_WHERE = {name: (package, why) for package, (why, names) in OUTSIDE.items() for name in names}


def outside_name_error(name: str) -> Exception:
    """``ImportError`` for a name MMCV 1.7.2 had at ``mmcv.<name>`` and the alias leaves out,
    ``AttributeError`` for any other name (so ``hasattr``/``getattr`` with a default behave
    as for a real module)."""
    if name not in _WHERE:
        return AttributeError(f"module 'mmcv' (compat's alias) has no attribute {name!r}")
    package, why = _WHERE[name]
    return ImportError(
        f'mmcv.{name} (from mmcv.{package}) is not provided under install_mmcv_alias(): the '
        f'alias covers the runtime only; {why}. Fix: run the code that needs it with the real '
        'mmcv 1.7.2, or use another library for it', name='mmcv')
