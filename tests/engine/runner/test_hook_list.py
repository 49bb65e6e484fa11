"""Registration order, priorities and stage dispatch of the runner's hooks (HookList; the
priority levels themselves: tests/engine/hooks/test_priority.py)."""
import pytest

from engine.errors import HookError
from engine.hooks.hook import Hook
from engine.hooks.priority import Priority, get_priority
from engine.runner.hook_list import HookList


class Named(Hook):
    def __init__(self, name, log):
        self.name, self.log = name, log

    def before_train_epoch(self, runner):
        self.log.append(self.name)


def test_order_by_priority_then_registration():
    log, hooks = [], HookList()
    hooks.register(Named('normal-1', log))
    hooks.register(Named('low', log), 'LOW')
    hooks.register(Named('high', log), 30)
    hooks.register(Named('normal-2', log), 'NORMAL')
    hooks.register(Named('very-high', log), Priority.VERY_HIGH)
    hooks.register(Named('normal-3', log), 50)
    hooks.call('before_train_epoch', runner=None)
    assert log == ['very-high', 'high', 'normal-1', 'normal-2', 'normal-3', 'low']


def test_only_overriding_hooks_are_called_and_generic_methods_count():
    calls = []

    class Generic(Hook):
        def _after_iter(self, runner, batch_idx, data_batch=None, outputs=None, mode='train'):
            calls.append((mode, batch_idx))

    hooks = HookList()
    hooks.register(Hook())
    hooks.register(Generic())
    assert len(hooks._stage_calls['after_val_iter']) == 1
    assert hooks._stage_calls['before_run'] == []
    hooks.call('after_val_iter', None, batch_idx=3, data_batch=None, outputs=None)
    hooks.call('after_test_iter', None, batch_idx=1, data_batch=None, outputs=None)
    assert calls == [('val', 3), ('test', 1)]


def test_custom_stage_names_reach_hooks_that_define_them():
    seen = []

    class Custom(Hook):
        def after_my_stage(self, runner, value):
            seen.append(value)

    hooks = HookList()
    hooks.register(Custom())
    hooks.call('after_my_stage', None, value=7)
    assert seen == [7]


def test_dict_hooks_are_built_with_their_priority():
    hooks = HookList()
    hook = hooks.register(dict(type='EmptyCacheHook', priority='LOWEST'))
    assert type(hook).__name__ == 'EmptyCacheHook' and hook.priority == 'LOWEST'


def test_non_hook_is_refused_with_key():
    with pytest.raises(HookError) as info:
        HookList().register(object(), key='custom_hooks[2]')
    assert info.value.key == 'custom_hooks[2]'


@pytest.mark.parametrize('method_src', [
    'def before_train_iter(self, runner): pass',
    'def after_val_epoch(self, runner): pass',
    'def before_save_checkpoint(self, runner): pass',
    'def after_train_iter(self, runner, idx): pass',
])
def test_wrong_signatures_refused(method_src):
    ns = {}
    exec(method_src, ns)
    name = [k for k in ns if not k.startswith('__')][0]
    cls = type('Bad', (Hook,), {name: ns[name]})
    with pytest.raises(HookError) as info:
        HookList().register(cls())
    assert f'Bad.{name}' in str(info.value) and 'fix: define it as def' in str(info.value)


def test_flexible_signatures_accepted():
    class Flexible(Hook):
        def after_train_iter(self, runner, **kwargs):
            pass

        def before_val_iter(self, runner, batch_idx, data_batch=None, extra=None):
            pass

    HookList().register(Flexible())
