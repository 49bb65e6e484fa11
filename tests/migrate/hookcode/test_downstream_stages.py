"""D7: a method named as a stage only a downstream runner called is marked: MMEngine never
calls it; the marker names the nearest MMEngine stage."""
import pytest

from migrate.hookcode import convert_hook_text
from migrate.hookcode.rules.hook_points import _nearest_stage

LEGACY = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class ScaleHook(Hook):

    def before_fetch_train_data(self, runner):
        self.scale = runner.iter

    def before_train_epoch(self, runner):
        self.before_resize(runner)

    def before_resize(self, runner):
        self.size = 1
'''

CONVERTED = '''from mmengine.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class ScaleHook(Hook):

    # migrate[HK002]: before_fetch_train_data is no stage of MMCV's Hook or
    #   MMEngine's: only a downstream runner called it (MMCV's own runners call only
    #   Hook.stages), and that runner is gone: MMEngine never calls it. The nearest
    #   MMEngine stage is before_train_iter(self, runner, batch_idx, data_batch=None):
    #   move the body there (or call it from there) if it must run
    def before_fetch_train_data(self, runner):
        self.scale = runner.iter

    def before_train_epoch(self, runner):
        self.before_resize(runner)

    def before_resize(self, runner):
        self.size = 1
'''


def test_downstream_stage_marked_and_reported():
    out = convert_hook_text(LEGACY, 'mmengine')
    assert out.text_out == CONVERTED
    manual = [(f.rule, f.key) for f in out.findings if f.severity == 'manual']
    assert manual == [('HK002', 'ScaleHook.before_fetch_train_data')]
    message = next(f.message for f in out.findings if f.severity == 'manual')
    assert 'MMEngine never calls it' in message and 'before_train_iter' in message


def test_converting_again_says_nothing_new():
    again = convert_hook_text(CONVERTED, 'mmengine')
    assert again.text_out == CONVERTED
    assert again.findings == []


def test_known_stages_are_not_marked():
    out = convert_hook_text(LEGACY.replace('before_fetch_train_data', 'before_train'),
                            'engine')
    assert 'never calls' not in out.text_out
    assert not [f for f in out.findings if f.severity == 'manual']


@pytest.mark.parametrize('method, nearest', [
    ('after_fetch_train_data', 'before_train_iter'),
    ('before_fetch_val_data', 'before_val_iter'),
    ('after_update_step', 'after_train_iter'),
    ('after_val_epoch_end', 'after_val_epoch'),
    ('before_generate', 'before_train'),
])
def test_nearest_stage(method, nearest):
    assert _nearest_stage(method) == nearest


def test_a_stage_like_method_a_base_class_stage_calls_is_not_marked():
    legacy = '''from mmcv.runner import Hook


class StepHook(Hook):

    def after_train_iter(self, runner):
        self.after_step(runner)


class CountStepHook(StepHook):

    def after_step(self, runner):
        self.n = getattr(self, 'n', 0) + 1
'''
    out = convert_hook_text(legacy, 'mmengine')
    assert 'migrate[HK002]' not in out.text_out
    assert not [f for f in out.findings if f.severity == 'manual']
