"""engine -> legacy -> engine keeps every field (tensors bit for bit), legacy -> engine -> legacy
gives MMCV's file back, and an engine checkpoint taken to the legacy runtime resumes there to the
uninterrupted legacy run's weights and lr."""
from __future__ import annotations

import math

import pytest
import torch

import resume_scenario as scenario
from engine.checkpoint.checkpoint_io import load_checkpoint_file
from migrate.checkpoint import convert_file
from migrate.checkpoint.formats import ENGINE_SIDE_KEY, LEGACY_SIDE_KEY

pytestmark = pytest.mark.slow


def assert_identical(a, b, path='ckpt'):
    """Same structure, same values, tensors equal bit for bit with the same dtype."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor), path
        assert a.dtype == b.dtype and a.shape == b.shape, path
        assert torch.equal(a, b), path
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), \
            (path, sorted(map(str, a)), sorted(map(str, b)))
        for key in a:
            assert_identical(a[key], b[key], f'{path}.{key}')
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_identical(x, y, f'{path}[{i}]')
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), path
    else:
        assert a == b and type(a) is type(b), (path, a, b)


def _count_tensors(obj) -> int:
    if isinstance(obj, torch.Tensor):
        return 1
    if isinstance(obj, dict):
        return sum(_count_tensors(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(_count_tensors(v) for v in obj)
    return 0


def test_engine_to_legacy_to_engine_keeps_every_field(engine_run, legacy_run, tmp_path):
    src = f'{engine_run["work_dir"]}/epoch_2.pth'
    legacy, back = str(tmp_path / 'legacy.pth'), str(tmp_path / 'back.pth')
    convert_file(src, legacy, to='legacy', config=legacy_run['converted'])
    convert_file(legacy, back, to='engine', config=legacy_run['converted'])
    original, restored = load_checkpoint_file(src), load_checkpoint_file(back)
    # weights, momentum buffers, the RNG states of torch: a dozen tensors and more
    assert _count_tensors(original) >= 10
    assert_identical(original, restored)


def test_legacy_file_from_the_engine_has_mmcvs_layout(engine_run, legacy_run, tmp_path):
    src = f'{engine_run["work_dir"]}/epoch_2.pth'
    out = str(tmp_path / 'legacy.pth')
    convert_file(src, out, to='legacy', config=legacy_run['converted'])
    legacy = load_checkpoint_file(out)
    assert list(legacy) == ['meta', 'state_dict', 'optimizer', ENGINE_SIDE_KEY]
    meta = legacy['meta']
    assert (meta['epoch'], meta['iter']) == (2, 16)
    assert meta['mmcv_version'] == '1.7.2' and meta['seed'] == 0
    assert meta['CLASSES'] == ('class_0', 'class_1', 'class_2', 'class_3')
    assert meta['hook_msgs']['last_ckpt'].endswith('epoch_2.pth')
    assert set(legacy['optimizer']) == {'state', 'param_groups'}
    assert legacy['optimizer']['param_groups'][0]['initial_lr'] == 0.02


def test_engine_checkpoint_resumes_on_the_legacy_runtime(engine_run, legacy_run, tmp_path):
    """The other direction: 2 epochs on the engine, 2 more on compat with the legacy config,
    end with the uninterrupted legacy run's weights; MMCV recomputes each lr from its base
    lr and counters, so the lrs are the legacy run's bit for bit."""
    src = f'{engine_run["work_dir"]}/epoch_2.pth'
    legacy = str(tmp_path / 'epoch_2.legacy.pth')
    convert_file(src, legacy, to='legacy', config=legacy_run['converted'])
    weights, lrs = scenario.run_legacy(str(tmp_path / 'resumed'), resume_from=legacy)
    scenario.assert_same_weights(weights, legacy_run['weights'])
    assert lrs == legacy_run['lrs'][2 * scenario.EPOCH_LEN:]


def test_legacy_to_engine_to_legacy_gives_mmcvs_file_back(legacy_run, tmp_path):
    src = legacy_run['ckpt'](2)
    engine, back = str(tmp_path / 'engine.pth'), str(tmp_path / 'back.pth')
    convert_file(src, engine, config=legacy_run['converted'])
    convert_file(engine, back, to='legacy', config=legacy_run['converted'])
    original, restored = load_checkpoint_file(src), load_checkpoint_file(back)
    assert set(restored) == set(original) | {ENGINE_SIDE_KEY}
    for key in original:
        assert_identical(original[key], restored[key], key)
    assert LEGACY_SIDE_KEY in restored[ENGINE_SIDE_KEY]


def test_a_stale_side_key_is_not_restored(engine_run, legacy_run, tmp_path):
    """A legacy file whose counters moved on (MMCV trained and saved again) is converted from
    its own fields, not from the engine state it once carried."""
    src = f'{engine_run["work_dir"]}/epoch_2.pth'
    legacy = str(tmp_path / 'legacy.pth')
    convert_file(src, legacy, to='legacy', config=legacy_run['converted'])
    ckpt = load_checkpoint_file(legacy)
    ckpt['meta']['epoch'], ckpt['meta']['iter'] = 3, 24
    moved = str(tmp_path / 'moved.pth')
    torch.save(ckpt, moved)
    out = str(tmp_path / 'out.pth')
    convert_file(moved, out, config=legacy_run['converted'])
    converted = load_checkpoint_file(out)
    assert 'rng_state' not in converted and 'train_loop' not in converted
    assert converted['param_schedulers'][1]['last_step'] == 3
    assert (converted['meta']['epoch'], converted['meta']['iter']) == (3, 24)
