"""compat.checkpoint.checkpoint_loader and the safety rules of compat.checkpoint.checkpoint:
local files only, weights_only unless unsafe=True, atomic local writes, clear errors."""
from __future__ import annotations

import contextlib
import io
import os
import sys

import pytest
import torch

from compat.checkpoint import checkpoint as legacy_checkpoint
from compat.checkpoint.checkpoint import (_load_checkpoint_with_prefix, load_checkpoint,
                                      load_state_dict, save_checkpoint)
from compat.checkpoint.checkpoint_loader import CheckpointLoader
from engine.errors import CheckpointError

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
import legacy_checkpoint_model as toy  # noqa: E402

REMOTE = ['http://host/a.pth', 'https://host/a.pth', 'torchvision://resnet50',
          'modelzoo://resnet50', 'open-mmlab://resnet50_caffe', 'openmmlab://resnet50_caffe',
          'mmcls://resnet50', 'pavi://folder/a.pth', 's3://bucket/a.pth',
          'open-mmlab:s3://bucket/a.pth']


def _quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = fn(*args, **kwargs)
    return result, out.getvalue()


@pytest.mark.parametrize('name', REMOTE)
def test_remote_schemes_refuse_naming_the_scheme(name):
    with pytest.raises(CheckpointError) as err:
        _quiet(CheckpointLoader.load_checkpoint, name)
    scheme = name.split('://')[0].split(':')[-1] + '://'
    assert scheme in str(err.value) and 'local files only' in str(err.value)
    assert err.value.file == name


def test_file_url_and_user_path_load_locally(tmp_path, monkeypatch):
    torch.save({'state_dict': {'w': torch.ones(2)}}, tmp_path / 'a.pth')
    ckpt, said = _quiet(CheckpointLoader.load_checkpoint, f'file://{tmp_path}/a.pth')
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(2))
    assert said == f'load checkpoint from file_url path: file://{tmp_path}/a.pth\n'
    monkeypatch.setenv('HOME', str(tmp_path))
    ckpt, said = _quiet(CheckpointLoader.load_checkpoint, '~/a.pth')
    assert said == 'load checkpoint from local path: ~/a.pth\n'
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(2))


def test_missing_file_names_it_and_the_fix(tmp_path):
    with pytest.raises(CheckpointError, match='not found') as err:
        _quiet(load_checkpoint, toy.make_model(), str(tmp_path / 'none.pth'))
    assert err.value.file.endswith('none.pth') and err.value.fix


class Pickled:  # an arbitrary object: weights_only loading must refuse it
    pass


def test_weights_only_by_default_unsafe_opt_out(tmp_path):
    path = str(tmp_path / 'obj.pth')
    torch.save({'state_dict': toy.make_model().state_dict(), 'meta': {'x': Pickled()}}, path)
    with pytest.raises(CheckpointError, match='weights_only'):
        _quiet(load_checkpoint, toy.make_model(), path)
    ckpt, _ = _quiet(load_checkpoint, toy.make_model(), path, unsafe=True)
    assert isinstance(ckpt['meta']['x'], Pickled)


def test_registered_scheme_gets_mmcvs_two_arguments():
    calls = []

    @CheckpointLoader.register_scheme(prefixes='mine://')
    def load_from_mine(filename, map_location=None):
        calls.append((filename, map_location))
        return {'state_dict': {}}

    try:
        _, said = _quiet(CheckpointLoader.load_checkpoint, 'mine://x', 'cpu')
        assert calls == [('mine://x', 'cpu')] and said.startswith('load checkpoint from mine ')
        with pytest.raises(KeyError, match='already registered'):
            CheckpointLoader.register_scheme('mine://', load_from_mine)
        CheckpointLoader.register_scheme('mine://', load_from_mine, force=True)
    finally:
        CheckpointLoader._schemes.pop('mine://')


def test_logger_silent_and_named(caplog):
    with caplog.at_level('INFO', logger='some.logger'):
        with pytest.raises(CheckpointError):
            CheckpointLoader.load_checkpoint('http://x', logger='some.logger')
    assert caplog.messages == ['load checkpoint from http path: http://x']
    caplog.clear()
    out = io.StringIO()
    with caplog.at_level('DEBUG'), contextlib.redirect_stdout(out), \
            pytest.raises(CheckpointError):
        CheckpointLoader.load_checkpoint('http://x', logger='silent')
    assert out.getvalue() == '' and caplog.messages == []


