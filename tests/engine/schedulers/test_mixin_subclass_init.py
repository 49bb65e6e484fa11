"""A scheduler written the MMEngine way (``class X(LRSchedulerMixin, ParamScheduler)`` with an
``__init__`` of its own calling ``super().__init__(optimizer, **kwargs)``) builds and steps, for
the learning rate and for the momentum (``betas[0]`` of Adam); the engine's own subclasses that
pass the parameter name themselves still build."""
import torch

from engine.schedulers import (CosineCooldownLR, LRSchedulerMixin, MomentumSchedulerMixin,
                               ParamScheduler)


class HalvingLR(LRSchedulerMixin, ParamScheduler):

    def __init__(self, optimizer, every=2, **kwargs):
        self.every = every
        super().__init__(optimizer, **kwargs)

    def _get_value(self):
        if self.last_step == 0 or self.last_step % self.every:
            return [g[self.param_name] for g in self.optimizer.param_groups]
        return [g[self.param_name] * 0.5 for g in self.optimizer.param_groups]


class HalvingMomentum(MomentumSchedulerMixin, ParamScheduler):

    def __init__(self, optimizer, every=2, **kwargs):
        self.every = every
        super().__init__(optimizer, **kwargs)

    _get_value = HalvingLR._get_value


def _values(scheduler, optimizer, key, steps=5):
    seen = [optimizer.param_groups[0][key]]
    for _ in range(steps):
        scheduler.step()
        seen.append(optimizer.param_groups[0][key])
    return seen


def test_lr_subclass_with_its_own_init():
    optimizer = torch.optim.SGD(torch.nn.Linear(2, 2).parameters(), lr=0.4)
    scheduler = HalvingLR(optimizer, every=2, by_epoch=False)
    assert scheduler.param_name == 'lr' and scheduler.by_epoch is False
    assert _values(scheduler, optimizer, 'lr') == [0.4, 0.4, 0.2, 0.2, 0.1, 0.1]


def test_momentum_subclass_with_its_own_init_schedules_adam_betas():
    optimizer = torch.optim.Adam(torch.nn.Linear(2, 2).parameters(), lr=0.1, betas=(0.8, 0.99))
    scheduler = HalvingMomentum(optimizer, every=2)
    assert scheduler.param_name == 'momentum'
    _values(scheduler, optimizer, 'momentum', steps=2)
    assert optimizer.param_groups[0]['betas'] == (0.4, 0.99)


def test_engine_subclass_naming_its_parameter_still_builds():
    optimizer = torch.optim.SGD(torch.nn.Linear(2, 2).parameters(), lr=0.1)
    scheduler = CosineCooldownLR(optimizer, T_max=10, cool_down_time=2, eta_min_ratio=0.1)
    assert scheduler.param_name == 'lr'
