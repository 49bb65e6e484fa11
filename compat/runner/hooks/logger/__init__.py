"""Legacy (MMCV 1.x) logger hooks."""
from compat.runner.hooks.logger.base import LoggerHook
from compat.runner.hooks.logger.tensorboard import TensorboardLoggerHook
from compat.runner.hooks.logger.text import TextLoggerHook

__all__ = ['LoggerHook', 'TensorboardLoggerHook', 'TextLoggerHook']
