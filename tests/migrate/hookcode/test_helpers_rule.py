"""HK003 on its own: MMCV's Hook helpers get MMEngine's names and arguments, unless the class
(or a class of the same module it is built on) defines the helper itself."""
import libcst as cst

from migrate.hookcode.classes import hook_classes
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules.helpers import Helpers


def _apply(text, target='mmengine'):
    ctx = HookContext(target=target)
    module = cst.parse_module(text)
    return Helpers().apply(module, ctx, hook_classes(module)).code, ctx


def _found(ctx):
    return [(f.rule, f.severity, f.key, f.message) for f in ctx.findings]


OWN_HELPER = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class WarmEveryHook(Hook):
    def __init__(self, start=100):
        self.start = start

    def every_n_iters(self, runner, n):
        return runner.iter < self.start or super().every_n_iters(runner, n)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if self.every_n_iters(runner, 10) and self.is_last_iter(runner):
            runner.logger.info('tick')
'''


def test_own_helper_is_kept_and_super_reaches_the_renamed_base():
    for target in ('mmengine', 'engine'):
        code, ctx = _apply(OWN_HELPER, target)
        assert code == OWN_HELPER.replace(
            'super().every_n_iters(runner, n)', 'super().every_n_train_iters(runner, n)'
        ).replace('self.is_last_iter(runner)', 'self.is_last_train_iter(runner)')
        assert _found(ctx) == [(
            'HK003', 'note', 'WarmEveryHook.after_train_iter',
            'WarmEveryHook has its own every_n_iters (defined in this module): '
            "self.every_n_iters(...) calls stay on it (MMEngine's Hook helper is "
            'every_n_train_iters, which would bypass it)')]
        assert ctx.applied == ['HK003']


INHERITED = '''from mmcv.runner import HOOKS, Hook


class BaseTickHook(Hook):
    def end_of_epoch(self, runner):
        return runner.inner_iter + 1 >= self.period


@HOOKS.register_module()
class TickHook(BaseTickHook):
    def every_n_iters(self, runner, n):
        return super().every_n_iters(runner, n)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if self.end_of_epoch(runner) or super().end_of_epoch(runner):
            runner.logger.info('end')
        if self.every_n_inner_iters(runner, 5):
            runner.logger.info('five')
'''


def test_a_helper_of_a_base_class_in_the_module_is_kept_also_through_super():
    code, ctx = _apply(INHERITED)
    assert code == INHERITED.replace(
        'return super().every_n_iters(runner, n)', 'return super().every_n_train_iters(runner, n)'
    ).replace('self.every_n_inner_iters(runner, 5)', 'self.every_n_inner_iters(batch_idx, 5)')
    assert _found(ctx) == [(
        'HK003', 'note', 'TickHook.after_train_iter',
        'TickHook has its own end_of_epoch (defined in this module): self.end_of_epoch(...) '
        "calls stay on it (MMEngine's Hook helper is end_of_epoch(dataloader, batch_idx), "
        'which would bypass it)')]


STOCK = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class StockHook(Hook):
    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if self.every_n_iters(runner, 10) or self.end_of_epoch(runner):
            runner.logger.info('tick')
'''


def test_stock_helpers_are_renamed():
    code, ctx = _apply(STOCK)
    assert code == STOCK.replace('self.every_n_iters(runner, 10)',
                                 'self.every_n_train_iters(runner, 10)').replace(
        'self.end_of_epoch(runner)', 'self.end_of_epoch(runner.train_dataloader, batch_idx)')
    assert _found(ctx) == []
    assert ctx.applied == ['HK003']


def test_converted_code_is_left_as_it_is():
    converted = _apply(STOCK)[0]
    for text in (converted, _apply(OWN_HELPER)[0]):
        code, ctx = _apply(text)
        assert code == text
    code, ctx = _apply(converted)
    assert ctx.findings == [] and ctx.applied == []


def test_explicit_base_calls():
    text = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class BaseCallHook(Hook):
    def every_n_iters(self, runner, n):
        return Hook.every_n_iters(self, runner, n) or Hook.end_of_epoch(self, runner)
'''
    code, ctx = _apply(text)
    assert code == '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class BaseCallHook(Hook):
    def every_n_iters(self, runner, n):
        # migrate[HK003]: Hook.end_of_epoch(self, runner, ...): MMEngine's is
        #   Hook.end_of_epoch(self, dataloader, batch_idx): pass those
        return Hook.every_n_train_iters(self, runner, n) or Hook.end_of_epoch(self, runner)
'''
    assert [(r, s, k) for r, s, k, _ in _found(ctx)] == [
        ('HK003', 'manual', 'BaseCallHook.every_n_iters')]
    again = code.replace('Hook.end_of_epoch(self, runner)',
                         'Hook.end_of_epoch(self, runner.train_dataloader, batch_idx)')
    assert _apply(again)[1].findings == []
