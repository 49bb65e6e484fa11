"""HK004: the legacy runner attributes a hook reads, as MMEngine's runner and stage
arguments hold them (``runner.log_buffer`` is HK005's)."""
from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from migrate.hookcode.context import HookContext
from migrate.hookcode.recognise import dotted
from migrate.hookcode.rules.base import ITER_STAGES, HookRule, MethodTransformer, phase_of

_GUARDS = ('is_module_wrapper', 'is_model_wrapper', "'module'", '"module"')
#: runner.meta[key] -> what holds it now
_META = {'seed': 'runner.seed', 'exp_name': 'runner.experiment_name'}


def _string(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value if isinstance(node.evaluated_value, str) else None
    return None


def _index(node: cst.Subscript) -> Optional[str]:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return _string(node.slice[0].slice.value)


class _Attributes(MethodTransformer):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._guarded = 0
        self._assign_targets = 0

    # -- guards: code that already unwraps the model is left as it is -------------------------
    def _guard(self, test: cst.BaseExpression) -> bool:
        code = cst.Module([]).code_for_node(test)
        return any(g in code for g in _GUARDS)

    def visit_If(self, node: cst.If) -> bool:
        self._guarded += self._guard(node.test)
        return True

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.BaseStatement:
        self._guarded -= self._guard(original.test)
        return updated

    def visit_IfExp(self, node: cst.IfExp) -> bool:
        self._guarded += self._guard(node.test)
        return True

    def leave_IfExp(self, original: cst.IfExp, updated: cst.IfExp) -> cst.BaseExpression:
        self._guarded -= self._guard(original.test)
        return updated

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        self._assign_targets += 1
        return True

    def leave_AssignTarget(self, original, updated):
        self._assign_targets -= 1
        return updated

    # -- rewrites ------------------------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.BaseExpression:
        if not self.active:
            return updated
        path = dotted(original)
        phase = phase_of(self.method)
        iter_stage = self.method in ITER_STAGES
        if path == 'runner.inner_iter':
            if iter_stage:
                self.changed()
                self.note('runner.inner_iter is the batch_idx argument (in MMEngine\'s '
                          'iteration-based loop it counts all iterations, where MMCV\'s '
                          'IterBasedRunner restarted it at every workflow phase)')
                return cst.Name('batch_idx')
            self.mark('manual', 'runner.inner_iter does not exist in MMEngine: the batch index '
                      'is the batch_idx argument of the iteration stages; pass it here')
        elif path == 'runner.data_batch':
            if iter_stage:
                self.changed()
                self.note('runner.data_batch is the data_batch argument (the dataloader\'s '
                          'batch before the data preprocessor, no longer DataContainers)')
                return cst.Name('data_batch')
            self.mark('manual', 'runner.data_batch does not exist in MMEngine: use the '
                      'data_batch argument of an iteration stage')
        elif path == 'runner.outputs':
            if self.method == 'after_train_iter':
                self.changed()
                return cst.Name('outputs')
            self.mark('manual', 'runner.outputs does not exist in MMEngine: after_train_iter '
                      'receives the log_vars of the step as outputs; val/test outputs are '
                      'predictions, not losses')
        elif path == 'runner.data_loader':
            if phase in ('train', 'val', 'test'):
                self.changed()
                return cst.parse_expression(f'runner.{phase}_dataloader')
            self.mark('manual', 'runner.data_loader does not exist in MMEngine: use '
                      'runner.train_dataloader or runner.val_dataloader')
        elif path == 'runner.mode':
            if phase is not None:
                self.changed()
                self.note(f'runner.mode is {phase!r} in {self.method}')
                return cst.SimpleString(f"'{phase}'")
            self.mark('manual', "runner.mode does not exist in MMEngine: "
                      "runner.message_hub.get_info('loop_stage') names the running loop")
        elif path in ('runner._max_epochs', 'runner._max_iters'):
            self.changed()
            if self._assign_targets:   # runner.max_epochs is a read-only property now
                self.note(f'{path} = ... sets the train loop\'s length: '
                          f'runner.train_loop.{original.attr.value}')
                return cst.parse_expression(f'runner.train_loop.{original.attr.value}')
            return updated.with_changes(attr=cst.Name(original.attr.value[1:]))
        elif path == 'runner.optimizer.param_groups':
            self.changed()
            return cst.parse_expression('runner.optim_wrapper.param_groups')
        elif path == 'runner.optimizer':
            return updated   # its parents decide (see leave_Subscript/leave_Call)
        elif path.startswith('runner.optimizer.') and path.count('.') == 2:
            if original.attr.value in ('step', 'zero_grad'):
                self.mark('manual', f'runner.optimizer.{original.attr.value}() in a hook: '
                          'MMEngine steps the optimizer inside model.train_step '
                          '(optim_wrapper.update_params) before any after_train_iter hook; '
                          'move this into an OptimWrapper subclass')
                return updated
            self.changed()
            return cst.parse_expression(f'runner.optim_wrapper.optimizer.'
                                        f'{original.attr.value}')
        elif path == 'runner.model.module' and not self._guarded:
            self.changed()
            self.note('runner.model.module assumed MMCV\'s always-wrapped model; MMEngine '
                      'wraps it only when distributed: the model is unwrapped when wrapped')
            if self.ctx.target == 'engine':
                self.ctx.needed.add('unwrap_model')
                return cst.parse_expression('unwrap_model(runner.model)')
            self.ctx.needed.add('is_model_wrapper')
            return cst.parse_expression(
                '(runner.model.module if is_model_wrapper(runner.model) else runner.model)')
        return updated

    def leave_Subscript(self, original: cst.Subscript,
                        updated: cst.Subscript) -> cst.BaseExpression:
        if not self.active:
            return updated
        path, key = dotted(original.value), _index(original)
        if path == 'runner.outputs' and self.method == 'after_train_iter':
            if key == 'log_vars':
                return cst.Name('outputs')
            if key == 'num_samples':
                self.mark('manual', "runner.outputs['num_samples'] has no MMEngine "
                          "equivalent (outputs holds log_vars only): count the batch from "
                          "data_batch")
                return original
            if key == 'loss':
                self.note("outputs['loss'] is the detached total loss: backward and the "
                          "optimizer step already ran in train_step")
        if isinstance(original.value, cst.Subscript) and dotted(original.value.value) == \
                'runner.outputs' and _index(original.value) == 'log_vars' \
                and self.method == 'after_train_iter':
            return updated
        if path == 'runner.meta':
            if key in _META:
                self.changed()
                return cst.parse_expression(_META[key])
            if key != 'hook_msgs':
                self.mark('manual', f'runner.meta[{key!r}] does not exist in MMEngine: the '
                          'runner holds seed, experiment_name and cfg; other run information '
                          'lives in runner.message_hub (get_info/update_info)')
            return updated
        if isinstance(original.value, cst.Subscript) and dotted(original.value.value) == \
                'runner.meta' and _index(original.value) == 'hook_msgs' and key is not None:
            if self._assign_targets:
                self.mark('manual', f"runner.meta['hook_msgs'][{key!r}] = ...: write "
                          f"runner.message_hub.update_info({key!r}, value) instead")
                return original
            self.changed()
            return cst.parse_expression(f'runner.message_hub.get_info({key!r})')
        if path == 'runner.optimizer':
            self.mark('manual', 'runner.optimizer[...]: several optimizers are an '
                      'OptimWrapperDict in MMEngine: use runner.optim_wrapper[name] (its '
                      '.optimizer is the torch optimizer)')
            return original
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not self.active:
            return updated
        path = dotted(original.func)
        if path in ('runner.current_lr', 'runner.current_momentum') and not original.args:
            self.changed()
            what = 'lr' if path.endswith('lr') else 'momentum'
            self.note(f'{path}() is runner.optim_wrapper.get_{what}()[{what!r}] (one '
                      'optimizer; several are an OptimWrapperDict keyed by name)')
            return cst.parse_expression(f'runner.optim_wrapper.get_{what}()[{what!r}]')
        return updated


class _BareOptimizer(MethodTransformer):
    """``runner.optimizer`` left after the specific forms: the wrapped torch optimizer."""

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        return dotted(node.value) != 'runner.optimizer'   # several optimizers: marked

    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.BaseExpression:
        if self.active and dotted(original) == 'runner.optimizer':
            self.changed()
            return cst.parse_expression('runner.optim_wrapper.optimizer')
        return updated


class RunnerAttributes(HookRule):
    id = 'HK004'
    name = 'runner-attributes'
    summary = ('runner.outputs/inner_iter/data_batch become the stage arguments; optimizer, '
               'current_lr(), data_loader, model.module, meta and mode as MMEngine holds them')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        module = module.visit(_Attributes(self, ctx, kinds))
        return module.visit(_BareOptimizer(self, ctx, kinds))
