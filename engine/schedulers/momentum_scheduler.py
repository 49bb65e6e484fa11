"""Momentum schedulers: the generic families on ``momentum``, or on ``betas[0]`` for the
Adam family (the value is mirrored in ``group['momentum']`` and copied into ``betas``)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.schedulers.checks import param_groups_of, scheduler_failure
from engine.schedulers._variant import bind_param_name, init_with_param_name
from engine.schedulers.annealing import (CosineAnnealingParamScheduler,
                                         CosineRestartParamScheduler, LinearParamScheduler,
                                         PolyParamScheduler)
from engine.schedulers.multiplicative import (ConstantParamScheduler,
                                              ExponentialParamScheduler,
                                              MultiStepParamScheduler, StepParamScheduler)
from engine.schedulers.plateau import ReduceOnPlateauParamScheduler
from engine.registry import PARAM_SCHEDULERS


class MomentumSchedulerMixin:
    """Schedules ``momentum`` (SGD, RMSprop) or ``betas[0]`` (Adam, AdamW, ...)."""

    _state_attrs = ('use_betas',)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        bind_param_name(cls)

    def __init__(self, optimizer: Any, *args: Any, **kwargs: Any) -> None:
        # reached from a subclass's own __init__, as in MMEngine; a class without one is
        # bound above
        init_with_param_name(MomentumSchedulerMixin, self, optimizer, args, kwargs)

    def _variant_param_name(self, optimizer: Any) -> str:
        owner = type(self).__name__
        fail = scheduler_failure(owner)
        groups = param_groups_of(owner, optimizer)
        # The optimizer's defaults decide, as in MMEngine; a bare object with param_groups
        # only is judged by its first group.
        defaults = getattr(optimizer, 'defaults', None)
        keys = defaults if isinstance(defaults, Mapping) else groups[0]
        self.use_betas = False
        if 'momentum' in keys:
            return 'momentum'
        if 'betas' in keys:
            self.use_betas = True
            for group in groups:
                group['momentum'] = group['betas'][0]
            return 'momentum'
        raise fail('optimizer', f'{type(optimizer).__name__} has neither momentum nor betas '
                   'to schedule', fix='use an optimizer with momentum, or drop the scheduler')

    def step(self, *args: Any, **kwargs: Any) -> None:
        super().step(*args, **kwargs)
        if self.use_betas:
            for group in self.param_groups:
                group['betas'] = (group['momentum'], group['betas'][1])


@PARAM_SCHEDULERS.register_module()
class ConstantMomentum(MomentumSchedulerMixin, ConstantParamScheduler):
    """:class:`ConstantParamScheduler` on the momentum."""


@PARAM_SCHEDULERS.register_module()
class CosineAnnealingMomentum(MomentumSchedulerMixin, CosineAnnealingParamScheduler):
    """:class:`CosineAnnealingParamScheduler` on the momentum."""


@PARAM_SCHEDULERS.register_module()
class ExponentialMomentum(MomentumSchedulerMixin, ExponentialParamScheduler):
    """:class:`ExponentialParamScheduler` on the momentum."""


@PARAM_SCHEDULERS.register_module()
class LinearMomentum(MomentumSchedulerMixin, LinearParamScheduler):
    """:class:`LinearParamScheduler` on the momentum."""


@PARAM_SCHEDULERS.register_module()
class MultiStepMomentum(MomentumSchedulerMixin, MultiStepParamScheduler):
    """:class:`MultiStepParamScheduler` on the momentum (default gamma 0.1, not MMCV's 0.5)."""


@PARAM_SCHEDULERS.register_module()
class StepMomentum(MomentumSchedulerMixin, StepParamScheduler):
    """:class:`StepParamScheduler` on the momentum."""


@PARAM_SCHEDULERS.register_module()
class PolyMomentum(MomentumSchedulerMixin, PolyParamScheduler):
    """:class:`PolyParamScheduler` on the momentum."""


@PARAM_SCHEDULERS.register_module()
class CosineRestartMomentum(MomentumSchedulerMixin, CosineRestartParamScheduler):
    """:class:`CosineRestartParamScheduler` on the momentum."""


@PARAM_SCHEDULERS.register_module()
class ReduceOnPlateauMomentum(MomentumSchedulerMixin, ReduceOnPlateauParamScheduler):
    """:class:`ReduceOnPlateauParamScheduler` on the momentum."""
