"""HK006: comments where a hook's logic depends on a timeline MMEngine changed.

The code stays as converted; the comment says what moved and what to check (reference §C.5
"Timeline differences that legacy hook code will hit").
"""
from __future__ import annotations

from typing import Dict

import libcst as cst

from migrate.hookcode.context import HookContext
from migrate.hookcode.recognise import dotted
from migrate.hookcode.rules.base import HookRule, MethodTransformer

GRADS = ('gradients are already zeroed here: MMEngine runs backward, step and zero_grad in '
         'train_step (optim_wrapper.update_params) before every after_train_iter hook (MMCV: '
         'OptimizerHook at ABOVE_NORMAL inside after_train_iter, grads kept until the next '
         'iteration); read them in an OptimWrapper subclass (step) instead')
LOSS = ("the loss is detached and its backward and optimizer step are done before every "
        "after_train_iter hook (MMCV: a hook above ABOVE_NORMAL could still change "
        "runner.outputs['loss']); change a loss in the model or an OptimWrapper subclass")
LR_WRITE = ('LR is now set by ParamSchedulerHook after each iteration/epoch (LOW), not by '
            'the LR updater before it (VERY_HIGH): a value written here is used by this '
            'iteration, and the scheduler\'s next step starts from it')
LR_READ = ('LR is now set in after_train_iter/epoch (ParamSchedulerHook, LOW): read here it '
           'is still the value this iteration used only while this hook\'s priority is above '
           'LOW (a before_* stage reads the same value as in MMCV)')
CKPT = ('CheckpointHook now runs last (VERY_LOW; MMCV: NORMAL) and best checkpoints are '
        'saved in after_val_epoch: this value is not yet updated for the current epoch')


def _is_lr_subscript(node: cst.Subscript) -> bool:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return False
    value = node.slice[0].slice.value
    return isinstance(value, cst.SimpleString) and value.evaluated_value in ('lr',)


class _Timeline(MethodTransformer):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._targets = 0
        self._groups = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        result = super().visit_FunctionDef(node)
        if self._depth == 1:   # a method whose ['lr'] subscripts are param groups' LRs
            self._groups = 'param_groups' in cst.Module([]).code_for_node(node)
        return result

    def visit_AssignTarget(self, node):
        self._targets += 1
        return True

    def leave_AssignTarget(self, original, updated):
        self._targets -= 1
        return updated

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if not self.active:
            return True
        if node.attr.value == 'grad' and self.method == 'after_train_iter':
            self.mark('approximation', GRADS)
        if dotted(node) == 'runner.optim_wrapper.get_lr' and \
                self.method.startswith('after_train'):
            self.mark('note', LR_READ)
        return True

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        if not self.active:
            return True
        if self.method == 'after_train_iter' and isinstance(node.value, cst.Name) \
                and node.value.value == 'outputs' and len(node.slice) == 1 \
                and isinstance(node.slice[0].slice, cst.Index) \
                and isinstance(node.slice[0].slice.value, cst.SimpleString) \
                and node.slice[0].slice.value.evaluated_value == 'loss':
            self.mark('note', LOSS)
        if _is_lr_subscript(node) and self._groups and \
                self.method.startswith(('before_train', 'after_train')):
            if self._targets:
                self.mark('approximation', LR_WRITE)
            elif self.method.startswith('after_train'):
                self.mark('note', LR_READ)
        return True

    def visit_Call(self, node: cst.Call) -> bool:
        if not self.active:
            return True
        if dotted(node.func) == 'runner.message_hub.get_info' and node.args and \
                isinstance(node.args[0].value, cst.SimpleString) and \
                node.args[0].value.evaluated_value in ('best_score', 'best_ckpt', 'last_ckpt') \
                and self.method in ('after_train_epoch', 'after_train_iter'):
            self.mark('approximation', CKPT)
        return True


class Timeline(HookRule):
    id = 'HK006'
    name = 'timeline'
    summary = ('marks code that depends on the moved LR setting, backward/step, evaluation or '
               'checkpoint timing, and says what to check')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        return module.visit(_Timeline(self, ctx, kinds))
