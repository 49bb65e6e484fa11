"""Replay every MMEngine 0.10.7 golden set-up with our builder and hook (rel. error <= 1e-12)."""
from __future__ import annotations

import json
import pathlib

import pytest

from engine.optim.optim_wrapper import OptimWrapper

from ._replay import max_rel_error, replay

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' / 'schedulers.json'
DATA = json.loads(GOLDEN.read_text())
CASES = DATA['cases']
TOL = 1e-12


def test_golden_file_covers_the_required_set_ups():
    assert DATA['mmengine'] == '0.10.7'
    assert len(CASES) >= 25
    types = {s['type'] for c in CASES for s in c['param_scheduler']}
    for family in ('Constant', 'Linear', 'Step', 'MultiStep', 'Exponential', 'CosineAnnealing',
                   'Poly', 'CosineRestart', 'ReduceOnPlateau'):
        assert f'{family}LR' in types or f'{family}ParamScheduler' in types, family
    assert 'OneCycleLR' in types
    assert any(s.get('convert_to_iter_based') for c in CASES for s in c['param_scheduler'])
    assert any(c['loop'] == 'iter' for c in CASES)
    assert any(c['optimizer']['type'].startswith('Adam') for c in CASES)
    assert any(len(c['optimizer']['groups']) > 1 for c in CASES)
    assert any('weight_decay' in c['record'] for c in CASES)


@pytest.mark.parametrize('case', CASES, ids=[c['name'] for c in CASES])
def test_replay_matches_mmengine(case):
    ours = replay(case)
    for key in case['record']:
        for group, expected in enumerate(case[key]):
            err = max_rel_error(expected, ours[key][group])
            assert err <= TOL, f'{key}[{group}]: max relative error {err:.3g}'


def test_replay_through_the_engine_optim_wrapper():
    """The same goldens through engine.optim.OptimWrapper (written separately)."""
    for case in CASES:
        ours = replay(case, wrap=lambda opt: OptimWrapper(optimizer=opt))
        for key in case['record']:
            for group, expected in enumerate(case[key]):
                err = max_rel_error(expected, ours[key][group])
                assert err <= TOL, f'{case["name"]} {key}[{group}]: {err:.3g}'


def test_max_relative_error_over_all_goldens(capsys):
    worst = 0.0
    for case in CASES:
        ours = replay(case)
        for key in case['record']:
            for group, expected in enumerate(case[key]):
                worst = max(worst, max_rel_error(expected, ours[key][group]))
    with capsys.disabled():
        print(f'\n[scheduler goldens] {len(CASES)} set-ups, max relative error {worst:.3g}')
    assert worst <= TOL
