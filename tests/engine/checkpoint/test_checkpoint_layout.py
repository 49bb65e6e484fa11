"""What a checkpoint holds (plain data only, so weights_only loads it), and the three ways of
starting from one: load_from (weights), resume=True (latest), resume=True + load_from (that)."""
import os
import platform

import torch

import engine
from engine.runner import Runner
from engine.checkpoint.checkpoint_io import (PARTIAL_SUFFIX, find_latest_checkpoint,
                                         remove_stale_partials, write_pointer)

from runner_support import load_engine_config

FIELDS = ['ema_state_dict', 'message_hub', 'optimizer', 'param_schedulers', 'rng_state',
          'state_dict', 'train_loop']


def train_amp(tmp_path, epochs=1, **overrides):
    cfg = load_engine_config('toy_amp_bf16.py', tmp_path, {'train_cfg.max_epochs': epochs})
    cfg.update(overrides)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def test_layout_is_plain_data_with_fields_and_versions(tmp_path):
    train_amp(tmp_path)
    ckpt = torch.load(tmp_path / 'epoch_1.pth', weights_only=True)  # no allow-list needed
    assert sorted(ckpt) == sorted(['meta'] + FIELDS)
    meta = ckpt['meta']
    assert meta['fields'] == FIELDS
    assert (meta['format'], meta['format_version']) == ('engine-checkpoint', 1)
    assert (meta['epoch'], meta['iter'], meta['seed']) == (1, 8, 0)
    assert meta['engine_version'] == engine.__version__
    assert meta['torch_version'] == torch.__version__
    assert meta['python_version'] == platform.python_version()
    assert "type='AmpOptimWrapper'" in meta['cfg']
    assert meta['dataset_meta'] == {'classes': ('class_0', 'class_1', 'class_2', 'class_3')}
    assert 'loss_scaler' in ckpt['optimizer']
    assert ckpt['train_loop'] == dict(ckpt['train_loop'], epoch=0, iter=8, batches_in_pass=8,
                                      **{'pass': 0})
    [rng] = ckpt['rng_state']
    assert sorted(rng) == ['cuda', 'numpy', 'python', 'torch']
    assert rng['torch'].dtype == torch.uint8
    assert 'steps' in ckpt['ema_state_dict']


def test_load_from_alone_loads_weights_only(tmp_path):
    trained = train_amp(tmp_path / 'a')
    cfg = load_engine_config('toy_amp_bf16.py', tmp_path / 'b')
    cfg['load_from'] = str(tmp_path / 'a' / 'epoch_1.pth')
    fresh = Runner.from_cfg(cfg)
    fresh.call_hook('before_run')  # what train() does first: EMAHook builds its copy
    fresh.load_or_resume()
    assert (fresh.epoch, fresh.iter) == (0, 0)
    assert fresh.optim_wrapper.optimizer.state_dict()['state'] == {}
    # EMAHook: the checkpoint's state_dict holds the averaged weights (for deployment)
    ema = [h for h in trained.hooks if type(h).__name__ == 'EMAHook'][0]
    for k, v in ema.ema_model.module.state_dict().items():
        assert torch.equal(fresh.model.state_dict()[k], v), k


def test_resume_true_picks_the_latest_and_load_from_picks_that_one(tmp_path):
    train_amp(tmp_path, epochs=2)
    assert find_latest_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_2.pth')
    cfg = load_engine_config('toy_amp_bf16.py', tmp_path, {'train_cfg.max_epochs': 3})
    cfg['resume'] = True
    latest = Runner.from_cfg(cfg)
    latest.call_hook('before_run')
    latest.load_or_resume()
    assert (latest.epoch, latest.iter) == (2, 16)
    cfg['load_from'] = str(tmp_path / 'epoch_1.pth')
    chosen = Runner.from_cfg(cfg)
    chosen.call_hook('before_run')
    chosen.load_or_resume()
    assert (chosen.epoch, chosen.iter) == (1, 8)
    assert chosen.message_hub.get_info('last_ckpt') == str(tmp_path / 'epoch_1.pth')


def test_resume_true_without_checkpoint_trains_from_scratch(tmp_path):
    runner = train_amp(tmp_path, resume=True)
    assert runner.epoch == 1 and (tmp_path / 'epoch_1.pth').is_file()


def test_pointer_and_partials(tmp_path):
    ckpt = tmp_path / 'epoch_3.pth'
    ckpt.write_bytes(b'x')
    write_pointer(str(tmp_path), str(ckpt))
    assert find_latest_checkpoint(str(tmp_path)) == str(ckpt)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(PARTIAL_SUFFIX)] == []
    # a relative pointer is read relative to the work dir; a stale pointer gives None
    (tmp_path / 'last_checkpoint').write_text('epoch_3.pth')
    assert find_latest_checkpoint(str(tmp_path)) == str(ckpt)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'gone.pth'))
    assert find_latest_checkpoint(str(tmp_path)) is None
    partial = tmp_path / f'.epoch_4.pth.1a2b3c4d{PARTIAL_SUFFIX}'
    partial.write_bytes(b'torn')
    (tmp_path / 'last_checkpoint').write_text(str(partial))
    assert find_latest_checkpoint(str(tmp_path)) is None
    assert remove_stale_partials(str(tmp_path)) == [partial.name]
    assert sorted(os.listdir(tmp_path)) == ['epoch_3.pth', 'last_checkpoint']
