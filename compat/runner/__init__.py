"""``mmcv.runner``'s training API under MMCV's own names, on the engine."""
from compat.checkpoint.checkpoint import (_load_checkpoint, _load_checkpoint_with_prefix,
                                          get_state_dict, load_checkpoint, load_state_dict,
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
from compat.runner.hooks import (HOOKS, CheckpointHook, ClearMLLoggerHook, ClosureHook,
                                 DistEvalHook, DistSamplerSeedHook, DvcliveLoggerHook, EMAHook,
                                 EvalHook, Fp16OptimizerHook,
                                 GradientCumulativeFp16OptimizerHook,
                                 GradientCumulativeOptimizerHook, Hook, IterTimerHook,
                                 LoggerHook, MlflowLoggerHook, NeptuneLoggerHook, OptimizerHook,
                                 PaviLoggerHook, SegmindLoggerHook, SyncBuffersHook,
                                 TensorboardLoggerHook, TextLoggerHook, WandbLoggerHook)
from compat.runner.hooks.lr_updater import (CosineAnnealingLrUpdaterHook,
                                            CosineRestartLrUpdaterHook, CyclicLrUpdaterHook,
                                            ExpLrUpdaterHook, FixedLrUpdaterHook,
                                            FlatCosineAnnealingLrUpdaterHook, InvLrUpdaterHook,
                                            LinearAnnealingLrUpdaterHook, LrUpdaterHook,
                                            OneCycleLrUpdaterHook, PolyLrUpdaterHook,
                                            StepLrUpdaterHook)
from compat.runner.hooks.momentum_updater import (CosineAnnealingMomentumUpdaterHook,
                                                  CyclicMomentumUpdaterHook,
                                                  LinearAnnealingMomentumUpdaterHook,
                                                  MomentumUpdaterHook,
                                                  OneCycleMomentumUpdaterHook,
                                                  StepMomentumUpdaterHook)
from compat.runner.iter_based_runner import IterBasedRunner, IterLoader
from compat.runner.log_buffer import LogBuffer
from compat.runner.optimizer import (OPTIMIZER_BUILDERS, OPTIMIZERS, DefaultOptimizerConstructor,
                                     build_optimizer, build_optimizer_constructor)
from compat.runner.priority import Priority, get_priority
from compat.runner.utils import get_host_info, get_time_str, obj_from_dict, set_random_seed

# mmcv.runner's __all__, with the same names left out (MMCV exports EmptyCacheHook and
# ProfilerHook from mmcv.runner.hooks only)
__all__ = [
    'BaseRunner', 'Runner', 'EpochBasedRunner', 'IterBasedRunner', 'LogBuffer', 'HOOKS', 'Hook',
    'CheckpointHook', 'ClosureHook', 'LrUpdaterHook', 'FixedLrUpdaterHook', 'StepLrUpdaterHook',
    'ExpLrUpdaterHook', 'PolyLrUpdaterHook', 'InvLrUpdaterHook', 'CosineAnnealingLrUpdaterHook',
    'FlatCosineAnnealingLrUpdaterHook', 'CosineRestartLrUpdaterHook', 'CyclicLrUpdaterHook',
    'OneCycleLrUpdaterHook', 'MomentumUpdaterHook', 'StepMomentumUpdaterHook',
    'CosineAnnealingMomentumUpdaterHook', 'CyclicMomentumUpdaterHook',
    'OneCycleMomentumUpdaterHook', 'OptimizerHook', 'IterTimerHook', 'DistSamplerSeedHook',
    'LoggerHook', 'PaviLoggerHook', 'TextLoggerHook', 'TensorboardLoggerHook',
    'NeptuneLoggerHook', 'WandbLoggerHook', 'MlflowLoggerHook', 'DvcliveLoggerHook',
    '_load_checkpoint', 'load_state_dict', 'load_checkpoint', 'weights_to_cpu',
    'save_checkpoint', 'Priority', 'get_priority', 'get_host_info', 'get_time_str',
    'obj_from_dict', 'init_dist', 'get_dist_info', 'master_only', 'OPTIMIZER_BUILDERS',
    'OPTIMIZERS', 'DefaultOptimizerConstructor', 'build_optimizer',
    'build_optimizer_constructor', 'IterLoader', 'set_random_seed', 'auto_fp16', 'force_fp32',
    'wrap_fp16_model', 'Fp16OptimizerHook', 'SyncBuffersHook', 'EMAHook', 'build_runner',
    'RUNNERS', 'allreduce_grads', 'allreduce_params', 'LossScaler', 'CheckpointLoader',
    'BaseModule', '_load_checkpoint_with_prefix', 'EvalHook', 'DistEvalHook', 'Sequential',
    'ModuleDict', 'ModuleList', 'GradientCumulativeOptimizerHook',
    'GradientCumulativeFp16OptimizerHook', 'DefaultRunnerConstructor', 'SegmindLoggerHook',
    'LinearAnnealingMomentumUpdaterHook', 'LinearAnnealingLrUpdaterHook', 'ClearMLLoggerHook',
    # beyond mmcv.runner's __all__ (MMCV has them importable from mmcv.runner's modules)
    'get_state_dict', 'RUNNER_BUILDERS',
]
