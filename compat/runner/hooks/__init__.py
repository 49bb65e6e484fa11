"""Legacy (MMCV 1.x) hooks under MMCV 1.7.2's names, each registered in ``HOOKS``."""
from compat.runner.hooks.checkpoint import CheckpointHook
from compat.runner.hooks.closure import ClosureHook
from compat.runner.hooks.ema import EMAHook
from compat.runner.hooks.evaluation import DistEvalHook, EvalHook
from compat.runner.hooks.hook import HOOKS, Hook
from compat.runner.hooks.iter_timer import IterTimerHook
from compat.runner.hooks.logger import (ClearMLLoggerHook, DvcliveLoggerHook, LoggerHook,
                                       MlflowLoggerHook, NeptuneLoggerHook, PaviLoggerHook,
                                       SegmindLoggerHook, TensorboardLoggerHook, TextLoggerHook,
                                       WandbLoggerHook)
from compat.runner.hooks.lr_updater import (
    CosineAnnealingCooldownLrUpdaterHook, CosineAnnealingLrUpdaterHook, CosineRestartLrUpdaterHook,
    CyclicLrUpdaterHook, ExpLrUpdaterHook, FixedLrUpdaterHook, FlatCosineAnnealingLrUpdaterHook,
    InvLrUpdaterHook, LinearAnnealingLrUpdaterHook, LrUpdaterHook, OneCycleLrUpdaterHook,
    PolyLrUpdaterHook, SiameseRPNLrUpdaterHook, StepFixCosineAnnealingLrUpdaterHook,
    StepLrUpdaterHook, YOLOXLrUpdaterHook)
from compat.runner.hooks.memory import EmptyCacheHook
from compat.runner.hooks.momentum_updater import (
    CosineAnnealingMomentumUpdaterHook, CyclicMomentumUpdaterHook,
    LinearAnnealingMomentumUpdaterHook, MomentumUpdaterHook, OneCycleMomentumUpdaterHook,
    StepMomentumUpdaterHook)
from compat.runner.hooks.optimizer import (DistOptimizerHook, Fp16OptimizerHook,
                                          GradientCumulativeFp16OptimizerHook,
                                          GradientCumulativeOptimizerHook, OptimizerHook)
from compat.runner.hooks.profiler import ProfilerHook
from compat.runner.hooks.sampler_seed import DistSamplerSeedHook
from compat.runner.hooks.sync_buffer import SyncBuffersHook

__all__ = ['CheckpointHook', 'IterTimerHook', 'LoggerHook', 'TensorboardLoggerHook',
           'TextLoggerHook',
           'HOOKS', 'Hook', 'EvalHook', 'DistEvalHook',
           'OptimizerHook', 'GradientCumulativeOptimizerHook', 'Fp16OptimizerHook',
           'GradientCumulativeFp16OptimizerHook', 'DistOptimizerHook',
           'LrUpdaterHook', 'FixedLrUpdaterHook', 'StepLrUpdaterHook', 'ExpLrUpdaterHook',
           'PolyLrUpdaterHook', 'InvLrUpdaterHook', 'CosineAnnealingLrUpdaterHook',
           'FlatCosineAnnealingLrUpdaterHook', 'CosineRestartLrUpdaterHook',
           'CyclicLrUpdaterHook', 'OneCycleLrUpdaterHook', 'LinearAnnealingLrUpdaterHook',
           'CosineAnnealingCooldownLrUpdaterHook', 'StepFixCosineAnnealingLrUpdaterHook',
           'YOLOXLrUpdaterHook', 'SiameseRPNLrUpdaterHook',
           'MomentumUpdaterHook', 'StepMomentumUpdaterHook', 'CosineAnnealingMomentumUpdaterHook',
           'CyclicMomentumUpdaterHook', 'OneCycleMomentumUpdaterHook',
           'LinearAnnealingMomentumUpdaterHook',
           'ClosureHook', 'EMAHook', 'EmptyCacheHook', 'ProfilerHook', 'DistSamplerSeedHook',
           'SyncBuffersHook', 'ClearMLLoggerHook', 'DvcliveLoggerHook', 'MlflowLoggerHook',
           'NeptuneLoggerHook', 'PaviLoggerHook', 'SegmindLoggerHook', 'WandbLoggerHook']
