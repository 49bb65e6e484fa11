"""The runtime part of MMCV 1.7.2's ``mmcv.utils`` under MMCV's names: ``Config``,
``ConfigDict`` and ``DictAction``, loggers, versions, the misc and path helpers,
``Registry``/``build_from_cfg`` over the engine's registry, and the environment facts
(``collect_env``, ``get_build_config``, the device flags: no compiled ops, CPU/CUDA only)."""
from compat.utils.config import Config
from compat.utils.config_dict import ConfigDict
from compat.utils.device_type import (IS_IPU_AVAILABLE, IS_MLU_AVAILABLE, IS_MPS_AVAILABLE,
                                      IS_NPU_AVAILABLE)
from compat.utils.dict_action import DictAction
from compat.utils.env import collect_env
from compat.utils.logging import get_logger, print_log
from compat.utils.misc import (concat_list, import_modules_from_strings, is_list_of,
                               is_method_overridden, is_seq_of, is_str, is_tuple_of, iter_cast,
                               list_cast, slice_list, tuple_cast)
from compat.utils.parrots_wrapper import (IS_CUDA_AVAILABLE, TORCH_VERSION, _AdaptiveAvgPoolNd,
                                          _AdaptiveMaxPoolNd, _AvgPoolNd, _BatchNorm, _ConvNd,
                                          _ConvTransposeMixin, _get_cuda_home, _InstanceNorm,
                                          _MaxPoolNd, get_build_config, is_rocm_pytorch)
from compat.utils.path import check_file_exist, mkdir_or_exist, scandir, symlink
from compat.utils.registry import Registry, build_from_cfg
from compat.utils.version_utils import digit_version, get_git_hash

__all__ = [
    'Config', 'ConfigDict', 'DictAction', 'IS_CUDA_AVAILABLE', 'IS_IPU_AVAILABLE',
    'IS_MLU_AVAILABLE', 'IS_MPS_AVAILABLE', 'IS_NPU_AVAILABLE', 'Registry', 'TORCH_VERSION',
    '_AdaptiveAvgPoolNd', '_AdaptiveMaxPoolNd', '_AvgPoolNd', '_BatchNorm', '_ConvNd',
    '_ConvTransposeMixin', '_InstanceNorm', '_MaxPoolNd', '_get_cuda_home', 'get_build_config',
    'get_git_hash', 'is_rocm_pytorch',
    'build_from_cfg', 'check_file_exist',
    'collect_env', 'concat_list', 'digit_version', 'get_logger', 'import_modules_from_strings',
    'is_list_of', 'is_method_overridden', 'is_seq_of', 'is_str', 'is_tuple_of', 'iter_cast',
    'list_cast', 'mkdir_or_exist', 'print_log', 'scandir', 'slice_list', 'symlink', 'tuple_cast',
]
