"""HK001 on names it cannot move: a legacy name with no new home stays in its import while
the module uses it, and goes (with a note) once nothing does."""
from migrate.hookcode.context import HookContext
from migrate.hookcode.rules.imports import Imports

import libcst as cst

KEPT = '''# runner classes
from mmcv.runner import EpochBasedRunner, HOOKS, OptimizerHook
from mmcv.runner import LrUpdaterHook


@HOOKS.register_module()
class A(OptimizerHook):
    pass
'''


def _apply(text, target='engine'):
    ctx = HookContext(target=target)
    return Imports().apply(cst.parse_module(text), ctx, {}).code, ctx


def test_unused_legacy_names_are_dropped_and_reported():
    code, ctx = _apply(KEPT)
    assert code == '''# runner classes
from mmcv.runner import OptimizerHook
from engine.registry import HOOKS


@HOOKS.register_module()
class A(OptimizerHook):
    pass
'''
    dropped = [f.message for f in ctx.findings if 'no longer used' in f.message]
    assert dropped == [
        'from mmcv.runner import EpochBasedRunner: no longer used by the converted module, '
        'import dropped',
        'from mmcv.runner import LrUpdaterHook: no longer used by the converted module, '
        'import dropped']


def test_a_dropped_import_keeps_its_comment_and_names_in_all_count_as_used():
    text = ('# the updater\nfrom mmcv.runner import LrUpdaterHook\nimport os\n\n'
            "__all__ = ['X']\n")
    code, _ = _apply(text)
    assert code == "# the updater\nimport os\n\n__all__ = ['X']\n"
    text = "from mmcv.runner import LrUpdaterHook\n\n__all__ = ['LrUpdaterHook']\n"
    assert _apply(text)[0] == text


def test_used_legacy_names_stay():
    text = 'from mmcv.runner import EpochBasedRunner\n\n\nclass R(EpochBasedRunner):\n    pass\n'
    assert _apply(text)[0] == text
