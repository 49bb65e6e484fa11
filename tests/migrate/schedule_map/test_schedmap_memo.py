"""The converter's one memo object: least recently used entries go first, a bound holds,
one call clears every schedule memo, and a conversion fills and reuses them."""
from __future__ import annotations

import doctest

import migrate.schedule_map.memo as memo
from compat.schedules import parse_lr_config
from migrate.schedule_map import map_schedules
from migrate.schedule_map.memo import MAPPINGS, MEASUREMENTS, Memo, clear_schedule_memos


def test_docstring_examples():
    assert doctest.testmod(memo).failed == 0


def test_least_recently_used_goes_first_and_the_bound_holds():
    m = Memo(maxsize=3)
    for key in 'abc':
        m.get_or_compute(key, lambda: key)
    m.get_or_compute('a', lambda: 'recomputed')      # 'a' is now the most recent
    m.get_or_compute('d', lambda: 'd')
    assert 'b' not in m and 'a' in m and len(m) == 3
    assert m.get_or_compute('a', lambda: 'recomputed') == 'a'


def test_compute_runs_once_per_key():
    calls = []
    m = Memo()
    for _ in range(3):
        m.get_or_compute(('k', 1), lambda: calls.append(1) or 'v')
    assert calls == [1]


def test_measurements_are_remembered_and_cleared_in_one_call():
    clear_schedule_memos()
    # a by-epoch warmup without the epoch length: approximated, so measured
    policy = parse_lr_config(dict(policy='CosineAnnealing', by_epoch=False, min_lr=0.0,
                                  warmup='linear', warmup_iters=2, warmup_by_epoch=True,
                                  warmup_ratio=1e-4))
    args = dict(runner_type='EpochBasedRunner', max_epochs=4, max_iters=None)
    first = map_schedules(policy, None, **args)
    assert first.approximations and len(MEASUREMENTS) == 1
    assert map_schedules(policy, None, **args).approximations == first.approximations
    assert len(MEASUREMENTS) == 1
    MAPPINGS.get_or_compute('x', lambda: 1)
    clear_schedule_memos()
    assert len(MEASUREMENTS) == 0 and len(MAPPINGS) == 0
