"""Bad input gives an error naming the file, the key and the fix (and never a bare traceback)."""
import textwrap

import pytest
from click.testing import CliRunner

from engine.errors import EngineError, HookError
from engine.hooks.hook import Hook
from engine.runner import Runner
from migrate.cli import main

GOOD = '''
_base_ = ['{base}/_base_toy_data.py', '{base}/_base_toy_runtime.py']
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))
train_cfg = dict(by_epoch=True, max_epochs=1)
'''


def write_cfg(tmp_path, body, name='cfg.py'):
    from runner_support import ENGINE_CONFIGS
    path = tmp_path / name
    path.write_text(textwrap.dedent(GOOD.format(base=ENGINE_CONFIGS)) + textwrap.dedent(body))
    return path


def train_cli(path, tmp_path, *extra):
    result = CliRunner().invoke(main, ['train', str(path), '--work-dir',
                                       str(tmp_path / 'wd'), *extra])
    return result


def assert_clean_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), 'a traceback escaped'
    assert '\nerror: ' in '\n' + result.output, result.output
    text = result.output[('\n' + result.output).index('\nerror: '):]
    for frag in fragments:
        assert frag in text, f'{frag!r} not in:\n{text}'


def test_unknown_type_lists_close_names(tmp_path):
    path = write_cfg(tmp_path, "optim_wrapper = dict(optimizer=dict(type='SDG', lr=0.1))\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, str(path), "key 'optim_wrapper", "'SDG'", "did you mean 'SGD'",
                       'fix:')


def test_unknown_hook_type(tmp_path):
    path = write_cfg(tmp_path, "custom_hooks = [dict(type='EMAHok')]\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, str(path), "custom_hooks[0]", "did you mean 'EMAHook'")


def test_missing_key_group(tmp_path):
    path = write_cfg(tmp_path, "val_evaluator = None\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, str(path), "key 'val_evaluator'", 'val_dataloader, val_cfg',
                       'fix: set all of')


def test_missing_model(tmp_path):
    path = write_cfg(tmp_path, "model = None\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, str(path), "key 'model'", 'fix:')


def test_wrong_argument_names_the_argument(tmp_path):
    path = write_cfg(tmp_path, "train_cfg = dict(by_epoch=True, max_epoch=1)\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, str(path), "key 'train_cfg", "'max_epoch'",
                       "did you mean 'max_epochs'")


def test_wrong_scheduler_argument(tmp_path):
    path = write_cfg(tmp_path,
                     "param_scheduler = [dict(type='MultiStepLR', milestone=[1], gamma=0.1)]\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, str(path), "param_scheduler", "'milestone'")


def test_config_that_does_not_parse(tmp_path):
    path = tmp_path / 'broken.py'
    path.write_text("model = dict(type='ToyClassifier'\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, str(path))
    assert 'line' in result.output


def test_legacy_keys_are_refused_with_the_way_out(tmp_path):
    path = write_cfg(tmp_path, "lr_config = dict(policy='step', step=[1])\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, str(path), "key 'lr_config'", 'migrate convert')


def test_bad_cfg_option(tmp_path):
    path = write_cfg(tmp_path, '')
    result = train_cli(path, tmp_path, '--cfg-options', 'train_cfg.max_epochs')
    assert_clean_error(result, 'train_cfg.max_epochs')


class LegacyHook(Hook):
    def after_train_iter(self, runner):  # MMCV 1.x signature
        pass


class LegacyGenericHook(Hook):
    def after_epoch(self, runner):  # MMCV 1.x generic hook point: never called by MMEngine
        pass


@pytest.mark.parametrize('hook_cls,fragments', [
    (LegacyHook, ['LegacyHook', 'after_train_iter(self, runner)',
                  'def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None)',
                  'migrate convert']),
    (LegacyGenericHook, ['LegacyGenericHook', 'after_epoch()', '_after_epoch(self, runner, mode)']),
])
def test_hook_with_legacy_signature_is_refused_at_registration(tmp_path, hook_cls, fragments):
    from runner_support import load_engine_config
    cfg = load_engine_config('toy_sgd_warmup_multistep.py', tmp_path)
    runner = Runner.from_cfg(cfg)
    with pytest.raises(HookError) as info:
        runner.register_hook(hook_cls())
    for frag in fragments:
        assert frag in str(info.value)
    assert 'fix:' in str(info.value)


def test_legacy_hook_from_config_names_the_entry(tmp_path):
    from engine.registry import HOOKS
    HOOKS.register_module(name='LegacySignatureHookForTest', module=LegacyHook, force=True)
    path = write_cfg(tmp_path, "custom_hooks = [dict(type='LegacySignatureHookForTest')]\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, str(path), 'custom_hooks[0]', 'after_train_iter')


def test_missing_checkpoint_names_file(tmp_path):
    path = write_cfg(tmp_path, f"load_from = '{tmp_path}/nope.pth'\n")
    result = train_cli(path, tmp_path)
    assert_clean_error(result, 'nope.pth', 'not found')


def test_engine_errors_are_one_class():
    assert issubclass(HookError, EngineError)
