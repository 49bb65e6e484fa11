"""Hand-computed values of the MMCV 1.x policies: the shared closed forms with MMCV's arguments
(as ``compat.schedules.regular`` calls them) and the legacy timeline of ``compat.schedules``."""
from __future__ import annotations

import doctest
import importlib
import math
import subprocess
import sys

import pytest

from compat.schedules import legacy_trajectory, parse_lr_config, parse_momentum_config
from compat.schedules.one_cycle import one_cycle_lr_value, one_cycle_momentum_value
from engine.schedulers.closed_form import (annealing_cos, annealing_linear, annealing_target,
                                           clipped_step_value, cosine_restart_peak_value,
                                           cyclic_phases, cyclic_value, exponential_value,
                                           flat_cosine_value, inv_value, poly_value,
                                           step_exponent, warmup_factor, warmup_value)
from engine.errors import ConfigError

approx = lambda value: pytest.approx(value, rel=1e-12, abs=1e-15)  # noqa: E731

MODULES = ['checks', 'one_cycle', 'parse', 'policies', 'regular', 'schedule', 'trajectory']


@pytest.mark.parametrize('module', MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(f'compat.schedules.{module}'))
    assert result.failed == 0


def test_imports_without_torch():
    code = "import sys; sys.modules['torch'] = None; import compat.schedules; print('ok')"
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == 'ok'


@pytest.mark.parametrize('kind, ratio, cur, total, expected', [
    ('constant', 0.1, 0, 10, 0.1),
    ('constant', 0.1, 9, 10, 0.1),
    ('linear', 0.1, 0, 10, 0.1),
    ('linear', 0.1, 5, 10, 0.55),
    ('linear', 0.1, 9, 10, 0.91),
    ('linear', 0.001, 250, 500, 0.5005),
    ('exp', 0.01, 0, 10, 0.01),
    ('exp', 0.01, 5, 10, 0.1),
    ('exp', 0.1, 5, 20, 0.1 ** 0.75),
])
def test_warmup_factor(kind, ratio, cur, total, expected):
    assert warmup_factor(kind, ratio, cur, total) == approx(expected)


def test_warmup_lr_multiplies_and_momentum_divides():
    assert warmup_value(0.02, 'linear', 0.1, 5, 10) == approx(0.011)
    assert warmup_value(0.9, 'constant', 0.9, 0, 10, divide=True) == approx(1.0)
    assert warmup_value(0.9, 'linear', 0.9, 5, 10, divide=True) == approx(0.9 / 0.95)
    assert warmup_value(0.9, 'exp', 0.81, 5, 10, divide=True) == approx(1.0)
    assert [warmup_value(0.1, 'exp', 0.5, i, 3) < 0.1 for i in range(5)] == \
        [True, True, True, False, False]   # the regular value from warmup_iters on
    with pytest.raises(ValueError):
        warmup_factor('cosine', 0.1, 0, 10)


@pytest.mark.parametrize('progress, step, expected', [
    (0, 3, 0), (2, 3, 0), (3, 3, 1), (7, 3, 2),
    (7, [8, 11], 0), (8, [8, 11], 1), (10, [8, 11], 1), (11, [8, 11], 2), (20, [8, 11], 2),
    (4, [5, 3], 0), (5, [5, 3], 2),          # unsorted: index of the first entry still ahead
])
def test_step_exponent(progress, step, expected):
    assert step_exponent(progress, step) == expected


def test_step_value_and_min_clip():
    assert clipped_step_value(0.1, 0.1, 12, [8, 11]) == approx(0.001)
    assert clipped_step_value(0.1, 0.1, 12, [8, 11], floor=0.005) == 0.005
    assert clipped_step_value(0.9, 0.5, 5, 2) == approx(0.225)
    assert clipped_step_value(0.9, 0.5, 5, 2, floor=0.3) == 0.3


def test_decay_family():
    assert exponential_value(0.1, 0.5, 3) == approx(0.0125)
    assert exponential_value(0.1, 0.5, 0) == 0.1
    # poly: (base - min_lr) * (1 - progress / max_progress) ** power + min_lr
    assert poly_value(0.1, 0.0, 2.0, 5, 10) == approx(0.025)
    assert poly_value(0.1, 0.01, 1.0, 3, 4) == approx(0.0325)
    assert poly_value(0.1, 1e-4, 0.9, 10, 10) == approx(1e-4)
    assert inv_value(0.1, 0.5, 1.0, 2) == approx(0.05)
    assert inv_value(0.1, 1.0, 0.5, 3) == approx(0.05)


