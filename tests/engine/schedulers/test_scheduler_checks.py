"""The one set of schedule argument checks: the engine's schedulers, compat's legacy policies
and the converter's check of what it writes all report through engine.schedulers.checks."""
from __future__ import annotations

import doctest

import pytest

import engine.schedulers.checks as checks
from compat.schedules import parse_lr_config
from engine.errors import BuildError, ConfigError
from engine.schedulers import CosineRestartLR, OneCycleLR
from engine.schedulers.trajectory import DummyOptimizer
from migrate.schedule_map.validate import check_mmengine_list


def test_docstring_examples():
    assert doctest.testmod(checks).failed == 0


@pytest.mark.parametrize('check,args,text', [
    (checks.check_number, ('gamma', '0.1'), "must be a number, got '0.1'"),
    (checks.check_number, ('gamma', True), 'must be a number, got True'),
    (checks.check_positive, ('step_size', -1), 'must be positive, got -1'),
    (checks.check_unit_interval, ('factor', 1.5), 'must be in [0, 1], got 1.5'),
    (checks.check_fraction, ('pct_start', 1), 'must be a float in [0, 1], got 1'),
    (checks.check_fraction, ('pct_start', 1.2), 'must be a float in [0, 1], got 1.2'),
    (checks.check_anneal_strategy, ('anneal_strategy', 'exp'), "must be 'cos' or 'linear'"),
    (checks.check_number_list, ('milestones', '8,11'), 'must be a list of numbers'),
])
def test_each_check_reports_the_argument_through_the_callers_failure(check, args, text):
    seen = []

    def fail(arg, message, fix=None):
        seen.append((arg, message))
        return ValueError(message)
    with pytest.raises(ValueError):
        check(fail, *args)
    assert seen[0][0] == args[0] and text in seen[0][1]


@pytest.mark.parametrize('check,args', [
    (checks.check_number, ('gamma', 0.1)), (checks.check_positive, ('step_size', 3)),
    (checks.check_unit_interval, ('factor', 0.0)), (checks.check_fraction, ('pct_start', 0.3)),
    (checks.check_anneal_strategy, ('anneal_strategy', 'linear')),
])
def test_good_values_pass(check, args):
    check(checks.scheduler_failure('X'), *args)


def test_restart_periods_need_one_weight_each():
    fail = checks.scheduler_failure('CosineRestartLR')
    assert checks.check_restart_periods(fail, [2, 3], [1, 0.5]) == ([2, 3], [1, 0.5])
    with pytest.raises(BuildError, match='one weight per period: 2 periods, 1 weights'):
        checks.check_restart_periods(fail, [2, 3], [1])


def test_the_engine_the_legacy_parser_and_the_converter_share_the_pct_start_rule():
    """pct_start=1 (an int) is refused by all three, each naming its own key."""
    with pytest.raises(BuildError) as engine_err:
        OneCycleLR(DummyOptimizer(dict(type='SGD', lr=0.1)), eta_max=0.1, total_steps=10,
                   pct_start=1)
    with pytest.raises(ConfigError) as legacy_err:
        parse_lr_config(dict(policy='OneCycle', max_lr=0.1, pct_start=1), source='old.py')
    with pytest.raises(ConfigError) as converter_err:
        check_mmengine_list([dict(type='OneCycleLR', eta_max=0.1, total_steps=10,
                                  pct_start=1)])
    text = 'pct_start must be a float in [0, 1], got 1'
    assert text in str(engine_err.value) and engine_err.value.key == 'pct_start'
    assert text in str(legacy_err.value) and legacy_err.value.key == 'lr_config.pct_start'
    assert text in str(converter_err.value)
    assert converter_err.value.key == 'param_scheduler[0].pct_start'


def test_the_converter_and_the_engine_share_the_restart_rule():
    with pytest.raises(BuildError) as engine_err:
        CosineRestartLR(DummyOptimizer(dict(type='SGD', lr=0.1)), periods=[2, 3],
                        restart_weights=[1], eta_min=0)
    with pytest.raises(ConfigError) as converter_err:
        check_mmengine_list([dict(type='CosineRestartLR', periods=[2, 3], restart_weights=[1],
                                  eta_min=0)])
    assert engine_err.value.message in converter_err.value.message
    assert converter_err.value.key == 'param_scheduler[0].restart_weights'
