"""``migrate checkpoint`` on wrong input: each error names the file, the key and the fix, and the
input is never touched; legacy files load through the allow-list, nothing else unpickles unless
``--unsafe-load``."""
from __future__ import annotations

import collections
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from engine.checkpoint.checkpoint_io import load_checkpoint_file
from engine.errors import CheckpointError, ConfigError
from migrate.checkpoint import convert_file
from migrate.checkpoint.formats import detect_format
from migrate.cli import main

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
LEGACY_FILE = os.path.join(ROOT, 'fixtures', 'goldens', 'mmengine_legacy_resume',
                           'epoch_1_mmcv.pth')
TWO_OPTIMIZERS = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_checkpoint',
                              'mmcv_two_optimizers.pth')
PLAIN_STATE_DICT = os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_checkpoint',
                                'plain_state_dict.pth')
CONFIG = os.path.join(ROOT, 'fixtures', 'configs', 'engine', 'toy_sgd_warmup_multistep.py')
LEGACY_CFG = os.path.join(ROOT, 'fixtures', 'checkpoint_resume', 'legacy_toy_sgd_step.py')


class Opaque:
    """A class a checkpoint must not be allowed to instantiate."""


def _digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def _legacy(**meta_extra):
    ckpt = load_checkpoint_file(LEGACY_FILE)
    ckpt['meta'].update(meta_extra)
    return ckpt


def _config(tmp_path, text):
    path = tmp_path / 'cfg.py'
    path.write_text(f"_base_ = ['{CONFIG}']\n" + text)
    return str(path)


def test_a_file_that_is_neither_format_is_named_with_its_keys(tmp_path):
    src = tmp_path / 'weights.pth'
    torch.save({'model': {'w': torch.ones(1)}}, src)
    with pytest.raises(CheckpointError, match=r"neither an MMCV 1.x nor an engine.*'model'") \
            as info:
        convert_file(str(src), str(tmp_path / 'out.pth'))
    assert str(src) in str(info.value) and "key 'meta'" in str(info.value)
    with pytest.raises(CheckpointError, match='no "meta" dict'):
        convert_file(PLAIN_STATE_DICT, str(tmp_path / 'out.pth'))
    with pytest.raises(CheckpointError, match='meta has no epoch/iter'):
        detect_format({'meta': {'note': 1}}, 'x.pth')


def test_a_truncated_file_is_reported_as_torn(tmp_path):
    with open(LEGACY_FILE, 'rb') as f:
        data = f.read()
    src = tmp_path / 'torn.pth'
    src.write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointError, match='truncated or corrupt') as info:
        convert_file(str(src), str(tmp_path / 'out.pth'))
    assert str(src) in str(info.value)
    assert not (tmp_path / 'out.pth').exists()


def test_the_input_is_never_overwritten(tmp_path):
    src = tmp_path / 'epoch_1.pth'
    src.write_bytes(open(LEGACY_FILE, 'rb').read())
    before = _digest(src)
    with pytest.raises(CheckpointError, match='never overwrites'):
        convert_file(str(src), str(src))
    link = tmp_path / 'link.pth'
    os.symlink(src, link)
    with pytest.raises(CheckpointError, match='never overwrites'):
        convert_file(str(src), str(link))
    assert _digest(src) == before
    convert_file(str(src), str(tmp_path / 'new.pth'), config=CONFIG)
    assert _digest(src) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith('.partial')] == []


def test_a_missing_output_folder_is_named(tmp_path):
    with pytest.raises(CheckpointError, match='output folder does not exist'):
        convert_file(LEGACY_FILE, str(tmp_path / 'nope' / 'new.pth'))


def test_a_config_whose_optimizer_does_not_fit_the_state(tmp_path):
    adamw = _config(tmp_path, "optim_wrapper = dict(_delete_=True, type='OptimWrapper', "
                              "optimizer=dict(type='AdamW', lr=0.001, betas=(0.9, 0.999)))\n")
    with pytest.raises(CheckpointError, match=r"AdamW has \['betas'\]") as info:
        convert_file(LEGACY_FILE, str(tmp_path / 'out.pth'), config=adamw)
    assert "key 'optim_wrapper.optimizer.betas'" in str(info.value)
    assert adamw in str(info.value)


def test_several_optimizers_against_a_config_with_one(tmp_path):
    ckpt = _legacy()
    ckpt['optimizer'] = {'all': ckpt['optimizer'], 'head': ckpt['optimizer']}
    src = tmp_path / 'two.pth'
    torch.save(ckpt, src)
    with pytest.raises(CheckpointError, match=r"optimizers \['all', 'head'\], the config "
                                              'builds one optimizer') as info:
        convert_file(str(src), str(tmp_path / 'out.pth'), config=CONFIG)
    assert "key 'optim_wrapper'" in str(info.value)


def test_a_legacy_file_without_counters_cannot_be_resumed(tmp_path):
    """MMCV's save_checkpoint called outside a runner writes no epoch/iter."""
    with pytest.raises(CheckpointError, match='meta.epoch/meta.iter are missing') as info:
        convert_file(TWO_OPTIMIZERS, str(tmp_path / 'out.pth'), config=CONFIG)
    assert TWO_OPTIMIZERS in str(info.value)


