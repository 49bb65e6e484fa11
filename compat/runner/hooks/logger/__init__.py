"""Legacy (MMCV 1.x) logger hooks."""
from compat.runner.hooks.logger.base import LoggerHook
from compat.runner.hooks.logger.clearml import ClearMLLoggerHook
from compat.runner.hooks.logger.dvclive import DvcliveLoggerHook
from compat.runner.hooks.logger.mlflow import MlflowLoggerHook
from compat.runner.hooks.logger.neptune import NeptuneLoggerHook
from compat.runner.hooks.logger.pavi import PaviLoggerHook
from compat.runner.hooks.logger.segmind import SegmindLoggerHook
from compat.runner.hooks.logger.tensorboard import TensorboardLoggerHook
from compat.runner.hooks.logger.text import TextLoggerHook
from compat.runner.hooks.logger.wandb import WandbLoggerHook

__all__ = ['LoggerHook', 'MlflowLoggerHook', 'PaviLoggerHook', 'TensorboardLoggerHook',
           'TextLoggerHook', 'WandbLoggerHook', 'NeptuneLoggerHook', 'DvcliveLoggerHook',
           'SegmindLoggerHook', 'ClearMLLoggerHook']
