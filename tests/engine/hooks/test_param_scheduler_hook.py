"""ParamSchedulerHook: which schedulers step at which stage (MMEngine 0.10.7)."""
from __future__ import annotations

import pytest

from engine.hooks.hook import check_hook_signatures
from engine.hooks.param_scheduler_hook import ParamSchedulerHook
from engine.hooks.priority import get_priority
from engine.registry import HOOKS


class Recorder:
    """Stands in for a scheduler (the hook only reads by_epoch / need_val_args)."""

    def __init__(self, by_epoch, need_val_args=False):
        self.by_epoch = by_epoch
        self.need_val_args = need_val_args
        self.calls = []

    def step(self, *args):
        self.calls.append(args)


class Runner:
    def __init__(self, param_schedulers):
        self.param_schedulers = param_schedulers


def test_registered_with_low_priority():
    assert HOOKS.get('ParamSchedulerHook') is ParamSchedulerHook
    assert get_priority(ParamSchedulerHook.priority) == 70
    check_hook_signatures(ParamSchedulerHook())


def test_iter_and_epoch_steps():
    by_iter, by_epoch = Recorder(False), Recorder(True)
    runner = Runner([by_iter, by_epoch])
    hook = ParamSchedulerHook()
    hook.after_train_iter(runner, batch_idx=0)
    assert (len(by_iter.calls), len(by_epoch.calls)) == (1, 0)
    hook.after_train_epoch(runner)
    assert (len(by_iter.calls), len(by_epoch.calls)) == (1, 1)


def test_dict_of_lists_and_none():
    a, b = Recorder(False), Recorder(False)
    hook = ParamSchedulerHook()
    hook.after_train_iter(Runner({'gen': [a], 'disc': [b]}), batch_idx=0)
    assert a.calls == [()] and b.calls == [()]
    hook.after_train_epoch(Runner(None))
    hook.after_train_iter(Runner(None), batch_idx=0)
    hook.after_val_epoch(Runner(None), metrics={'loss': 1.0})


def test_wrong_container_type():
    with pytest.raises(TypeError, match='param_schedulers'):
        ParamSchedulerHook().after_train_epoch(Runner((Recorder(True),)))


def test_val_epoch_steps_only_plateau_schedulers_with_metrics():
    import torch

    from engine.schedulers import ReduceOnPlateauLR, StepLR
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1, momentum=0.9)
    plateau = ReduceOnPlateauLR(opt, monitor='loss', patience=0, factor=0.5)
    step = StepLR(opt, step_size=1, gamma=0.1)
    runner = Runner([step, plateau])
    hook = ParamSchedulerHook()
    hook.after_val_epoch(runner, metrics=None)            # no metrics: nothing happens
    assert plateau.last_step == -1
    hook.after_train_epoch(runner)                        # counts the plateau epoch
    assert plateau._global_step == 1 and plateau.last_step == -1
    lr = opt.param_groups[0]['lr']
    hook.after_val_epoch(runner, metrics={'loss': 1.0})
    hook.after_val_epoch(runner, metrics={'loss': 1.0})
    assert plateau.last_step == 1 and step.last_step == 1
    assert opt.param_groups[0]['lr'] == pytest.approx(lr * 0.5)


def test_val_epoch_ignores_lists_with_foreign_objects():
    fake = Recorder(True, need_val_args=True)
    ParamSchedulerHook().after_val_epoch(Runner([fake]), metrics={'loss': 1.0})
    assert fake.calls == []