def test_a_legacy_config_is_refused_as_config():
    with pytest.raises(ConfigError, match='MMCV 1.x config') as info:
        convert_file(LEGACY_FILE, '/tmp/never-written.pth', config=LEGACY_CFG)
    assert 'migrate convert' in info.value.fix
    assert not os.path.exists('/tmp/never-written.pth')


def test_the_epoch_length_is_asked_for_when_meta_cannot_tell_it(tmp_path):
    src = tmp_path / 'mid.pth'
    torch.save(_legacy(epoch=2, iter=13), src)
    with pytest.raises(CheckpointError, match='iterations per epoch') as info:
        convert_file(str(src), str(tmp_path / 'out.pth'), config=CONFIG)
    assert '--epoch-len' in info.value.fix
    result = convert_file(str(src), str(tmp_path / 'out.pth'), config=CONFIG, epoch_len=8)
    assert any('mid-epoch' in n for n in result.notes)


def test_already_in_the_target_format(tmp_path):
    engine = str(tmp_path / 'engine.pth')
    convert_file(LEGACY_FILE, engine, config=CONFIG)
    with pytest.raises(CheckpointError, match='already in the engine format'):
        convert_file(engine, str(tmp_path / 'again.pth'))
    with pytest.raises(CheckpointError, match='already in the legacy format'):
        convert_file(LEGACY_FILE, str(tmp_path / 'again.pth'), to='legacy')


def test_legacy_pickles_load_through_the_allow_list(tmp_path):
    """numpy scores and seeds, a PALETTE array, the config text, an OrderedDict of CLASSES."""
    src = tmp_path / 'numpy_meta.pth'
    torch.save(_legacy(seed=np.int64(7), PALETTE=np.array([[1, 2, 3]], dtype=np.uint8),
                       hook_msgs={'best_score': np.float64(0.75), 'best_ckpt': 'best.pth'},
                       CLASSES=('a', 'b'), extra=collections.OrderedDict(x=np.float32(1.5))),
               src)
    out = tmp_path / 'out.pth'
    convert_file(str(src), str(out), config=CONFIG)
    converted = load_checkpoint_file(str(out))
    info = converted['message_hub']['runtime_info']
    assert info['best_score'] == 0.75 and info['best_ckpt'] == 'best.pth'
    assert converted['meta']['seed'] == 7
    assert converted['meta']['dataset_meta'] == {'classes': ('a', 'b')}


@pytest.mark.parametrize('payload', [Opaque(), np.array(['x'], dtype=object)],
                         ids=['class', 'object-array'])
def test_other_objects_are_refused_unless_unsafe_load(tmp_path, payload):
    src = tmp_path / 'opaque.pth'
    torch.save(_legacy(extra=payload), src)
    with pytest.raises(CheckpointError, match='weights_only=True loading refuses') as info:
        convert_file(str(src), str(tmp_path / 'out.pth'), config=CONFIG)
    assert '--unsafe-load' in info.value.fix and 'migrate checkpoint' in info.value.fix
    assert ('Opaque' in str(info.value)) or ('objects are not allowed' in str(info.value))
    assert not (tmp_path / 'out.pth').exists()


def test_unsafe_load_reads_it(tmp_path):
    src = tmp_path / 'opaque.pth'
    torch.save(_legacy(extra=collections.defaultdict(list)), src)
    with pytest.raises(CheckpointError):
        convert_file(str(src), str(tmp_path / 'out.pth'), config=CONFIG)
    result = convert_file(str(src), str(tmp_path / 'out.pth'), config=CONFIG, unsafe=True)
    # the converted file loads weights_only: the object is dropped, by name
    converted = load_checkpoint_file(str(tmp_path / 'out.pth'))
    assert converted['meta']['epoch'] == 1
    assert 'extra' not in converted['legacy_meta']['meta']
    assert any("meta keys ['extra']" in note for note in result.notes)


def test_cli_errors_exit_2_naming_file_and_fix(tmp_path):
    src = tmp_path / 'epoch_1.pth'   # a copy: a broken check must not clobber the golden
    src.write_bytes(open(LEGACY_FILE, 'rb').read())
    result = CliRunner().invoke(main, ['checkpoint', str(src), str(src)])
    assert result.exit_code == 2
    assert 'never overwrites' in result.output and str(src) in result.output
    result = CliRunner().invoke(main, ['checkpoint', LEGACY_FILE, str(tmp_path / 'o.pth'),
                                       '--config', LEGACY_CFG])
    assert result.exit_code == 2 and 'migrate convert' in result.output


def test_cli_converts_both_ways_with_notes_on_stderr(tmp_path):
    engine, legacy = str(tmp_path / 'engine.pth'), str(tmp_path / 'legacy.pth')
    result = CliRunner().invoke(main, ['checkpoint', LEGACY_FILE, engine])
    assert result.exit_code == 0, result.output
    assert 'no --config' in result.output and '(legacy) -> ' in result.output
    result = CliRunner().invoke(main, ['checkpoint', engine, legacy, '--to', 'legacy', '-q'])
    assert result.exit_code == 0 and result.output == ''
    assert detect_format(load_checkpoint_file(legacy), legacy) == 'legacy'


def test_migrate_help_does_not_import_torch():
    code = 'import sys, migrate.cli; print("torch" in sys.modules)'
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.stdout.strip() == 'False', done.stderr
