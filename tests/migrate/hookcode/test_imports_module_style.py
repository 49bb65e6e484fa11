"""HK001 on legacy imports the top-level ``from mmcv.runner import ...`` rewrite does not see:
imports inside functions (converted where they are) and legacy modules used by attribute
(``import mmcv.runner``, ``from mmcv import runner``, ``import mmcv.runner.hooks as h``: each
use that names a name with a new home names it in the target's module, imported where the
legacy module was). Exact text for both targets, the findings, and the no-op cases."""
import libcst as cst
import pytest

from migrate.hookcode import HOOK, convert_hook_text, module_kind
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules.imports import Imports


def _imports(text, target):
    """HK001 alone (the other rules have golden pairs of their own)."""
    ctx = HookContext(target=target)
    out = Imports().apply(cst.parse_module(text), ctx, {}).code
    return out, [(f.severity, f.key, f.message) for f in ctx.findings]


MODULE_STYLE = '''import mmcv.runner


@mmcv.runner.HOOKS.register_module()
class SyncHook(mmcv.runner.Hook):

    def before_run(self, runner):
        self.rank, self.world = mmcv.runner.get_dist_info()
        if mmcv.parallel.is_module_wrapper(runner.model):
            self.wrapped = True
'''


@pytest.mark.parametrize('target', ['mmengine', 'engine'])
def test_module_style_uses_name_the_targets_modules(target):
    text, said = _imports(MODULE_STYLE, target)
    dist, hooks, model, registry = (f'{target}.{m}' for m in ('dist', 'hooks', 'model',
                                                              'registry'))
    assert text == f'''import {dist}
import {hooks}
import {model}
import {registry}


@{registry}.HOOKS.register_module()
class SyncHook({hooks}.Hook):

    def before_run(self, runner):
        self.rank, self.world = {dist}.get_dist_info()
        if {model}.is_model_wrapper(runner.model):
            self.wrapped = True
'''
    assert said == [('note', 'mmcv', (
        f'import mmcv.runner: mmcv.parallel.is_module_wrapper -> {model}.is_model_wrapper, '
        f'mmcv.runner.HOOKS -> {registry}.HOOKS, mmcv.runner.Hook -> {hooks}.Hook, '
        f'mmcv.runner.get_dist_info -> {dist}.get_dist_info'))]


def test_from_mmcv_import_runner_is_not_the_runner_argument():
    legacy = '''from mmcv import runner as mmcv_runner
from mmcv import runner


class EpochHook(runner.Hook):

    @mmcv_runner.master_only
    def after_train_epoch(self, runner):
        runner.logger.info(runner.epoch)
'''
    text, said = _imports(legacy, 'mmengine')
    assert text == '''import mmengine.dist
import mmengine.hooks


class EpochHook(mmengine.hooks.Hook):

    @mmengine.dist.master_only
    def after_train_epoch(self, runner):
        runner.logger.info(runner.epoch)
'''
    assert said == [
        ('note', 'mmcv.runner',
         'from mmcv import runner as mmcv_runner: mmcv.runner.master_only -> '
         'mmengine.dist.master_only'),
        ('note', 'mmcv.runner', 'from mmcv import runner: mmcv.runner.Hook -> mmengine.hooks.Hook')]
    # through the whole conversion, nothing of mmcv is left
    out = convert_hook_text(legacy, 'mmengine')
    assert 'mmcv' not in out.text_out and 'def after_train_epoch(self, runner):' in out.text_out


