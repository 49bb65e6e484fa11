"""Parameter schedulers with MMEngine 0.10.7's names and semantics.

Importing this package registers every scheduler in ``engine.registry.PARAM_SCHEDULERS``.
The schedule formulas live in :mod:`engine.optim.scheduler.closed_form` (no torch), shared with
the compat runtime and the converter.
"""
from engine.optim.scheduler.annealing import (CosineAnnealingParamScheduler,
                                              CosineRestartParamScheduler, LinearParamScheduler,
                                              PolyParamScheduler)
from engine.optim.scheduler.builder import build_param_schedulers, build_scheduler_from_cfg
from engine.optim.scheduler.lr_scheduler import (ConstantLR, CosineAnnealingLR, CosineRestartLR,
                                                 ExponentialLR, LinearLR, LRSchedulerMixin,
                                                 MultiStepLR, OneCycleLR, PolyLR,
                                                 ReduceOnPlateauLR, StepLR)
from engine.optim.scheduler.momentum_scheduler import (ConstantMomentum,
                                                       CosineAnnealingMomentum,
                                                       CosineRestartMomentum,
                                                       ExponentialMomentum, LinearMomentum,
                                                       MomentumSchedulerMixin,
                                                       MultiStepMomentum, PolyMomentum,
                                                       ReduceOnPlateauMomentum, StepMomentum)
from engine.optim.scheduler.multiplicative import (ConstantParamScheduler,
                                                   ExponentialParamScheduler,
                                                   MultiStepParamScheduler, StepParamScheduler)
from engine.optim.scheduler.one_cycle import OneCycleParamScheduler
from engine.optim.scheduler.param_scheduler import INF, ParamScheduler
from engine.optim.scheduler.plateau import ReduceOnPlateauParamScheduler

__all__ = [
    'INF', 'ParamScheduler', 'LRSchedulerMixin', 'MomentumSchedulerMixin',
    'build_param_schedulers', 'build_scheduler_from_cfg',
    'ConstantParamScheduler', 'StepParamScheduler', 'MultiStepParamScheduler',
    'ExponentialParamScheduler', 'LinearParamScheduler', 'CosineAnnealingParamScheduler',
    'PolyParamScheduler', 'CosineRestartParamScheduler', 'OneCycleParamScheduler',
    'ReduceOnPlateauParamScheduler',
    'ConstantLR', 'StepLR', 'MultiStepLR', 'ExponentialLR', 'LinearLR', 'CosineAnnealingLR',
    'PolyLR', 'CosineRestartLR', 'OneCycleLR', 'ReduceOnPlateauLR',
    'ConstantMomentum', 'StepMomentum', 'MultiStepMomentum', 'ExponentialMomentum',
    'LinearMomentum', 'CosineAnnealingMomentum', 'PolyMomentum', 'CosineRestartMomentum',
    'ReduceOnPlateauMomentum',
]
