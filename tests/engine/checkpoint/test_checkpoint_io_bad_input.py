"""Bad checkpoint files give a CheckpointError naming the file and the fix, never a traceback
from deep inside torch or pickle; arbitrary objects are unpickled only with --unsafe-load."""
import argparse
import os
import pickle
import textwrap

import pytest
import torch
from click.testing import CliRunner

from engine.errors import CheckpointError, EngineError
from engine.runner import Runner
from engine.checkpoint.checkpoint_io import load_checkpoint_file, save_checkpoint_file
from migrate.cli import main

from runner_support import ENGINE_CONFIGS, load_engine_config


def weights():
    return {'net.0.weight': torch.ones(16, 8), 'net.0.bias': torch.zeros(16)}


def error_of(path, **kwargs):
    with pytest.raises(CheckpointError) as info:
        load_checkpoint_file(str(path), **kwargs)
    text = str(info.value)
    assert str(path) in text and 'fix:' in text, text
    return text


def test_missing_file(tmp_path):
    assert 'not found' in error_of(tmp_path / 'nope.pth')


def test_empty_file(tmp_path):
    path = tmp_path / 'empty.pth'
    path.write_bytes(b'')
    assert 'the file is empty' in error_of(path)


@pytest.mark.parametrize('keep', [0.5, 0.9, 0.02])
def test_truncated_file(tmp_path, keep):
    path = tmp_path / 'epoch_1.pth'
    save_checkpoint_file({'meta': {'epoch': 1}, 'state_dict': weights()}, str(path))
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    text = error_of(path)
    assert 'truncated or corrupt' in text and 'last_checkpoint' in text


def test_foreign_pickle_is_not_a_torch_file(tmp_path):
    path = tmp_path / 'model.pkl'
    with open(path, 'wb') as f:
        pickle.dump({'state_dict': argparse.Namespace(lr=0.1)}, f)
    text = error_of(path)
    assert 'not a PyTorch checkpoint' in text
    # unsafe loading does not turn a foreign pickle into a checkpoint either
    assert 'not a PyTorch checkpoint' in error_of(path, unsafe=True)


def test_random_bytes(tmp_path):
    path = tmp_path / 'noise.pth'
    path.write_bytes(os.urandom(4096))
    assert 'not a PyTorch checkpoint' in error_of(path)


def test_torch_file_that_is_not_a_dict(tmp_path):
    path = tmp_path / 'list.pth'
    torch.save([torch.ones(2)], path)
    assert 'must be a dict' in error_of(path)


def test_torch_dict_without_weights_is_refused_by_load_from(tmp_path):
    path = tmp_path / 'results.pth'
    torch.save({'accuracy': 0.9, 'notes': 'not a model'}, path)
    cfg = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path / 'wd')
    cfg['load_from'] = str(path)
    runner = Runner.from_cfg(cfg)
    with pytest.raises(CheckpointError) as info:
        runner.load_or_resume()
    assert 'no model weights' in str(info.value) and str(path) in str(info.value)


def test_weights_only_refusal_names_the_object_and_unsafe_load(tmp_path):
    path = tmp_path / 'legacy.pth'
    torch.save({'state_dict': weights(), 'meta': {'args': argparse.Namespace(lr=0.1)}}, path)
    text = error_of(path)
    assert 'argparse.Namespace' in text and '--unsafe-load' in text and 'load_unsafe' in text
    ckpt = load_checkpoint_file(str(path), unsafe=True)
    assert ckpt['meta']['args'].lr == 0.1


def test_legacy_torch_serialization_still_loads(tmp_path):
    path = tmp_path / 'old.pth'
    torch.save({'state_dict': weights()}, path, _use_new_zipfile_serialization=False)
    assert torch.equal(load_checkpoint_file(str(path))['state_dict']['net.0.weight'],
                       torch.ones(16, 8))


def test_resume_from_a_weights_only_checkpoint_says_use_load_from(tmp_path):
    path = tmp_path / 'weights.pth'
    torch.save({'state_dict': {}}, path)
    cfg = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path / 'wd')
    cfg['load_from'] = str(path)
    cfg['resume'] = True
    runner = Runner.from_cfg(cfg)
    with pytest.raises(CheckpointError, match='no meta.epoch/meta.iter') as info:
        runner.train()
    assert 'load_from without resume' in str(info.value)


def test_resume_from_a_best_checkpoint_without_optimizer_is_refused(tmp_path):
    path = tmp_path / 'best.pth'
    torch.save({'meta': {'epoch': 1, 'iter': 8}, 'state_dict': {}}, path)
    cfg = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path / 'wd')
    cfg['load_from'] = str(path)
    cfg['resume'] = True
    with pytest.raises(CheckpointError, match='no optimizer state'):
        Runner.from_cfg(cfg).train()


def test_newer_format_version_is_refused(tmp_path):
    path = tmp_path / 'future.pth'
    torch.save({'meta': {'epoch': 1, 'iter': 8, 'format_version': 99}, 'state_dict': {}}, path)
    cfg = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path / 'wd')
    cfg['load_from'] = str(path)
    cfg['resume'] = True
    with pytest.raises(CheckpointError, match='format version 99'):
        Runner.from_cfg(cfg).train()


def test_checkpoint_errors_are_engine_errors():
    assert issubclass(CheckpointError, EngineError)


CLI_CFG = '''
_base_ = ['{base}/_base_toy_data.py', '{base}/_base_toy_runtime.py']
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))
train_cfg = dict(by_epoch=True, max_epochs=1)
load_from = '{ckpt}'
'''


def cli_train(tmp_path, ckpt, *extra):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(textwrap.dedent(CLI_CFG.format(base=ENGINE_CONFIGS, ckpt=ckpt)))
    return CliRunner().invoke(main, ['train', str(cfg), '--work-dir', str(tmp_path / 'wd'),
                                     *extra])


def test_cli_reports_a_refused_checkpoint_and_unsafe_load_accepts_it(tmp_path):
    path = tmp_path / 'legacy.pth'
    state = {'net.0.weight': torch.full((16, 8), 0.5), 'net.0.bias': torch.zeros(16),
             'net.2.weight': torch.zeros(4, 16), 'net.2.bias': torch.zeros(4)}
    torch.save({'state_dict': state, 'meta': {'args': argparse.Namespace(lr=0.1)}}, path)
    refused = cli_train(tmp_path, path)
    assert refused.exit_code == 2, refused.output
    assert isinstance(refused.exception, SystemExit), 'a traceback escaped'
    assert str(path) in refused.output and '--unsafe-load' in refused.output
    accepted = cli_train(tmp_path, path, '--unsafe-load')
    assert accepted.exit_code == 0, accepted.output


def test_cli_reports_a_truncated_checkpoint(tmp_path):
    path = tmp_path / 'torn.pth'
    save_checkpoint_file({'state_dict': weights()}, str(path))
    path.write_bytes(path.read_bytes()[:300])
    result = cli_train(tmp_path, path)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert 'truncated or corrupt' in result.output and str(path) in result.output
