"""``migrate.rules._ema_kernel`` (what the EMA rule reports) against the averaging weights of
the real MMCV 1.7.2 and MMEngine 0.10.7 EMA hooks, measured on the probe of
``scripts/oracle/ema_warmup_scenarios.py`` (recorder: scripts/oracle/record_ema_warmup_goldens.py
-> fixtures/goldens/ema_warmup.json)."""
import importlib.util
import json
import os

import pytest

from migrate.rules._ema_kernel import (deviation, deviation_after, iterations_until,
                                       mmcv_weights, mmengine_weights, warm_up_updates)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDEN = os.path.join(ROOT, 'fixtures', 'goldens', 'ema_warmup.json')
TOL = 1e-12   # float64 in each library's own operation order


def _scenarios_module():
    path = os.path.join(ROOT, 'scripts', 'oracle', 'ema_warmup_scenarios.py')
    spec = importlib.util.spec_from_file_location('ema_warmup_scenarios', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


with open(GOLDEN) as _f:
    RECORDED = json.load(_f)


def _rows(name, side):
    return [[float.fromhex(x) for x in row] for row in RECORDED[name][side]]


def test_golden_covers_the_scenarios():
    scenarios = _scenarios_module().SCENARIOS
    assert sorted(RECORDED) == sorted(scenarios)
    for name, sc in scenarios.items():
        assert RECORDED[name]['legacy'] == sc
        assert len(RECORDED[name]['mmcv']) == len(RECORDED[name]['mmengine']) == sc['iters']


@pytest.mark.parametrize('name', sorted(RECORDED))
def test_mmcv_weights_are_mmcv_emahooks(name):
    sc = RECORDED[name]['legacy']
    for t, row in enumerate(_rows(name, 'mmcv')):
        ours = mmcv_weights(sc['momentum'], sc['interval'], sc['warm_up'], t + 1)
        assert ours + [0.0] * (len(row) - len(ours)) == pytest.approx(row, abs=TOL), t


@pytest.mark.parametrize('name', sorted(RECORDED))
def test_mmengine_weights_are_mmengine_emahooks(name):
    conv = RECORDED[name]['converted']
    for t, row in enumerate(_rows(name, 'mmengine')):
        ours = mmengine_weights(conv['momentum'], conv['interval'], t + 1)
        assert ours + [0.0] * (len(row) - len(ours)) == pytest.approx(row, abs=TOL), t


@pytest.mark.parametrize('name', sorted(RECORDED))
def test_reported_deviation_is_the_measured_one(name):
    """After every iteration, the closed form the converter reports equals the distance of
    the two libraries' measured weight vectors."""
    sc = RECORDED[name]['legacy']
    for t, (a, b) in enumerate(zip(_rows(name, 'mmcv'), _rows(name, 'mmengine'))):
        assert deviation_after(sc['momentum'], sc['interval'], sc['warm_up'], t + 1) == \
            pytest.approx(deviation(a, b), abs=TOL), t


def test_scenarios_cover_both_warm_up_cases():
    bites = {n for n, r in RECORDED.items()
             if warm_up_updates(r['legacy']['momentum'], r['legacy']['interval'],
                                r['legacy']['warm_up'])}
    assert bites == {'warm_up_bites', 'interval2_warm_up_bites', 'long_warm_up'}


def test_defaults_differ_by_the_first_step_only():
    """MMCV's defaults never warm up: the EMAs differ by where they start, (1 - m)**n after n
    updates."""
    assert warm_up_updates(0.0002, 1, 100) == 0
    assert deviation_after(0.0002, 1, 100, 90000) == pytest.approx(0.9998 ** 90000, rel=1e-9)
    until = iterations_until(0.0002, 1, 100, 1e-6)
    assert deviation_after(0.0002, 1, 100, until + 1) < 1e-6 <= \
        deviation_after(0.0002, 1, 100, until)


def test_iterations_until_with_interval_and_warm_up():
    for m, i, w in ((0.3, 2, 50), (0.01, 1, 1000), (0.5, 3, 4)):
        until = iterations_until(m, i, w, 1e-3)
        assert until % i == 0   # an update iteration
        assert deviation_after(m, i, w, until + 1) < 1e-3 <= deviation_after(m, i, w, until)
