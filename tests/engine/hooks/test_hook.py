"""The Hook base class (engine/hooks/hook.py): the interval helpers, the generic per-mode methods,
the triggered stages and the signature check (the expectations are MMEngine 0.10.7's, read from
mmengine/hooks/hook.py)."""
from types import SimpleNamespace

import pytest

from engine.errors import HookError
from engine.hooks.hook import Hook, check_hook_signatures


@pytest.mark.parametrize('epoch,n,start,expected', [
    (0, 2, 0, False), (1, 2, 0, True), (3, 2, 0, True), (2, 2, 0, False),
    (0, 1, 0, True), (1, 2, 3, False), (3, 2, 2, True), (2, 2, 1, True),
    (0, 0, 0, False), (4, 3, 6, False)])
def test_every_n_epochs_counts_finished_epochs_from_start(epoch, n, start, expected):
    assert Hook().every_n_epochs(SimpleNamespace(epoch=epoch), n, start) is expected


@pytest.mark.parametrize('it,n,start,expected', [
    (0, 5, 0, False), (4, 5, 0, True), (9, 5, 0, True), (4, 5, 5, True), (9, 5, 5, True),
    (9, -1, 0, False)])
def test_every_n_train_iters(it, n, start, expected):
    assert Hook().every_n_train_iters(SimpleNamespace(iter=it), n, start) is expected


def test_inner_iters_end_of_epoch_and_last_epoch_or_iter():
    hook = Hook()
    assert [hook.every_n_inner_iters(i, 3) for i in range(6)] == [False, False, True] * 2
    assert hook.every_n_inner_iters(2, 0) is False
    assert [hook.end_of_epoch([0] * 4, i) for i in range(4)] == [False, False, False, True]
    assert hook.is_last_train_epoch(SimpleNamespace(epoch=2, max_epochs=3))
    assert not hook.is_last_train_epoch(SimpleNamespace(epoch=1, max_epochs=3))
    assert hook.is_last_train_iter(SimpleNamespace(iter=9, max_iters=10))
    assert not hook.is_last_train_iter(SimpleNamespace(iter=8, max_iters=10))


def test_per_mode_stages_go_through_the_generic_methods():
    calls = []

    class Generic(Hook):
        def _before_epoch(self, runner, mode='train'):
            calls.append(('before_epoch', mode))

        def _after_iter(self, runner, batch_idx, data_batch=None, outputs=None, mode='train'):
            calls.append(('after_iter', mode, batch_idx))

    hook = Generic()
    hook.before_train_epoch(None)
    hook.before_val_epoch(None)
    hook.before_test_epoch(None)
    hook.after_train_iter(None, 1)
    hook.after_val_iter(None, 2)
    hook.after_test_iter(None, 3)
    assert calls == [('before_epoch', 'train'), ('before_epoch', 'val'), ('before_epoch', 'test'),
                     ('after_iter', 'train', 1), ('after_iter', 'val', 2),
                     ('after_iter', 'test', 3)]


def test_triggered_stages_are_the_overridden_ones():
    class Direct(Hook):
        def before_run(self, runner):
            pass

        def after_val_epoch(self, runner, metrics=None):
            pass

    class ViaGeneric(Hook):
        def _after_epoch(self, runner, mode='train'):
            pass

    assert Hook().get_triggered_stages() == []
    assert sorted(Direct().get_triggered_stages()) == ['after_val_epoch', 'before_run']
    assert sorted(ViaGeneric().get_triggered_stages()) == [
        'after_test_epoch', 'after_train_epoch', 'after_val_epoch']


def test_signature_check_names_the_method_and_the_fix():
    class Bad(Hook):
        def after_train_iter(self, runner):
            pass

    check_hook_signatures(Hook())
    with pytest.raises(HookError) as info:
        check_hook_signatures(Bad())
    assert 'Bad.after_train_iter' in str(info.value)
    assert 'fix: define it as def' in str(info.value)
