"""A legacy run interrupted at epoch k, its checkpoint converted, resumed on the engine with the
converted config, ends where the uninterrupted legacy run ends.

The model is the engine's ToyClassifier (on compat: its legacy-protocol twin with the same
weights and maths, tests/migrate/checkpoint/legacy_twin_toy.py), the data unshuffled, so the
two runtimes run the same iterations. Weights: bitwise. The lr: the converted schedule's own
values, which are those of an engine run from scratch bitwise; they differ from MMCV's in the
last bits (the engine's LinearLR warm-up is a chained product where MMCV evaluates a closed
form: 0.020000000000000004 for 0.02, 0.0020000000000000005 for 0.002), a property of the
schedule conversion (``migrate verify`` reports it), not of the checkpoint: hence 1e-12
relative against MMCV, bitwise against the engine. The float32 weights see the same lr (both
round to the same float32 step), so they match bit for bit.
"""
from __future__ import annotations

import math

import pytest
import torch

import resume_scenario as scenario
from engine.checkpoint.checkpoint_io import load_checkpoint_file
from migrate.checkpoint import convert_file

pytestmark = pytest.mark.slow
LR_RTOL = 1e-12


def _close_rows(a, b):
    return len(a) == len(b) and all(
        math.isclose(x, y, rel_tol=LR_RTOL, abs_tol=0.0) for ra, rb in zip(a, b)
        for x, y in zip(ra, rb))


@pytest.mark.parametrize('k', [1, 2, 3])
def test_resumed_on_the_engine_ends_with_the_uninterrupted_legacy_weights(
        legacy_run, engine_run, tmp_path, k):
    converted = str(tmp_path / f'epoch_{k}.engine.pth')
    convert_file(legacy_run['ckpt'](k), converted, config=legacy_run['converted'])
    weights, lrs, runner = scenario.run_engine(legacy_run['converted'],
                                               str(tmp_path / 'resumed'), resume=converted)
    start = k * scenario.EPOCH_LEN
    assert runner.epoch == scenario.MAX_EPOCHS
    assert len(lrs) == scenario.EPOCH_LEN * (scenario.MAX_EPOCHS - k)
    scenario.assert_same_weights(weights, legacy_run['weights'])
    scenario.assert_same_weights(weights, engine_run['weights'])
    assert lrs == engine_run['lrs'][start:]          # bitwise: the engine's own schedule
    assert _close_rows(lrs, legacy_run['lrs'][start:])


def test_the_uninterrupted_runs_agree(legacy_run, engine_run):
    """What the resume tests rest on: both runtimes train the same run."""
    scenario.assert_same_weights(engine_run['weights'], legacy_run['weights'])
    assert _close_rows(engine_run['lrs'], legacy_run['lrs'])
    assert len(legacy_run['lrs']) == scenario.EPOCH_LEN * scenario.MAX_EPOCHS


@pytest.mark.parametrize('k', [1, 2])
def test_converted_checkpoint_is_what_the_engine_wrote_at_that_epoch(legacy_run, engine_run,
                                                                     tmp_path, k):
    """Field by field, the conversion equals the engine's own epoch-k checkpoint wherever a
    legacy file holds the information (no RNG state, no loop position, no loss history)."""
    converted = str(tmp_path / 'converted.pth')
    convert_file(legacy_run['ckpt'](k), converted, config=legacy_run['converted'])
    ours = load_checkpoint_file(converted)
    engine = load_checkpoint_file(f'{engine_run["work_dir"]}/epoch_{k}.pth')
    for key in ('epoch', 'iter', 'seed', 'dataset_meta'):
        assert ours['meta'][key] == engine['meta'][key], key
    scenario.assert_same_weights(ours['state_dict'], engine['state_dict'])
    assert ours['optimizer']['param_groups'] == engine['optimizer']['param_groups']
    assert ours['optimizer']['state'].keys() == engine['optimizer']['state'].keys()
    for index, state in engine['optimizer']['state'].items():
        assert torch.equal(ours['optimizer']['state'][index]['momentum_buffer'],
                           state['momentum_buffer'])
    assert ours['param_schedulers'] == engine['param_schedulers']
    info, engine_info = (ours['message_hub']['runtime_info'],
                         engine['message_hub']['runtime_info'])
    for key in ('epoch', 'iter', 'max_epochs', 'max_iters', 'dataset_meta', 'loop_stage'):
        assert info[key] == engine_info[key], key
    assert set(engine) - set(ours) == {'rng_state', 'train_loop'}
