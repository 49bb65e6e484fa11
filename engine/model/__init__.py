"""Model protocol (BaseModel), data preprocessors, averaged models and wrappers."""
from engine.model.averaged_model import (BaseAveragedModel, ExponentialMovingAverage,
                                         MomentumAnnealingEMA, StochasticWeightAverage)
from engine.model.base_model import BaseModel
from engine.model.data_preprocessor import BaseDataPreprocessor, ImgDataPreprocessor
from engine.model.wrappers import MMDistributedDataParallel, is_model_wrapper, unwrap_model

__all__ = ['BaseAveragedModel', 'BaseDataPreprocessor', 'BaseModel', 'ExponentialMovingAverage',
           'ImgDataPreprocessor', 'MMDistributedDataParallel', 'MomentumAnnealingEMA',
           'StochasticWeightAverage', 'is_model_wrapper', 'unwrap_model']