@pytest.mark.parametrize('target', ['mmengine', 'engine'])
def test_imports_inside_functions_are_converted_where_they_are(target):
    legacy = '''"""A helper only, importing lazily."""


def rank_zero():
    from mmcv.runner import get_dist_info  # lazy: mmcv is optional here
    return get_dist_info()[0] == 0


class Probe:

    def check(self, model):
        # the priority the hooks compare with
        import mmcv.runner as legacy_runner
        from mmcv.parallel import is_module_wrapper
        return is_module_wrapper(model), legacy_runner.Priority.LOW
'''
    text, said = _imports(legacy, target)
    priority = 'mmengine.hooks.priority' if target == 'mmengine' else 'engine.hooks'
    assert text == f'''"""A helper only, importing lazily."""


def rank_zero():
    from {target}.dist import get_dist_info  # lazy: mmcv is optional here
    return get_dist_info()[0] == 0


class Probe:

    def check(self, model):
        # the priority the hooks compare with
        import {priority}
        from {target}.model import is_model_wrapper
        return is_model_wrapper(model), {priority}.Priority.LOW
'''
    assert said == [
        ('note', 'mmcv.runner', f'import mmcv.runner as legacy_runner: '
         f'mmcv.runner.Priority -> {priority}.Priority'),
        ('note', 'mmcv.runner', f'from mmcv.runner import get_dist_info -> from {target}.dist '
         'import get_dist_info'),
        ('note', 'mmcv.parallel', f'from mmcv.parallel import is_module_wrapper -> from '
         f'{target}.model import is_model_wrapper')]
    assert module_kind(legacy) == HOOK   # its only mmcv.runner import is inside a function


def test_a_name_without_a_counterpart_stays_marked_and_keeps_its_import():
    legacy = '''import mmcv.runner


class SaveHook(mmcv.runner.Hook):

    def after_run(self, runner):
        mmcv.runner.save_checkpoint(runner.model, 'last.pth')
'''
    text, said = _imports(legacy, 'engine')
    message = ('mmcv.runner.save_checkpoint has no engine counterpart the converter knows: '
               'left as written, so this line still needs MMCV 1.x (MMEngine moved the runner, '
               'hook, dist and model utilities to mmengine.runner, mmengine.hooks, mmengine.dist '
               'and mmengine.model)')
    assert text == '''import mmcv.runner
import engine.hooks


class SaveHook(engine.hooks.Hook):

    def after_run(self, runner):
        # migrate[HK001]: mmcv.runner.save_checkpoint has no engine counterpart the
        #   converter knows: left as written, so this line still needs MMCV 1.x (MMEngine
        #   moved the runner, hook, dist and model utilities to mmengine.runner,
        #   mmengine.hooks, mmengine.dist and mmengine.model)
        mmcv.runner.save_checkpoint(runner.model, 'last.pth')
'''
    assert said == [('manual', 'mmcv.runner.save_checkpoint', message),
                    ('note', 'mmcv', 'import mmcv.runner: mmcv.runner.Hook -> engine.hooks.Hook '
                     '(the import kept for its other uses)')]


def test_an_import_inside_a_function_nothing_uses_goes_with_a_note():
    legacy = '''def rank_zero(rank):
    # the legacy helper
    from mmcv.runner import get_dist_info
    return rank == 0
'''
    text, said = _imports(legacy, 'mmengine')
    assert text == '''def rank_zero(rank):
    # the legacy helper
    return rank == 0
'''
    assert said == [('note', 'mmcv.runner', 'from mmcv.runner import get_dist_info: no longer '
                     'used by the converted module, import dropped')]


@pytest.mark.parametrize('text', [
    # converted already
    'import mmengine.dist\n\n\ndef rank():\n    return mmengine.dist.get_dist_info()[0]\n',
    # mmcv's own (not runner) names: HK012's, not this rule's
    'import mmcv\n\n\ndef read(path):\n    return mmcv.imread(path)\n',
    # a local named like the module: not the module
    'def f(mmcv):\n    return mmcv.runner.get_dist_info()\n',
])
def test_no_op(text):
    assert _imports(text, 'mmengine') == (text, [])


def test_a_local_named_like_the_module_is_not_the_module():
    legacy = '''from mmcv import runner


class H(runner.Hook):

    def after_run(self, r):
        runner = r
        runner.logger.info(runner.epoch)
        f = lambda runner: runner.meta
        for runner in []:
            pass
'''
    text, said = _imports(legacy, 'mmengine')
    assert text == legacy.replace('from mmcv import runner', 'import mmengine.hooks') \
        .replace('class H(runner.Hook)', 'class H(mmengine.hooks.Hook)')
    assert said == [('note', 'mmcv.runner',
                     'from mmcv import runner: mmcv.runner.Hook -> mmengine.hooks.Hook')]
