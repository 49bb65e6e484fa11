"""Parameter schedulers with MMEngine 0.10.7's names and semantics.

Importing this package registers every scheduler in ``engine.registry.PARAM_SCHEDULERS``.
The schedule formulas live in :mod:`engine.schedulers.closed_form` (no torch), shared with
the compat runtime and the converter.

Besides MMEngine's schedulers there are engine-only ones for the MMCV 1.x policies MMEngine
cannot express exactly (``migrate convert --target engine`` writes them): ``WarmupLR`` /
``WarmupMomentum`` (constant/linear/exp warmup; the momentum one divides), ``InvLR``,
``ClippedStepLR`` / ``ClippedStepMomentum`` (step with a floor), ``CyclicLR`` /
``CyclicMomentum``, ``OneCycleMomentum``, and ``Relative*`` versions of the annealing policies
that keep a warmup laid over them exactly (see :mod:`.factor`), and the downstream codebases'
policies (``CosineCooldownLR``, ``StepFixCosineAnnealingLR``, ``YOLOXLR``, ``SiameseRPNLR``;
:mod:`.downstream`).
:func:`scheduler_trajectory` replays a ``param_scheduler`` list on a dummy optimizer.
"""
from engine.schedulers.annealing import (CosineAnnealingParamScheduler,
                                         CosineRestartParamScheduler, LinearParamScheduler,
                                         PolyParamScheduler)
from engine.schedulers.builder import build_param_schedulers, build_scheduler_from_cfg
from engine.schedulers.clipped_step import (ClippedStepLR, ClippedStepMomentum,
                                            ClippedStepParamScheduler)
from engine.schedulers.cyclic import CyclicLR, CyclicMomentum, CyclicParamScheduler
from engine.schedulers.downstream import (CosineCooldownLR, SiameseRPNLR,
                                         StepFixCosineAnnealingLR, YOLOXLR)
from engine.schedulers.factor import FactorParamScheduler
from engine.schedulers.inv import InvLR, InvParamScheduler
from engine.schedulers.lr_scheduler import (ConstantLR, CosineAnnealingLR, CosineRestartLR,
                                            ExponentialLR, LinearLR, LRSchedulerMixin,
                                            MultiStepLR, OneCycleLR, PolyLR,
                                            ReduceOnPlateauLR, StepLR)
from engine.schedulers.momentum_scheduler import (ConstantMomentum,
                                                  CosineAnnealingMomentum,
                                                  CosineRestartMomentum,
                                                  ExponentialMomentum, LinearMomentum,
                                                  MomentumSchedulerMixin,
                                                  MultiStepMomentum, PolyMomentum,
                                                  ReduceOnPlateauMomentum, StepMomentum)
from engine.schedulers.multiplicative import (ConstantParamScheduler,
                                              ExponentialParamScheduler,
                                              MultiStepParamScheduler, StepParamScheduler)
from engine.schedulers.one_cycle import OneCycleParamScheduler
from engine.schedulers.one_cycle_factor import OneCycleMomentum, RelativeOneCycleLR
from engine.schedulers.param_scheduler import INF, ParamScheduler
from engine.schedulers.plateau import ReduceOnPlateauParamScheduler
from engine.schedulers.relative import (RelativeCosineAnnealingLR,
                                        RelativeCosineAnnealingMomentum,
                                        RelativeCosineAnnealingParamScheduler,
                                        RelativeCosineRestartLR,
                                        RelativeCosineRestartParamScheduler,
                                        RelativeFlatCosineAnnealingLR,
                                        RelativeFlatCosineAnnealingParamScheduler,
                                        RelativeLinearAnnealingLR,
                                        RelativeLinearAnnealingMomentum,
                                        RelativeLinearAnnealingParamScheduler,
                                        RelativePolyLR, RelativePolyParamScheduler)
from engine.schedulers.trajectory import scheduler_trajectory
from engine.schedulers.warmup import WarmupLR, WarmupMomentum, WarmupParamScheduler

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
    # engine-only (MMCV 1.x policies that MMEngine cannot express exactly)
    'FactorParamScheduler', 'WarmupParamScheduler', 'WarmupLR', 'WarmupMomentum',
    'InvParamScheduler', 'InvLR', 'ClippedStepParamScheduler', 'ClippedStepLR',
    'ClippedStepMomentum', 'CyclicParamScheduler', 'CyclicLR', 'CyclicMomentum',
    'OneCycleMomentum', 'RelativeOneCycleLR', 'RelativeCosineAnnealingParamScheduler',
    'RelativeCosineAnnealingLR', 'RelativeCosineAnnealingMomentum',
    'RelativeLinearAnnealingParamScheduler', 'RelativeLinearAnnealingLR',
    'RelativeLinearAnnealingMomentum', 'RelativeFlatCosineAnnealingParamScheduler',
    'RelativeFlatCosineAnnealingLR', 'RelativePolyParamScheduler', 'RelativePolyLR',
    'RelativeCosineRestartParamScheduler', 'RelativeCosineRestartLR',
    # engine-only, for downstream codebases' policies
    'CosineCooldownLR', 'StepFixCosineAnnealingLR', 'YOLOXLR', 'SiameseRPNLR',
    'scheduler_trajectory',
]
