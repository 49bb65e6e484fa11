"""IterTimerHook: data_time/time scalars and the eta info, with a scripted clock."""
from __future__ import annotations

import pytest

import engine.hooks.iter_timer_hook as timer_mod
from engine.hooks.hook import check_hook_signatures
from engine.hooks.iter_timer_hook import IterTimerHook
from engine.registry import HOOKS


class Clock:
    """Stands in for the ``time`` module: ``time()`` returns ``now``."""

    def __init__(self):
        self.now = 100.0

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(timer_mod, 'time', c)
    return c


def test_registered_with_normal_priority():
    assert HOOKS.get('IterTimerHook') is IterTimerHook
    assert IterTimerHook.priority == 'NORMAL'
    check_hook_signatures(IterTimerHook())


def test_train_times_and_eta(clock, make_runner):
    runner = make_runner(max_iters=10)
    hook = IterTimerHook()
    hook.before_train(runner)
    hook.before_train_epoch(runner)
    durations = [(0.5, 2.0), (0.25, 1.0), (1.0, 3.0)]  # (data, data+compute)
    for i, (data, total) in enumerate(durations):
        runner.iter = i
        clock.now += data
        hook.before_train_iter(runner, batch_idx=i, data_batch=None)
        clock.now += total - data
        hook.after_train_iter(runner, batch_idx=i, data_batch=None, outputs={})
    hub = runner.message_hub
    assert hub.get_scalar('train/data_time').data[0].tolist() == [0.5, 0.25, 1.0]
    assert hub.get_scalar('train/time').data[0].tolist() == [2.0, 1.0, 3.0]
    # average 2 s per iteration, 7 iterations left after iter index 2
    assert hub.get_info('eta') == pytest.approx(2.0 * 7)


def test_eta_after_resume_counts_only_new_iterations(clock, make_runner):
    runner = make_runner(iter=10, max_iters=20)
    hook = IterTimerHook()
    hook.before_train(runner)
    assert hook.start_iter == 10
    hook.before_train_epoch(runner)
    clock.now += 4.0
    hook.before_train_iter(runner, batch_idx=0)
    hook.after_train_iter(runner, batch_idx=0, outputs={})
    # one iteration of 4 s measured, 9 left (iter 10 of 0..19)
    assert runner.message_hub.get_info('eta') == pytest.approx(4.0 * 9)


@pytest.mark.parametrize('mode', ['val', 'test'])
def test_val_test_eta_uses_loader_length(clock, make_runner, mode):
    runner = make_runner(val_dataloader=list(range(5)), test_dataloader=list(range(5)))
    hook = IterTimerHook()
    getattr(hook, f'before_{mode}_epoch')(runner)
    for i in range(2):
        clock.now += 0.5
        getattr(hook, f'before_{mode}_iter')(runner, batch_idx=i, data_batch=None)
        clock.now += 1.5
        getattr(hook, f'after_{mode}_iter')(runner, batch_idx=i, data_batch=None, outputs=[])
    hub = runner.message_hub
    assert hub.get_scalar(f'{mode}/data_time').current() == 0.5
    assert hub.get_scalar(f'{mode}/time').current() == 2.0
    assert hub.get_info('eta') == pytest.approx(2.0 * 3)
    assert hook.time_sec_test_val == pytest.approx(4.0)
    getattr(hook, f'after_{mode}_epoch')(runner, metrics={})
    assert hook.time_sec_test_val == 0


def test_val_inside_training_keeps_train_total(clock, make_runner):
    runner = make_runner(max_iters=4, val_dataloader=[0, 1])
    hook = IterTimerHook()
    hook.before_train(runner)
    hook.before_train_epoch(runner)
    clock.now += 1.0
    hook.before_train_iter(runner, batch_idx=0)
    hook.after_train_iter(runner, batch_idx=0, outputs={})
    hook.before_val_epoch(runner)
    clock.now += 5.0
    hook.before_val_iter(runner, batch_idx=0)
    hook.after_val_iter(runner, batch_idx=0, outputs=[])
    hook.after_val_epoch(runner, metrics={})
    assert hook.time_sec_tot == pytest.approx(1.0)
    assert runner.message_hub.get_info('eta') == pytest.approx(5.0 * 1)
