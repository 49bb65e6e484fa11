"""Learning-rate schedulers: the generic families with ``param_name='lr'``."""
from __future__ import annotations

from typing import Any

from engine.schedulers._variant import bind_param_name, init_with_param_name
from engine.schedulers.annealing import (CosineAnnealingParamScheduler,
                                         CosineRestartParamScheduler, LinearParamScheduler,
                                         PolyParamScheduler)
from engine.schedulers.multiplicative import (ConstantParamScheduler,
                                              ExponentialParamScheduler,
                                              MultiStepParamScheduler, StepParamScheduler)
from engine.schedulers.one_cycle import OneCycleParamScheduler
from engine.schedulers.plateau import ReduceOnPlateauParamScheduler
from engine.registry import PARAM_SCHEDULERS


class LRSchedulerMixin:
    """Schedules ``lr``; the constructor is the generic one without ``param_name``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        bind_param_name(cls)

    def __init__(self, optimizer: Any, *args: Any, **kwargs: Any) -> None:
        # reached from a subclass's own __init__, as in MMEngine; a class without one is
        # bound above
        init_with_param_name(LRSchedulerMixin, self, optimizer, args, kwargs)

    def _variant_param_name(self, optimizer: Any) -> str:
        return 'lr'


@PARAM_SCHEDULERS.register_module()
class ConstantLR(LRSchedulerMixin, ConstantParamScheduler):
    """:class:`ConstantParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class CosineAnnealingLR(LRSchedulerMixin, CosineAnnealingParamScheduler):
    """:class:`CosineAnnealingParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class ExponentialLR(LRSchedulerMixin, ExponentialParamScheduler):
    """:class:`ExponentialParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class LinearLR(LRSchedulerMixin, LinearParamScheduler):
    """:class:`LinearParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class MultiStepLR(LRSchedulerMixin, MultiStepParamScheduler):
    """:class:`MultiStepParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class StepLR(LRSchedulerMixin, StepParamScheduler):
    """:class:`StepParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class PolyLR(LRSchedulerMixin, PolyParamScheduler):
    """:class:`PolyParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class OneCycleLR(LRSchedulerMixin, OneCycleParamScheduler):
    """:class:`OneCycleParamScheduler` (which only schedules the learning rate)."""


@PARAM_SCHEDULERS.register_module()
class CosineRestartLR(LRSchedulerMixin, CosineRestartParamScheduler):
    """:class:`CosineRestartParamScheduler` on the learning rate."""


@PARAM_SCHEDULERS.register_module()
class ReduceOnPlateauLR(LRSchedulerMixin, ReduceOnPlateauParamScheduler):
    """:class:`ReduceOnPlateauParamScheduler` on the learning rate."""
