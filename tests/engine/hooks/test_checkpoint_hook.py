"""CheckpointHook file management: save_best keeps exactly the best checkpoint by its rule,
max_keep_ckpts removes the oldest, last_checkpoint always names the newest complete file."""
import logging
import os

import pytest

from engine import register_all_modules
from engine.config import Config
from engine.evaluator.metric import BaseMetric
from engine.hooks import CheckpointHook
from engine.hooks.hook import Hook
from engine.registry import METRICS
from engine.runner import Runner

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
ENGINE_CONFIGS = os.path.join(ROOT, 'fixtures', 'configs', 'engine')


@pytest.fixture(autouse=True, scope='module')
def _registered():
    register_all_modules()
    logging.getLogger('engine').setLevel(logging.WARNING)


def load_engine_config(name, work_dir, overrides=None):
    """A shipped toy config with ``work_dir`` set and quiet logging (as in runner_support)."""
    cfg = Config.fromfile(os.path.join(ENGINE_CONFIGS, name))
    if overrides:
        cfg.merge_from_dict(overrides)
    cfg['work_dir'] = str(work_dir)
    cfg['log_level'] = 'WARNING'
    return cfg


@METRICS.register_module(force=True)
class ScriptedMetric(BaseMetric):
    """Returns the next value of ``scores`` at each evaluation (a score per validation)."""
    default_prefix = 'scripted'
    calls = 0

    def __init__(self, scores, **kwargs):
        super().__init__(**kwargs)
        self.scores = scores

    def process(self, data_batch, data_samples):
        self.results.append(0)

    def compute_metrics(self, results):
        value = self.scores[ScriptedMetric.calls % len(self.scores)]
        ScriptedMetric.calls += 1
        return {'acc': value, 'loss_like': value}


class FileLister(Hook):
    """After each validation (and after the checkpoint hook), list the .pth files."""
    priority = 'LOWEST'

    def __init__(self, work_dir):
        self.work_dir = str(work_dir)
        self.listings = []
        self.pointers = []

    def after_val_epoch(self, runner, metrics=None):
        self._record()

    def _record(self):
        self.listings.append(sorted(p for p in os.listdir(self.work_dir) if p.endswith('.pth')))
        pointer = os.path.join(self.work_dir, 'last_checkpoint')
        self.pointers.append(os.path.basename(open(pointer).read()) if os.path.exists(pointer)
                             else None)


class EpochFileLister(FileLister):
    """The same after each training epoch (the checkpoint hook has saved by then)."""

    def after_val_epoch(self, runner, metrics=None):
        pass

    def after_train_epoch(self, runner):
        self._record()


def scripted_runner(tmp_path, checkpoint, scores=(50.0, 80.0, 60.0, 90.0, 70.0), epochs=5):
    ScriptedMetric.calls = 0
    cfg = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path,
                             {'train_cfg.max_epochs': epochs})
    cfg['val_evaluator'] = dict(type='ScriptedMetric', scores=list(scores))
    cfg['default_hooks']['checkpoint'] = dict(type='CheckpointHook', **checkpoint)
    return Runner.from_cfg(cfg)


@pytest.mark.parametrize('rule,expected_best', [
    ('greater', [1, 2, 2, 4, 4]),   # 50, 80, 60, 90, 70
    ('less', [1, 1, 1, 1, 1]),
])
def test_save_best_keeps_only_the_best_by_rule(tmp_path, rule, expected_best):
    runner = scripted_runner(tmp_path, dict(interval=1, save_best='scripted/acc', rule=rule))
    lister = runner.register_hook(FileLister(tmp_path))
    runner.train()
    best = [[n for n in names if n.startswith('best_')] for names in lister.listings]
    assert best == [[f'best_scripted_acc_epoch_{e}.pth'] for e in expected_best]
    # the pointer names the periodic checkpoint, never the best one
    assert lister.pointers == [f'epoch_{e}.pth' for e in range(1, 6)]
    assert runner.message_hub.get_info('best_score') == (90.0 if rule == 'greater' else 50.0)


def test_save_best_infers_the_rule_from_the_key(tmp_path):
    # 'loss' in the name: smaller is better
    runner = scripted_runner(tmp_path, dict(interval=1, save_best='scripted/loss_like'),
                             scores=(5.0, 3.0, 4.0))
    hook = [h for h in runner.hooks if isinstance(h, CheckpointHook)][0]
    assert hook.best.rules == ['less']


def test_save_best_auto_uses_the_first_metric(tmp_path):
    runner = scripted_runner(tmp_path, dict(interval=1, save_best='auto'),
                             scores=(5.0, 7.0, 6.0), epochs=3)
    runner.train()
    hook = [h for h in runner.hooks if isinstance(h, CheckpointHook)][0]
    assert (hook.best.keys, hook.best.rules) == (['scripted/acc'], ['greater'])
    assert sorted(p.name for p in tmp_path.glob('best_*')) == ['best_scripted_acc_epoch_2.pth']


def test_best_checkpoint_survives_resume_and_is_replaced_later(tmp_path):
    first = scripted_runner(tmp_path, dict(interval=1, save_best='scripted/acc',
                                           rule='greater'), scores=(50.0, 80.0, 60.0, 90.0),
                            epochs=3)
    first.train()
    assert sorted(p.name for p in tmp_path.glob('best_*')) == ['best_scripted_acc_epoch_2.pth']
    second = scripted_runner(tmp_path, dict(interval=1, save_best='scripted/acc',
                                            rule='greater'), scores=(90.0,), epochs=4)
    second._resume = True
    second.train()
    assert sorted(p.name for p in tmp_path.glob('best_*')) == ['best_scripted_acc_epoch_4.pth']


def test_max_keep_ckpts_removes_the_oldest(tmp_path):
    runner = scripted_runner(tmp_path, dict(interval=1, max_keep_ckpts=2))
    lister = runner.register_hook(EpochFileLister(tmp_path))
    runner.train()
    assert lister.listings == [['epoch_1.pth'], ['epoch_1.pth', 'epoch_2.pth'],
                               ['epoch_2.pth', 'epoch_3.pth'], ['epoch_3.pth', 'epoch_4.pth'],
                               ['epoch_4.pth', 'epoch_5.pth']]
    assert lister.pointers == [f'epoch_{e}.pth' for e in range(1, 6)]


def test_max_keep_ckpts_by_iteration_and_save_last(tmp_path):
    # 8 iterations per epoch, 2 epochs; every 5 iterations, keep 1, and the last one
    runner = scripted_runner(tmp_path, dict(interval=5, by_epoch=False, max_keep_ckpts=1),
                             epochs=2)
    runner.train()
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['iter_16.pth']
    assert (tmp_path / 'last_checkpoint').read_text() == str(tmp_path / 'iter_16.pth')


def test_out_dir_gets_one_folder_per_work_dir(tmp_path):
    out = tmp_path / 'shared'
    runner = scripted_runner(tmp_path / 'exp', dict(interval=1, out_dir=str(out)), epochs=1)
    runner.train()
    assert (out / 'exp' / 'epoch_1.pth').is_file()
    assert (tmp_path / 'exp' / 'last_checkpoint').read_text() == str(out / 'exp' / 'epoch_1.pth')


def test_default_priority_and_filename_template(tmp_path):
    hook = CheckpointHook(interval=1, filename_tmpl='ckpt_{:03d}.pth')
    assert hook.priority == 'VERY_LOW'
    runner = scripted_runner(tmp_path, dict(interval=1, filename_tmpl='ckpt_{:03d}.pth'),
                             epochs=2)
    runner.train()
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['ckpt_001.pth', 'ckpt_002.pth']
