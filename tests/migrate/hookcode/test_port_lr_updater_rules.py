"""HK007 port, read statically: what ports (and how it is written), and each shape that blocks
the port, marked on the line that blocks it with the class left as written."""
import textwrap

import pytest

from migrate.hookcode.convert import convert_hook_text
from migrate.tables import policy_scheduler_name, scheduler_name

HEAD = 'from mmcv.runner import HOOKS, LrUpdaterHook, MomentumUpdaterHook, StepLrUpdaterHook\n\n\n'


def _convert(body, target='engine'):
    out = convert_hook_text(HEAD + textwrap.dedent(body), target)
    return out.text_out, [(f.rule, f.severity, f.key, f.message) for f in out.findings
                          if f.rule == 'HK007']


def test_names():
    assert scheduler_name('StepDecayLrUpdaterHook', 'lr') == 'StepDecayLR'
    assert scheduler_name('RampMomentumUpdaterHook', 'momentum') == 'RampMomentum'
    assert scheduler_name('PiceDetLrHook', 'lr') == 'PiceDetLrHookLR'
    # the config side: MMCV's lookup title-cases an all-lower-case policy
    assert policy_scheduler_name('Poly2', 'lr') == 'Poly2LR'
    assert policy_scheduler_name('warmrestart', 'lr') == 'WarmrestartLR'


def test_registered_name_base_init_call_and_all_follow_the_class():
    text, found = _convert('''
        __all__ = ['FooLrUpdaterHook']


        @HOOKS.register_module(name='FooLrUpdaterHook')
        class FooLrUpdaterHook(LrUpdaterHook):

            def __init__(self, gamma=0.5, **kwargs):
                LrUpdaterHook.__init__(self, **kwargs)
                self.gamma = gamma

            def get_lr(self, runner, base_lr):
                if self.by_epoch:
                    return base_lr * self.gamma ** runner.epoch
                return base_lr * self.gamma ** (runner.iter // 100)
    ''')
    assert "__all__ = ['FooLR']" in text
    assert "@PARAM_SCHEDULERS.register_module(name='FooLR')" in text
    assert 'class FooLR(LRSchedulerMixin, ParamScheduler):' in text
    # the base call last: the scheduler computes its first value while it is built
    assert ('def __init__(self, optimizer, gamma=0.5, **kwargs):\n'
            '        self.gamma = gamma\n'
            '        super().__init__(optimizer, **kwargs)') in text
    # an early return under `if self.by_epoch:` leaves the rest to by_epoch=False
    assert 'return base_lr * self.gamma ** last_step\n' in text
    assert 'return base_lr * self.gamma ** (last_step // 100)' in text
    assert 'LrUpdaterHook' not in text.split('class FooLR')[1]
    assert found[0][:3] == ('HK007', 'note', 'FooLrUpdaterHook')
    compile(text, 'x', 'exec')


def test_mmengine_target_imports_the_mixins_from_their_modules():
    text, _ = _convert('''
        @HOOKS.register_module()
        class RampMomentumUpdaterHook(MomentumUpdaterHook):

            def get_momentum(self, runner, base_momentum):
                progress = runner.epoch if self.by_epoch else runner.iter
                return base_momentum * 0.99 ** progress
    ''', target='mmengine')
    assert 'from mmengine.optim.scheduler import _ParamScheduler\n' in text
    assert ('from mmengine.optim.scheduler.momentum_scheduler import MomentumSchedulerMixin'
            in text)
    assert 'class RampMomentum(MomentumSchedulerMixin, _ParamScheduler):' in text
    assert 'def get_momentum(self, last_step, base_momentum):' in text
    assert 'progress = last_step\n' in text
    assert 'mmcv' not in text


BLOCKED = {
    'own_warmup': ('''
        @HOOKS.register_module()
        class TinLrUpdaterHook(LrUpdaterHook):

            def get_lr(self, runner, base_lr):
                return base_lr

            def get_warmup_lr(self, cur_iters):
                return [lr * cur_iters / self.warmup_iters for lr in self.regular_lr]
    ''', 'def get_warmup_lr', 'get_warmup_lr is a hook method of LrUpdaterHook'),
    'hook_state': ('''
        @HOOKS.register_module()
        class WarmAwareLrUpdaterHook(LrUpdaterHook):

            def get_lr(self, runner, base_lr):
                progress = runner.epoch if self.by_epoch else runner.iter
                return base_lr if progress < self.warmup_iters else base_lr * 0.1
    ''', 'return base_lr if progress', 'get_lr reads self.warmup_iters'),
    'wrong_unit': ('''
        @HOOKS.register_module()
        class MixedLrUpdaterHook(LrUpdaterHook):

            def get_lr(self, runner, base_lr):
                if self.by_epoch:
                    return base_lr * 0.5 ** (runner.iter // 100)
                return base_lr * 0.5 ** runner.iter
    ''', 'return base_lr * 0.5 ** (runner.iter // 100)',
        'get_lr reads runner.iter with by_epoch=True'),
    'runner_state': ('''
        @HOOKS.register_module()
        class MetaLrUpdaterHook(LrUpdaterHook):

            def get_lr(self, runner, base_lr):
                scale = runner.meta.get('scale', 1)
                return base_lr * scale
    ''', 'scale = runner.meta', 'get_lr reads runner.meta'),
    'warmup_in_code': ('''
        @HOOKS.register_module()
        class FixedWarmLrUpdaterHook(LrUpdaterHook):

            def __init__(self, **kwargs):
                super().__init__(warmup='linear', warmup_iters=10, **kwargs)

            def get_lr(self, runner, base_lr):
                return base_lr
    ''', 'super().__init__(warmup=', "the base __init__ gets 'linear' as warmup"),
    'reads_base_after_init': ('''
        @HOOKS.register_module()
        class LateLrUpdaterHook(LrUpdaterHook):

            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.unit = 'epoch' if self.by_epoch else 'iter'

            def get_lr(self, runner, base_lr):
                return base_lr
    ''', 'self.unit =', '__init__ reads self.by_epoch after the base __init__ set it'),
}


