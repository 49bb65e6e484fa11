"""Whole legacy training runs on compat equal MMCV 1.7.2's (goldens recorded from the real
MMCV by scripts/oracle/record_legacy_run_goldens.py through MMDet 2.x's train flow).

Per fixture config: every hook stage with the runner attributes a legacy hook reads (lr and
momentum to 1e-12, losses and log values to 1e-6), the hook order, the final weights (1e-6),
the files in the work dir, each checkpoint's meta, optimizer state and weights, and the JSON
log records. Resumed and load_from runs are compared the same way.
"""
import json
import os

import pytest

from legacy_run_support import GOLDENS, copy_run, differences, run_fixture

GOLDEN_FILES = sorted(f for f in os.listdir(GOLDENS) if f.endswith('.json')) \
    if os.path.isdir(GOLDENS) else []
FULL = [f[:-5] for f in GOLDEN_FILES if '__' not in f]
DERIVED = [f[:-5] for f in GOLDEN_FILES if '__' in f and not f.startswith('dist__')]
KEYS = ('hooks', 'calls', 'weights', 'files', 'checkpoints', 'log_json')


def _golden(name):
    with open(os.path.join(GOLDENS, f'{name}.json')) as f:
        return json.load(f)


def _assert_same(ours, golden):
    problems = []
    for key in KEYS:
        problems += differences(ours, golden, key)
    assert not problems, '\n'.join(problems[:30])


@pytest.fixture(scope='module')
def full_runs(tmp_path_factory):
    cache = {}

    def get(stem):
        if stem not in cache:
            work_dir = str(tmp_path_factory.mktemp(stem) / 'full')
            cache[stem] = (run_fixture(stem, work_dir), work_dir)
        return cache[stem]
    return get


def test_at_least_ten_configs_are_covered():
    assert len(FULL) >= 10, FULL


@pytest.mark.parametrize('stem', FULL)
def test_full_run_equals_mmcv(stem, full_runs):
    ours, _ = full_runs(stem)
    _assert_same(ours, _golden(stem))


@pytest.mark.parametrize('name', DERIVED)
def test_resumed_or_loaded_run_equals_mmcv(name, full_runs, tmp_path):
    stem, how = name.split('__')
    _, full_dir = full_runs(stem)
    work_dir = copy_run(full_dir, str(tmp_path / 'again'))
    if how.startswith('resume_'):
        ours = run_fixture(stem, work_dir, resume_from=os.path.join(
            work_dir, how[len('resume_'):] + '.pth'))
    else:
        assert how.startswith('load_from_'), name
        ours = run_fixture(stem, str(tmp_path / 'fresh'), load_from=os.path.join(
            work_dir, how[len('load_from_'):] + '.pth'))
    _assert_same(ours, _golden(name))