@pytest.mark.parametrize('target,args', [('s3://bucket/a.pth', None),
                                         ('a.pth', {'backend': 'petrel'})])
def test_save_refuses_remote_destinations(tmp_path, target, args):
    with pytest.raises(CheckpointError, match='local files only'):
        save_checkpoint(toy.make_model(), target if '://' in target else str(tmp_path / target),
                        file_client_args=args)
    assert os.listdir(tmp_path) == []


def test_save_updates_meta_in_place_and_checks_its_type(tmp_path):
    meta = {'epoch': 1}
    save_checkpoint(toy.make_model(classes=None), f'file://{tmp_path}/a.pth', meta=meta)
    assert set(meta) == {'epoch', 'mmcv_version', 'time'}   # no CLASSES when None
    assert meta['mmcv_version'] == '1.7.2'
    with pytest.raises(TypeError, match='meta must be a dict'):
        save_checkpoint(toy.make_model(), str(tmp_path / 'b.pth'), meta=[1])


def test_save_crash_keeps_the_previous_file(tmp_path, monkeypatch):
    path = str(tmp_path / 'a.pth')
    save_checkpoint(toy.make_model(seed=1), path)
    before = open(path, 'rb').read()

    def torn_write(checkpoint, f):
        f.write(b'PK\x03\x04half')
        raise KeyboardInterrupt

    monkeypatch.setattr('engine.checkpoint.checkpoint_io._write_payload', torn_write)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(toy.make_model(seed=2), path)
    assert open(path, 'rb').read() == before and os.listdir(tmp_path) == ['a.pth']


def test_nested_wrapper_is_seen_through_on_save_and_load(tmp_path):
    outer = torch.nn.Module()
    outer.inner = torch.nn.DataParallel(toy.make_model(seed=3))
    path = str(tmp_path / 'a.pth')
    save_checkpoint(outer, path)
    keys = list(torch.load(path, weights_only=True)['state_dict'])
    assert keys[0] == 'inner.backbone.0.weight'
    target = torch.nn.Module()
    target.inner = torch.nn.DataParallel(toy.make_model(seed=4))
    _, said = _quiet(load_checkpoint, target, path, strict=True)
    assert said.count('\n') == 1   # only the "load checkpoint from" line: every key matched
    assert torch.equal(target.inner.module.head.weight, outer.inner.module.head.weight)


def test_other_ranks_stay_quiet_even_when_strict(monkeypatch):
    model = toy.make_model()
    monkeypatch.setattr(legacy_checkpoint, 'get_dist_info', lambda: (1, 2))
    _, said = _quiet(load_state_dict, model, {'unknown': torch.ones(1)}, strict=True)
    assert said == ''


def test_load_with_prefix(tmp_path):
    model = toy.make_model(seed=5)
    path = str(tmp_path / 'a.pth')
    save_checkpoint(model, path)
    weights = _quiet(_load_checkpoint_with_prefix, 'backbone', path)[0]
    assert list(weights) == [k[len('backbone.'):] for k in model.state_dict()
                             if k.startswith('backbone.')]
    with pytest.raises(CheckpointError, match='neck. is not in the pretrained model'):
        _quiet(_load_checkpoint_with_prefix, 'neck', path)



def test_a_missing_num_batches_tracked_never_counts_as_missing():
    # torch's BatchNorm fills its own counter in, so use a module that does not (as custom
    # norm layers ported from older code do); MMCV filters any key naming the counter
    counter = torch.nn.Module()
    counter.weight = torch.nn.Parameter(torch.zeros(2))
    counter.register_buffer('num_batches_tracked', torch.tensor(0))
    _, said = _quiet(load_state_dict, counter, {'weight': torch.ones(2)}, strict=True)
    assert said == '' and torch.equal(counter.weight.detach(), torch.ones(2))


def test_the_checkpoint_api_is_exported_under_mmcv_runner_names():
    import compat.runner as runner
    from compat.checkpoint import checkpoint, checkpoint_loader
    for name in ('save_checkpoint', 'load_checkpoint', 'load_state_dict', 'get_state_dict',
                 'weights_to_cpu'):
        assert getattr(runner, name) is getattr(checkpoint, name)
    assert runner.CheckpointLoader is checkpoint_loader.CheckpointLoader


def test_compat_wrappers_are_seen_through_by_the_checkpoint_functions():
    import torch.nn as nn

    from compat.parallel import MMDataParallel
    from compat.runner import get_state_dict
    model = nn.Linear(2, 2)
    assert list(get_state_dict(MMDataParallel(model))) == list(model.state_dict())
