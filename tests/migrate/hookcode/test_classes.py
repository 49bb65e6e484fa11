"""Which classes of a hook module are hooks, and of what kind: read from their bases, with a
base imported under another name counted as the name it was imported as."""
import libcst as cst
import pytest

from migrate.hookcode.classes import (EVAL_HOOK, HOOK, LR_UPDATER, OPTIMIZER_HOOK, RUNNER,
                                      hook_classes, imported_as)


def _kinds(text):
    return hook_classes(cst.parse_module(text))


@pytest.mark.parametrize('imports, base, kind', [
    ('from mmcv.runner import EvalHook as BaseEvalHook', 'BaseEvalHook', EVAL_HOOK),
    ('from mmcv.runner import DistEvalHook as _DistEvalHook', '_DistEvalHook', EVAL_HOOK),
    ('from mmcv.runner import OptimizerHook as _OptimizerHook', '_OptimizerHook',
     OPTIMIZER_HOOK),
    ('from mmcv.runner.hooks import LrUpdaterHook as _Base', '_Base', LR_UPDATER),
    ('from mmcv.runner import EpochBasedRunner as _Runner', '_Runner', RUNNER),
    ('from mmcv.runner import Hook as BaseHook', 'BaseHook', HOOK),
    ('from mmcv.runner import EvalHook', 'EvalHook', EVAL_HOOK),
])
def test_an_aliased_base_has_the_kind_of_the_name_it_was_imported_as(imports, base, kind):
    assert _kinds(f'{imports}\n\n\nclass Mine({base}):\n    pass\n') == {'Mine': kind}


def test_a_class_of_this_module_wins_over_an_alias_of_the_same_name():
    text = ('from mmcv.runner import EvalHook as Base\n\n\nclass Base(Base):\n    pass\n\n\n'
            'class Child(Base):\n    pass\n')
    assert _kinds(text) == {'Base': EVAL_HOOK, 'Child': EVAL_HOOK}


def test_a_subclass_of_a_same_module_class_takes_its_kind():
    text = ('from mmcv.runner import OptimizerHook\n\n\nclass A(OptimizerHook):\n    pass\n\n\n'
            'class B(A):\n    pass\n\n\nclass C(object):\n    pass\n')
    assert _kinds(text) == {'A': OPTIMIZER_HOOK, 'B': OPTIMIZER_HOOK}


def test_imported_as_lists_only_renamed_imports():
    module = cst.parse_module('from a import X as Y, Z\nfrom b.c import W as V\nimport os as o\n')
    assert imported_as(module) == {'Y': 'X', 'V': 'W'}