@pytest.mark.parametrize('case', sorted(BLOCKED))
def test_blocked_shapes_stay_marked_where_they_block(case):
    body, line, why = BLOCKED[case]
    text, found = _convert(body)
    assert len(found) == 1 and found[0][1] == 'manual'
    assert why in found[0][3]
    marker_at = text.index(f'# migrate[HK007]: not ported: {why[:30]}')
    assert text.index(line) > marker_at   # the mark is above the blocking line
    assert '(LrUpdaterHook):' in text     # the class is left as written
    assert convert_hook_text(text, 'engine').text_out == text   # and stays so


def test_a_subclass_of_an_mmcv_policy_stays_marked():
    text, found = _convert('''
        @HOOKS.register_module()
        class ClampedStepLrUpdaterHook(StepLrUpdaterHook):

            def get_lr(self, runner, base_lr):
                return max(super().get_lr(runner, base_lr), 1e-5)
    ''')
    assert found[0][1] == 'manual'
    assert 'built on StepLrUpdaterHook, not directly on LrUpdaterHook' in found[0][3]
    assert 'class ClampedStepLrUpdaterHook(StepLrUpdaterHook):' in text


def test_a_subclass_of_a_ported_class_is_ported_onto_it():
    import torch

    from engine.registry import PARAM_SCHEDULERS

    text, found = _convert('''
        @HOOKS.register_module()
        class HalvingLrUpdaterHook(LrUpdaterHook):

            def __init__(self, every=2, **kwargs):
                super().__init__(**kwargs)
                self.step = every

            def get_lr(self, runner, base_lr):
                progress = runner.epoch if self.by_epoch else runner.iter
                return base_lr * 0.5 ** (progress // self.step)


        @HOOKS.register_module()
        class FloorHalvingLrUpdaterHook(HalvingLrUpdaterHook):

            def __init__(self, floor=0.03, **kwargs):
                super(FloorHalvingLrUpdaterHook, self).__init__(**kwargs)
                self.floor = floor

            def get_lr(self, runner, base_lr):
                progress = runner.epoch if self.by_epoch else runner.iter
                return max(base_lr * 0.5 ** (progress // self.step), self.floor)
    ''')
    assert [f[:3] for f in found] == [('HK007', 'note', 'HalvingLrUpdaterHook'),
                                      ('HK007', 'note', 'FloorHalvingLrUpdaterHook')]
    assert 'class FloorHalvingLR(HalvingLR):' in text
    assert text.count('def _get_value(self):') == 1    # inherited
    assert 'self.step_ = every' in text and '// self.step_), self.floor)' in text
    saved = dict(PARAM_SCHEDULERS._modules)
    try:
        namespace = {}
        exec(compile(text, 'ported', 'exec'), namespace)
        model = torch.nn.Linear(2, 2)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = namespace['FloorHalvingLR'](optimizer, every=2, by_epoch=False)
        seen = [optimizer.param_groups[0]['lr']]
        for _ in range(6):
            scheduler.step()
            seen.append(optimizer.param_groups[0]['lr'])
        assert seen == [0.1, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03]
    finally:
        PARAM_SCHEDULERS._modules.clear()
        PARAM_SCHEDULERS._modules.update(saved)


def test_taken_scheduler_names_are_the_registries():
    """A port is never named as a scheduler MMEngine 0.10.7 (recorded by the binding golden)
    or the engine registers already."""
    import json
    import os

    import engine.schedulers  # noqa: F401  (registers them)
    from engine.registry import PARAM_SCHEDULERS
    from migrate.tables import ENGINE_ONLY_SCHEDULERS, MMENGINE_SCHEDULERS

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    with open(os.path.join(root, 'fixtures', 'goldens', 'hookcode_mmengine_binding.json'),
              encoding='utf-8') as f:
        classes = json.load(f)['modules']['custom_lr_updater.py']['classes']
    assert set(classes['StepDecayLR']['param_scheduler']['mmengine_builtin']) == \
        MMENGINE_SCHEDULERS
    builtin = {name for name, cls in PARAM_SCHEDULERS._modules.items()
               if cls.__module__.startswith('engine.')}
    assert builtin == MMENGINE_SCHEDULERS | ENGINE_ONLY_SCHEDULERS
    assert scheduler_name('CosineCooldownLrUpdaterHook', 'lr') == 'CosineCooldownUpdaterLR'
    assert scheduler_name('StepMomentumUpdaterHook', 'momentum') == 'StepUpdaterMomentum'
