"""Runner behaviour beyond the goldens: val/test entry points, load_from, loops' schedules."""
import pytest

from engine.errors import ConfigError
from engine.hooks.hook import Hook
from engine.runner import Runner, calc_dynamic_intervals

from runner_support import load_engine_config


class ValRecorder(Hook):
    def __init__(self):
        self.at = []

    def after_val_epoch(self, runner, metrics=None):
        self.at.append((runner.epoch, runner.iter))


def test_val_and_test_after_loading_weights(tmp_path):
    cfg = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path / 'a',
                             {'train_cfg.max_epochs': 2})
    runner = Runner.from_cfg(cfg)
    runner.train()
    trained = runner.test()
    assert set(trained) == {'accuracy/top1'}

    cfg2 = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path / 'b')
    cfg2['load_from'] = str(tmp_path / 'a' / 'epoch_2.pth')
    fresh = Runner.from_cfg(cfg2)
    assert fresh.val() == trained
    assert fresh.test() == trained


def test_epoch_loop_validates_on_interval_and_at_the_end(tmp_path):
    cfg = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path,
                             {'train_cfg.max_epochs': 5, 'train_cfg.val_interval': 2})
    cfg['default_hooks']['checkpoint'] = None
    runner = Runner.from_cfg(cfg)
    rec = runner.register_hook(ValRecorder())
    runner.train()
    assert [e for e, _ in rec.at] == [2, 4, 5]  # like MMEngine: also after the last epoch


def test_iter_loop_validates_every_val_interval(tmp_path):
    cfg = load_engine_config('toy_iter_accumulate.py', tmp_path,
                             {'train_cfg.val_interval': 6})
    runner = Runner.from_cfg(cfg)
    rec = runner.register_hook(ValRecorder())
    runner.train()
    assert [i for _, i in rec.at] == [6, 12, 18, 20]
    assert (tmp_path / 'iter_10.pth').is_file() and (tmp_path / 'iter_20.pth').is_file()


def test_dynamic_intervals():
    assert calc_dynamic_intervals(5, [(3, 1)]) == ([0, 3], [5, 1])
    with pytest.raises(ValueError):
        calc_dynamic_intervals(5, [(3,)])


def test_train_cfg_with_type_and_by_epoch_is_refused(tmp_path):
    cfg = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path)
    cfg['train_cfg']['by_epoch'] = True
    with pytest.raises(ConfigError, match='both type and by_epoch'):
        Runner.from_cfg(cfg)


def test_bf16_amp_on_cpu_with_ema_trains(tmp_path):
    cfg = load_engine_config('toy_amp_bf16.py', tmp_path)
    runner = Runner.from_cfg(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert losses[-4:].mean() < losses[:4].mean() / 2  # bf16 training does learn
    import torch
    ckpt = torch.load(tmp_path / 'epoch_2.pth', weights_only=True)
    assert 'ema_state_dict' in ckpt and 'loss_scaler' in ckpt['optimizer']
