"""Every form the mapper calls exact is checked against MMCV goldens: the exact forms a broad
grid of legacy set-ups maps to (schedmap_grid) must all be produced by set-ups whose values
were recorded from the real MMCV 1.7.2 (legacy_schedules.json, schedmap_case_goldens.json),
which test_schedmap_goldens / test_schedmap_synthetic replay to 1e-12."""
from __future__ import annotations

import ast

from schedmap_cases import CASES, GOLDENS as CASE_GOLDENS, KNOWN_MISMATCHES
from schedmap_grid import LR_POLICIES, MOMENTUM_POLICIES, grid_setups, mapping_params, \
    setup_forms
from schedmap_support import Setup, load_goldens


def golden_checked_forms() -> set:
    out = set()
    for name, golden in load_goldens().items():
        setup = Setup(golden['config'], golden['epoch_len'], golden['num_groups'])
        params = mapping_params(setup)
        if name == 'cosine_restart_by_iter_epoch_runner':
            # test_schedmap_goldens cannot compare it without the epoch length (MMCV raises)
            params = [(t, n) for t, n in params if n is not None]
        out |= setup_forms(setup, params)
    for name, c in CASES.items():
        if name not in KNOWN_MISMATCHES:   # those equal MMCV nowhere: they prove nothing
            out |= setup_forms(Setup(c['config'], c['epoch_len'], c['num_groups']))
    return out


def grid_forms() -> dict:
    """form -> the name and config of the first grid set-up that gives it."""
    out = {}
    for name, cfg, epoch_len, num_groups in grid_setups():
        for form in setup_forms(Setup(cfg, epoch_len, num_groups)):
            out.setdefault(form, (name, cfg))
    return out


def test_grid_is_broad():
    setups = list(grid_setups())
    assert 300 <= len(setups) <= 600
    hooks = [(cfg.get('lr_config'), cfg.get('momentum_config')) for _, cfg, _, _ in setups]
    assert {lr['policy'] for lr, _ in hooks} == set(LR_POLICIES)
    assert {m['policy'] for _, m in hooks if m} == set(MOMENTUM_POLICIES)
    for kind in ('constant', 'linear', 'exp'):
        assert any(lr.get('warmup') == kind and lr.get('warmup_by_epoch') for lr, _ in hooks)
        assert any(m and m.get('warmup') == kind for _, m in hooks)
    forms = grid_forms()
    # both targets, both rules, and forms with notes: a grid that maps to little proves little
    assert len(forms) >= 250
    assert {(f[0], f[1]) for f in forms} == {(t, r) for t in ('engine', 'mmengine')
                                             for r in ('MIG100', 'MIG101')}
    assert any(f[3] for f in forms)


def test_cases_are_recorded():
    # the golden-checked set includes CASES only through their MMCV goldens
    assert set(CASES) == set(CASE_GOLDENS)
    for name, c in CASES.items():
        assert ast.literal_eval(CASE_GOLDENS[name]['config']) == c['config']


def test_every_exact_form_is_checked_against_mmcv():
    checked = golden_checked_forms()
    missing = {form: where for form, where in grid_forms().items() if form not in checked}
    lines = [f'{form}\n    e.g. grid set-up {name}: {cfg}'
             for form, (name, cfg) in sorted(missing.items(), key=repr)]
    assert not missing, (
        f'{len(missing)} exact form(s) of the grid are produced by no set-up recorded from '
        'MMCV; add one per form to fixtures/goldens/schedmap_cases.json and run '
        'scripts/oracle/record_schedmap_case_goldens.py:\n' + '\n'.join(lines))
