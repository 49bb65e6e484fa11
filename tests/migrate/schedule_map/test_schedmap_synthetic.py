"""Set-ups beyond legacy_schedules.json (long exp warmups, clipping at the first step, absolute
minima, fractional 1cycle phases, cycles with a remainder, warmups laid over restarts and
1cycle, and the coverage grid's set-ups), checked against their values recorded from the real
MMCV 1.7.2: engine exact, mmengine exact unless it reports the measured deviation."""
from __future__ import annotations

import pytest

from migrate.schedule_map import max_rel_dev
from schedmap_cases import CASES, GOLDENS, KNOWN_MISMATCHES, RAW_CASES
from schedmap_support import TOL, Setup, check_mapping


def _marks(name):
    if name in KNOWN_MISMATCHES:
        return [pytest.mark.xfail(strict=True, reason=KNOWN_MISMATCHES[name])]
    return []


PARAMS = [pytest.param(name, target, given, marks=_marks(name),
                       id=f'{name}-{target}-{"len" if given else "nolen"}')
          for name, c in CASES.items() for target in ('engine', 'mmengine')
          for given in ((True, False) if Setup(c['config'], 1).epoch_based else (True,))]


def test_every_case_is_recorded_as_written():
    # A case edited or added without re-running the recorder would be checked against
    # values MMCV never produced for it.
    assert set(GOLDENS) == set(RAW_CASES)
    for name, case in RAW_CASES.items():
        golden = GOLDENS[name]
        assert (golden['config'], golden['epoch_len'], golden['num_groups']) == \
            (case['config'], case['epoch_len'], case['num_groups']), name


@pytest.mark.parametrize('name', list(CASES))
def test_compat_equals_mmcv(name):
    c, golden = CASES[name], GOLDENS[name]
    legacy = Setup(c['config'], c['epoch_len'], c['num_groups']).legacy()
    assert max_rel_dev(golden['lr'], legacy.lr) <= TOL
    if golden['momentum'] is not None:
        assert max_rel_dev(golden['momentum'], legacy.momentum) <= TOL


@pytest.mark.parametrize('name,target,given', PARAMS)
def test_synthetic_setup(name, target, given):
    c, golden = CASES[name], GOLDENS[name]
    setup = Setup(c['config'], c['epoch_len'], c['num_groups'])
    epoch_len = c['epoch_len'] if given else None
    mapping = setup.map(target, epoch_len)
    check_mapping(setup, mapping, target, golden['lr'], golden['momentum'], epoch_len)


def kinds(name, target='mmengine', given=True):
    c = CASES[name]
    setup = Setup(c['config'], c['epoch_len'], c['num_groups'])
    mapping = setup.map(target, c['epoch_len'] if given else None)
    return ({a.kind for a in mapping.approximations}, {n.kind for n in mapping.notes}, mapping)


@pytest.mark.parametrize('name,approx,notes', [
    ('long_exp_warmup_step_iter', set(), {'exp-warmup-form'}),
    ('step_min_lr_above_base', set(), {'base-value-dependent'}),
    ('restart_absolute_min_weights', set(), {'cosine-restart-peak'}),
    ('linear_annealing_absolute_by_iter_epoch_runner', set(), {'base-value-dependent'}),
    ('one_cycle_momentum_fractional_phases', {'onecycle-momentum-phases'},
     {'base-value-dependent'}),
    ('one_cycle_momentum_three_phase_whole', set(), {'base-value-dependent'}),
    ('cyclic_three_cycles_remainder_cos_gamma', set(), {'cyclic-segments'}),
    ('adam_cosine_momentum_with_momentum_warmup', {'momentum-warmup'}, set()),
    ('one_cycle_lr_with_warmup', {'warmup-on-onecycle'}, set()),
    ('restart_zero_min_warmup_spans_restart', {'warmup-on-restart'}, set()),
    ('flat_cosine_warmup_done_before_start', set(), set()),
    ('cosine_restart_ratio_with_warmup', {'warmup-on-affine'}, {'cosine-restart-peak'}),
    ('inv_by_iter_epoch_runner', {'inv-policy'}, set()),
    ('iter_runner_explicit_by_epoch_lr_is_noop', set(), {'no-op-in-mmcv'}),
])
def test_what_is_reported(name, approx, notes):
    got_approx, got_notes, _ = kinds(name)
    assert got_approx == approx
    assert notes <= got_notes


def test_unknown_epoch_length_reports_with_the_assumed_length():
    approx, _, mapping = kinds('cyclic_linear_epoch_runner', given=False)
    assert approx == {'cyclic-needs-epoch-len'}
    (a,) = mapping.approximations
    assert a.measured_with_epoch_len == 100 and 'assumed epoch length of 100' in a.message
    assert kinds('cyclic_linear_epoch_runner')[0] == set()     # exact once it is known
    approx, notes, _ = kinds('poly_by_iter_epoch_runner_warmup', given=False)
    assert approx == set() and 'begin-minus-one' in notes


def test_noop_hook_writes_nothing():
    _, _, mapping = kinds('iter_runner_explicit_by_epoch_lr_is_noop')
    assert mapping.schedulers == []
    assert mapping.notes[0].rule == 'MIG100'