def test_annealing_family():
    assert annealing_cos(0.1, 0.0, 5 / 10) == approx(0.05)
    assert annealing_cos(0.1, 0.01, 0 / 10) == approx(0.1)
    assert annealing_cos(0.1, 0.01, 10 / 10) == approx(0.01)
    assert annealing_cos(0.1, 0.01, 2.5 / 10) == approx(
        0.01 + 0.09 * (1 + math.sqrt(0.5)) / 2)
    assert annealing_linear(0.1, 0.0, 3 / 4) == approx(0.025)
    assert annealing_linear(0.1, 0.02, 1 / 4) == approx(0.08)
    assert annealing_target(0.2, None, 0.05) == approx(0.01)
    assert annealing_target(0.2, 0.001, None) == 0.001


def test_flat_cosine_start_rounds_half_to_even():
    flat = lambda t, total, pct: flat_cosine_value(0.1, 0.0, t, total, pct)  # noqa: E731
    assert flat(8, 12, 0.75) == 0.1 and flat(9, 12, 0.75) == approx(0.1)   # start 9
    assert flat(10, 12, 0.75) == approx(0.075)
    assert flat(1, 10, 0.25) == 0.1 and flat(2, 10, 0.25) == approx(0.1)   # round(2.5) = 2
    assert flat(3, 10, 0.25) < 0.1
    assert flat(3, 14, 0.25) == 0.1 and flat(4, 14, 0.25) == approx(0.1)   # round(3.5) = 4
    assert flat(5, 14, 0.25) < 0.1


def test_cosine_restart_peaks_at_weighted_distance_above_target():
    values = [cosine_restart_peak_value(0.1, 0.02, t, [4, 6], [1, 0.5]) for t in (0, 2, 4, 7)]
    assert values == [approx(0.1), approx(0.06), approx(0.06), approx(0.04)]
    assert cosine_restart_peak_value(0.1, 0.02, 10, [4, 6], [1, 0.5]) is None   # past the end


def test_cyclic_phases_and_values():
    period, up = cyclic_phases(10, 1, 0.4)
    assert (period, up) == (10, 4)
    ratio = (10, 1e-4)
    at = lambda i, **kw: cyclic_value(0.1, i, period, up, ratio, **kw)  # noqa: E731
    assert at(0) == approx(0.1)
    assert at(2) == approx(0.55)
    assert at(4) == approx(1.0)
    assert at(7) == approx(0.500005)
    assert at(1, anneal_strategy='linear') == approx(0.325)
    period, up = cyclic_phases(20, 2, 0.5)
    assert cyclic_value(0.1, 15, period, up, (3, 1), gamma=0.5) == approx(0.2)
    assert cyclic_value(0.1, 12, period, up, (3, 1), gamma=0.5,
                        anneal_strategy='linear') == approx(
        0.14)   # cycle 1 rises from ratio 1 to 2; position 2 of 5
    # an empty rising phase: the falling phase starts at 0, MMCV scales its *end* ratio only
    period, up = cyclic_phases(20, 2, 0.0)
    assert (period, up) == (10, 0)
    assert cyclic_value(0.1, 10, period, up, (4.0, 0.5), gamma=0.5) == approx(0.4)
    assert cyclic_value(0.1, 15, period, up, (4.0, 0.5), gamma=0.5,
                        anneal_strategy='linear') == approx(0.1 * (4.0 + (0.75 - 4.0) * 0.5))


def test_one_cycle_lr():
    assert one_cycle_lr_value(0.1, 0, 10) == approx(0.004)
    assert one_cycle_lr_value(0.1, 1, 10) == approx(0.052)
    assert one_cycle_lr_value(0.1, 2, 10) == approx(0.1)
    assert one_cycle_lr_value(0.1, 9, 10) == approx(4e-7)
    three = dict(pct_start=0.25, div_factor=10.0, final_div_factor=100.0, three_phase=True,
                 strategy='linear')
    assert one_cycle_lr_value(1.0, 3, 10, **three) == approx(0.1)
    assert one_cycle_lr_value(1.0, 6, 10, **three) == approx(0.1 + (1e-3 - 0.1) * 0.5)


