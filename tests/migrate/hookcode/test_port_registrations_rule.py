"""HK013: a module-level registration of a class a port made into no hook follows it into the
port's registry; registrations of hooks, and of classes left as they were, stay."""
import pytest

from migrate.hookcode.convert import convert_hook_text

LR = '''from mmcv.runner import HOOKS
from mmcv.runner.hooks import LrUpdaterHook


class HalfLrUpdaterHook(LrUpdaterHook):

    def get_lr(self, runner, base_lr):
        return base_lr * 0.5 ** (runner.epoch if self.by_epoch else runner.iter)


HOOKS.register_module(module=HalfLrUpdaterHook)
'''


@pytest.mark.parametrize('target', ['mmengine', 'engine'])
def test_a_ported_lr_updater_registered_below_its_class_goes_to_param_schedulers(target):
    out = convert_hook_text(LR, target)
    assert out.text_out.endswith('\n\nPARAM_SCHEDULERS.register_module(module=HalfLR)\n')
    assert f'from {target}.registry import PARAM_SCHEDULERS\n' in out.text_out
    assert 'HOOKS' not in out.text_out.replace('PARAM_SCHEDULERS', '')
    assert ('HK013', 'note', 'HalfLR') in [(f.rule, f.severity, f.key) for f in out.findings]
    again = convert_hook_text(out.text_out, target)
    assert again.text_out == out.text_out and again.findings == []


def test_an_optimizer_hook_port_registered_below_its_class_goes_to_optim_wrappers():
    text = ('from mmcv.runner import HOOKS, OptimizerHook\n\n\n'
            'class HalfLossOptimizerHook(OptimizerHook):\n\n'
            '    def after_train_iter(self, runner):\n'
            '        runner.optimizer.zero_grad()\n'
            "        (runner.outputs['loss'] * 0.5).backward()\n"
            '        runner.optimizer.step()\n\n\n'
            'HOOKS.register_module(module=HalfLossOptimizerHook)\n')
    out = convert_hook_text(text, 'engine').text_out
    assert 'class HalfLossOptimizerHook(OptimWrapper):' in out
    assert out.endswith('\n\nOPTIM_WRAPPERS.register_module(module=HalfLossOptimizerHook)\n')


def test_a_hook_registered_below_its_class_stays_in_hooks():
    text = ('from mmcv.runner import HOOKS, Hook\n\n\nclass TickHook(Hook):\n\n'
            '    def after_train_iter(self, runner):\n        self.ticks = runner.iter\n\n\n'
            'HOOKS.register_module(module=TickHook)\n')
    out = convert_hook_text(text, 'mmengine')
    assert out.text_out.endswith('\n\nHOOKS.register_module(module=TickHook)\n')
    assert 'HK013' not in [f.rule for f in out.findings]
