"""D9: a module built on a vendored copy of MMCV is left byte-identical, with a note."""
from migrate.hookcode import convert_hook_text
from migrate.hookcode.convert import vendored_note

VENDORED = '''from annotator.mmpkg.mmcv.runner import HOOKS, Hook
from annotator.mmpkg.mmcv.parallel import is_module_wrapper


@HOOKS.register_module()
class SetEpochHook(Hook):

    def before_epoch(self, runner):
        model = runner.model.module if is_module_wrapper(runner.model) else runner.model
        model.epoch = runner.epoch
'''

RELATIVE = '''from ...mmcv.runner import Hook


class CountHook(Hook):

    def after_train_iter(self, runner):
        self.n = getattr(self, 'n', 0) + 1
'''

INSTALLED = '''from mmcv.runner import Hook


class CountHook(Hook):

    def after_train_iter(self, runner):
        self.n = getattr(self, 'n', 0) + 1
'''


def test_vendored_copy_left_byte_identical_with_note():
    for target in ('mmengine', 'engine'):
        out = convert_hook_text(VENDORED, target)
        assert out.text_out == VENDORED
        assert [(f.rule, f.severity, f.key) for f in out.findings] == [
            ('HK001', 'note', 'annotator.mmpkg.mmcv.runner')]
        assert out.findings[0].message == vendored_note(
            ['annotator.mmpkg.mmcv.runner', 'annotator.mmpkg.mmcv.parallel'])
        assert 'left byte-identical' in out.findings[0].message
        assert out.rules == ['HK001']


def test_relative_vendored_copy_is_left_too():
    out = convert_hook_text(RELATIVE, 'mmengine')
    assert out.text_out == RELATIVE
    assert [f.key for f in out.findings] == ['...mmcv.runner']


def test_installed_mmcv_is_converted():
    out = convert_hook_text(INSTALLED, 'mmengine')
    assert out.text_out == '''from mmengine.hooks import Hook


class CountHook(Hook):

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.n = getattr(self, 'n', 0) + 1
'''
    assert not any('vendored' in f.message for f in out.findings)
