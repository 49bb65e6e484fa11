"""Whole legacy training runs on compat equal MMCV 1.7.2's (goldens recorded from the real
MMCV through MMDet 2.x's train flow by scripts/oracle/record_legacy_run_goldens.py).

Per scenario: every hook stage with the runner attributes a legacy hook reads (lr and momentum
to 1e-12, losses and log values to 1e-6), the hook order, the final weights (1e-6; on CPU they
are equal bit for bit), the files in the work dir, each checkpoint's meta, optimizer state and
weights, the JSON log records and the TensorBoard scalars. Resumed and load_from runs too.

One deliberate difference: MMCV 1.7.2's ``IterBasedRunner.resume`` asks for a CUDA device with
its default ``map_location`` and fails on a CPU-only machine (recorded as an error golden);
compat resumes on the CPU, equal to MMCV's run resumed with ``map_location='cpu'``.
"""
import json
import os

import pytest

from legacy_run_support import (GOLDENS, copy_run, differences, replace_paths, run_fixture,
                                tensorboard_scalars)

NAMES = sorted(f[:-5] for f in os.listdir(GOLDENS) if f.endswith('.json')) \
    if os.path.isdir(GOLDENS) else []
FULL = [n for n in NAMES if '__' not in n]
DERIVED = [n for n in NAMES if '__' in n and not n.endswith('__torchrun_2proc')]
KEYS = ('hooks', 'calls', 'weights', 'files', 'checkpoints', 'log_json')
#: what the custom hooks kept of what they saw (runs with fixtures/legacy_runs/run_hooks/)
OPTIONAL_KEYS = ('hook_state', )


def _golden(name):
    with open(os.path.join(GOLDENS, f'{name}.json')) as f:
        return json.load(f)


def _assert_same(ours, golden, tensorboard):
    problems = []
    for key in KEYS + tuple(k for k in OPTIONAL_KEYS if k in golden['result']):
        problems += differences(ours, golden['result'], key)
    golden_tb = {d: sorted(rows) for d, rows in golden['tensorboard'].items()}
    if golden_tb != tensorboard:
        problems.append(f'tensorboard: {str(tensorboard)[:300]} != {str(golden_tb)[:300]}')
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
    ours, work_dir = full_runs(stem)
    _assert_same(ours, _golden(stem), tensorboard_scalars(work_dir))


@pytest.mark.parametrize('name', DERIVED)
def test_resumed_or_loaded_run_equals_mmcv(name, full_runs, tmp_path):
    golden = _golden(name)
    scenario = golden['scenario']
    stem = name.split('__')[0]
    _, full_dir = full_runs(stem)
    if 'error' in golden:
        # MMCV failed here (see the module docstring): compat runs, as MMCV does on the CPU
        # with map_location='cpu'
        assert golden['error']['mmcv_frame'].endswith('iter_based_runner.py:resume')
        golden = _golden(f'{name}__map_location_cpu')
    if scenario['resume_from']:
        work_dir = copy_run(full_dir, str(tmp_path / 'again'))
        ours = run_fixture(stem, work_dir, resume_from=scenario['resume_from'].replace(
            '<work_dir>', work_dir))
    else:
        work_dir = str(tmp_path / 'fresh')
        ours = run_fixture(stem, work_dir, load_from=scenario['load_from'].replace(
            '<full_run>', full_dir))
    ours = replace_paths(ours, [(os.path.abspath(full_dir), '<full_run>')])
    _assert_same(ours, golden, tensorboard_scalars(work_dir))
    if scenario['resume_from']:
        # resuming continues exactly: weights and every lr/momentum bit for bit
        assert ours['weights'] == golden['result']['weights']
        schedule = [(c[0], c[9], c[10]) for c in ours['calls']]
        assert schedule == [(c[0], c[9], c[10]) for c in golden['result']['calls']]
