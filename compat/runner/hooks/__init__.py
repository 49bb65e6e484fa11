"""Legacy (MMCV 1.x) hooks: the ``Hook`` base class and the ``HOOKS`` registry."""
from compat.runner.hooks.evaluation import DistEvalHook, EvalHook
from compat.runner.hooks.checkpoint import CheckpointHook
from compat.runner.hooks.hook import HOOKS, Hook
from compat.runner.hooks.iter_timer import IterTimerHook
from compat.runner.hooks.optimizer import (DistOptimizerHook, Fp16OptimizerHook,
                                          GradientCumulativeFp16OptimizerHook,
                                          GradientCumulativeOptimizerHook, OptimizerHook)
from compat.runner.hooks.logger import LoggerHook, TensorboardLoggerHook, TextLoggerHook

__all__ = ['CheckpointHook', 'IterTimerHook', 'LoggerHook', 'TensorboardLoggerHook',
           'TextLoggerHook',
           'HOOKS', 'Hook', 'EvalHook', 'DistEvalHook',
           'OptimizerHook', 'GradientCumulativeOptimizerHook', 'Fp16OptimizerHook',
           'GradientCumulativeFp16OptimizerHook', 'DistOptimizerHook']