def test_one_cycle_momentum_mirrors_the_lr():
    two = [one_cycle_momentum_value(0.85, 0.95, i, 10) for i in (0, 1, 2, 9)]
    assert two == [approx(0.95), approx(0.9), approx(0.85), approx(0.95)]
    three = [one_cycle_momentum_value(0.85, 0.95, i, 10, three_phase=True) for i in (2, 4, 7)]
    assert three == [approx(0.85), approx(0.95), approx(0.95)]


def _traj(lr=None, mom=None, runner='EpochBasedRunner', **kw):
    args = dict(runner_type=runner, max_epochs=None, max_iters=None, epoch_len=2,
                base_lrs=[0.1], base_momentums=[0.9])
    args.update(kw)
    return legacy_trajectory(parse_lr_config(lr, runner_type=runner),
                             parse_momentum_config(mom, runner_type=runner), **args)


def test_by_epoch_policy_with_iteration_warmup_ending_mid_epoch():
    t = _traj(dict(policy='step', step=[1], warmup='constant', warmup_iters=3,
                   warmup_ratio=0.5), max_epochs=3)
    lrs = [row[0] for row in t.lr]
    assert lrs == [approx(v) for v in (0.05, 0.05, 0.005, 0.01, 0.01, 0.01)]
    assert t.epoch == [0, 0, 1, 1, 2, 2] and t.iter == list(range(6))


def test_warmup_by_epoch_counts_epochs_times_epoch_len():
    t = _traj(dict(policy='fixed', warmup='linear', warmup_iters=1, warmup_by_epoch=True),
              max_epochs=2, epoch_len=4)
    assert [row[0] for row in t.lr] == [approx(v) for v in
                                        (0.01, 0.0325, 0.055, 0.0775, 0.1, 0.1, 0.1, 0.1)]


def test_iter_runner_epoch_column_and_by_epoch_noops():
    t = _traj(dict(policy='step', step=2, by_epoch=True),
              dict(policy='step', step=1, warmup='linear', warmup_iters=3),
              runner='IterBasedRunner', max_iters=7, epoch_len=3)
    assert t.epoch == [0, 0, 0, 0, 1, 1, 1]     # runner.epoch is read before the batch fetch
    assert t.lr == [[0.1]] * 7 and t.momentum == [[0.9]] * 7


def test_no_hooks_keep_the_optimizer_values():
    t = _traj(max_epochs=2, base_lrs=[0.1, 0.01], base_momentums=None)
    assert t.lr == [[0.1, 0.01]] * 4 and t.momentum is None


def test_momentum_policy_needs_an_optimizer_with_momentum():
    with pytest.raises(ConfigError) as info:
        _traj(mom=dict(policy='step', step=1), max_epochs=2, base_momentums=None)
    assert info.value.key == 'momentum_config.policy'


@pytest.mark.parametrize('kw, key', [
    (dict(max_epochs=2, max_iters=4), 'runner.max_iters'),
    (dict(max_epochs=None), 'runner.max_epochs'),
    (dict(max_epochs=2, epoch_len=0), 'epoch_len'),
    (dict(runner='IterBasedRunner', max_iters=0), 'runner.max_iters'),
])
def test_runner_length_errors(kw, key):
    with pytest.raises(ConfigError) as info:
        _traj(dict(policy='fixed'), **kw)
    assert info.value.key == key


def test_runtime_errors_name_the_key():
    with pytest.raises(ConfigError) as info:
        _traj(dict(policy='cyclic', cyclic_times=20), runner='IterBasedRunner', max_iters=10)
    assert info.value.key == 'lr_config.cyclic_times'
    with pytest.raises(ConfigError) as info:
        _traj(dict(policy='OneCycle', max_lr={'Adam': [0.1]}), runner='IterBasedRunner',
              max_iters=10, optimizer_type='SGD')
    assert info.value.key == 'lr_config.max_lr'
    t = _traj(dict(policy='OneCycle', max_lr={'SGD': [0.1]}), runner='IterBasedRunner',
              max_iters=10, optimizer_type='SGD')
    assert t.lr[2][0] == approx(0.1)
