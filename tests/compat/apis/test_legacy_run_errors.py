"""Wrong legacy input to `migrate train`: one error naming the file, the key, what MMCV 1.7.2
would have done, and the fix; exit status 2, no traceback."""
import os
import sys
import textwrap

import pytest
from click.testing import CliRunner

from migrate.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
BASES = os.path.join(ROOT, 'fixtures', 'legacy_runs', '_base_')

BAD_MODULE = '''
from compat.apis import MODELS
from compat.runner import HOOKS, Hook
from torch import nn


@HOOKS.register_module(force=True)
class HookWithOwnPriority(Hook):
    priority = 'HIGH'


@MODELS.register_module(force=True)
class ForwardOnlyModel(nn.Module):
    def __init__(self, train_cfg=None, test_cfg=None):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def init_weights(self):
        pass

    def forward(self, img, **kwargs):
        return self.fc(img)
'''

HEADER = f'''_base_ = [
    {os.path.join(BASES, 'models', 'toy_classifier.py')!r},
    {os.path.join(BASES, 'datasets', 'toy_classification.py')!r},
    {os.path.join(BASES, 'schedules', 'schedule_3e.py')!r},
    {os.path.join(BASES, 'default_runtime.py')!r},
]
'''

CASES = {
    'unknown_policy': ("lr_config = dict(_delete_=True, policy='Foo', step=[2])\n",
                       'lr_config.policy', ['Foo'], 'MMCV'),
    'warmup_by_epoch_iter_runner': (
        "runner = dict(_delete_=True, type='IterBasedRunner', max_iters=8)\n"
        "lr_config = dict(warmup_by_epoch=True, warmup_iters=1)\n",
        'lr_config.warmup_by_epoch', ['warmup_by_epoch'], 'MMCV'),
    'both_limits': ("runner = dict(max_iters=100)\n", 'runner', ['max_epochs', 'max_iters'],
                    'MMCV'),
    'hook_defines_priority': (
        "custom_imports = dict(imports=['compat.testing.registration', 'bad_legacy_parts'])\n"
        "custom_hooks = [dict(type='HookWithOwnPriority')]\n",
        'custom_hooks', ['priority', 'reserved'], 'MMCV 1.7.2 raised this too'),
    'model_without_train_step': (
        "custom_imports = dict(imports=['compat.testing.registration', 'bad_legacy_parts'])\n"
        "model = dict(_delete_=True, type='ForwardOnlyModel')\n",
        'model.type', ['train_step', 'first iteration'], 'MMCV 1.7.2'),
    'unknown_workflow_mode': ("workflow = [('train', 1), ('test', 1)]\n", 'workflow[1]',
                              ["'test'", 'no phase'], 'MMCV 1.7.2'),
    'unregistered_hook': ("custom_hooks = [dict(type='NoSuchHook')]\n", 'custom_hooks',
                          ['NoSuchHook'], 'MMCV 1.7.2 raised KeyError'),
    'unregistered_logger_hook': (
        "log_config = dict(hooks=[dict(type='TextLoggerHook'), dict(type='NoSuchLogger')])\n",
        'log_config', ['NoSuchLogger'], 'MMCV 1.7.2 raised KeyError'),
    'unregistered_model': ("model = dict(type='NoSuchDetector')\n", 'model.type',
                           ['NoSuchDetector'], None),
    'validation_without_val_split': ("data = dict(val=None)\n", 'data.val',
                                     ['validation needs data.val', '--no-validate'], 'MMDet 2.x'),
}


@pytest.fixture
def bad_parts(tmp_path, monkeypatch):
    (tmp_path / 'bad_legacy_parts.py').write_text(BAD_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop('bad_legacy_parts', None)


@pytest.mark.parametrize('name', sorted(CASES))
def test_wrong_legacy_input_names_file_key_mmcv_and_fix(name, tmp_path, bad_parts):
    body, key, words, mmcv = CASES[name]
    path = tmp_path / f'{name}.py'
    path.write_text(HEADER + textwrap.dedent(body))
    result = CliRunner().invoke(main, ['train', str(path), '--work-dir',
                                       str(tmp_path / 'work'), '--seed', '0'])
    assert result.exit_code == 2, result.output
    assert 'Traceback' not in result.output
    error = result.output[result.output.index('error: '):]
    assert str(path) in error
    assert f"key '{key}" in error
    for word in words:
        assert word in error, (word, error)
    if mmcv is not None:
        assert mmcv in error, error
    assert '\n  fix: ' in error


def test_a_key_the_flow_reads_unconditionally_is_named(tmp_path):
    path = tmp_path / 'no_workflow.py'
    path.write_text("custom_imports = dict(imports=['compat.testing.registration'])\n"
                    "model = dict(type='LegacyToyClassifier')\n"
                    "data = dict(samples_per_gpu=8, workers_per_gpu=0,\n"
                    "            train=dict(type='LegacyToyDataset'))\n"
                    "optimizer = dict(type='SGD', lr=0.01)\noptimizer_config = dict()\n"
                    "lr_config = None\ncheckpoint_config = None\nlog_config = dict(interval=1)\n"
                    "runner = dict(type='EpochBasedRunner', max_epochs=1)\n")
    result = CliRunner().invoke(main, ['train', str(path), '--work-dir', str(tmp_path / 'w'),
                                       '--no-validate'])
    assert result.exit_code == 2, result.output
    assert 'Traceback' not in result.output
    assert f"{path}: key 'workflow'" in result.output
    assert "fix: add workflow = [('train', 1)]" in result.output
