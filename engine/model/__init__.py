"""Model protocol (BaseModel on BaseModule with init_cfg), weight initialisers, data
preprocessors, averaged models and wrappers."""
from engine.model.averaged_model import (BaseAveragedModel, ExponentialMovingAverage,
                                         MomentumAnnealingEMA, StochasticWeightAverage)
from engine.model.base_model import BaseModel
from engine.model.base_module import BaseModule, ModuleDict, ModuleList, Sequential
from engine.model.data_preprocessor import BaseDataPreprocessor, ImgDataPreprocessor
from engine.model.wrappers import MMDistributedDataParallel, is_model_wrapper, unwrap_model

from engine.model.weight_init import initialize

__all__ = ['BaseAveragedModel', 'BaseDataPreprocessor', 'BaseModel', 'BaseModule',
           'ExponentialMovingAverage', 'ImgDataPreprocessor', 'MMDistributedDataParallel',
           'ModuleDict', 'ModuleList', 'MomentumAnnealingEMA', 'Sequential',
           'StochasticWeightAverage', 'initialize', 'is_model_wrapper', 'unwrap_model']
