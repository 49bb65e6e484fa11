"""``mmcv.runner``'s training API under MMCV's own names, on the engine."""
from compat.checkpoint.checkpoint import (get_state_dict, load_checkpoint, load_state_dict,
                                          save_checkpoint, weights_to_cpu)
from compat.checkpoint.checkpoint_loader import CheckpointLoader
from compat.runner.base_module import BaseModule, ModuleDict, ModuleList, Sequential
from compat.runner.base_runner import BaseRunner
from compat.runner.builder import (RUNNER_BUILDERS, RUNNERS, DefaultRunnerConstructor,
                                   build_runner)
from compat.runner.dist_utils import (allreduce_grads, allreduce_params, get_dist_info,
                                      init_dist, master_only)
from compat.runner.epoch_based_runner import EpochBasedRunner, Runner
from compat.runner.fp16_utils import LossScaler, auto_fp16, force_fp32, wrap_fp16_model
from compat.runner.hooks import HOOKS, Hook
from compat.runner.iter_based_runner import IterBasedRunner, IterLoader
from compat.runner.log_buffer import LogBuffer
from compat.runner.optimizer import (OPTIMIZER_BUILDERS, OPTIMIZERS, DefaultOptimizerConstructor,
                                     build_optimizer, build_optimizer_constructor)
from compat.runner.priority import Priority, get_priority
from compat.runner.utils import get_host_info, get_time_str, obj_from_dict, set_random_seed

__all__ = ['allreduce_grads', 'allreduce_params', 'auto_fp16', 'BaseModule', 'BaseRunner',
           'build_optimizer', 'build_optimizer_constructor', 'build_runner', 'CheckpointLoader',
           'DefaultOptimizerConstructor', 'DefaultRunnerConstructor', 'EpochBasedRunner',
           'force_fp32', 'get_dist_info', 'get_host_info', 'get_priority', 'get_state_dict',
           'get_time_str', 'Hook', 'HOOKS', 'init_dist', 'IterBasedRunner', 'IterLoader',
           'load_checkpoint', 'load_state_dict', 'LogBuffer', 'LossScaler', 'master_only',
           'ModuleDict', 'ModuleList', 'obj_from_dict', 'OPTIMIZER_BUILDERS', 'OPTIMIZERS',
           'Priority', 'Runner', 'RUNNER_BUILDERS', 'RUNNERS', 'save_checkpoint', 'Sequential',
           'set_random_seed', 'weights_to_cpu', 'wrap_fp16_model']
