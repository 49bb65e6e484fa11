"""HK004: the legacy runner attributes a hook reads, as MMEngine's runner and stage
arguments hold them (``runner.log_buffer`` is HK005's)."""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Set

import libcst as cst

from migrate.hookcode.context import HookContext
from migrate.hookcode.recognise import dotted, written_for_the_new_runtime
from migrate.hookcode.rules.base import ITER_STAGES, HookRule, MethodTransformer, phase_of

_GUARDS = ('is_module_wrapper', 'is_model_wrapper', "'module'", '"module"')
#: runner.meta[key] -> what holds it now
_META = {'seed': 'runner.seed', 'exp_name': 'runner.experiment_name'}
META = ("runner.meta (MMCV's run metadata dict, None unless the train script gave one) does "
        'not exist in MMEngine: seed is runner.seed, exp_name runner.experiment_name, the '
        'config runner.cfg, the hook messages (last_ckpt, best_ckpt, best_score) '
        'runner.message_hub.get_info(key)/update_info(key, value); what a checkpoint saves is '
        "checkpoint['meta'] in a before_save_checkpoint(runner, checkpoint) hook")
_GENERIC_STAGES = ('before_epoch', 'after_epoch', 'before_iter', 'after_iter')
_STEP = ('{}() in a hook: MMEngine steps the optimizer inside model.train_step '
         '(optim_wrapper.update_params) before any after_train_iter hook; move this into an '
         'OptimWrapper subclass')
#: MMCV runner private attribute -> the public property that returned it in MMCV, which
#: MMEngine's Runner has with the same meaning
_PRIVATE = {'_epoch': 'epoch', '_iter': 'iter', '_hooks': 'hooks', '_rank': 'rank',
            '_world_size': 'world_size', '_model_name': 'model_name'}
#: runner.optimizer as a dict of torch optimizers (name -> optimizer), from the OptimWrapperDict
OPTIMIZERS = '{name: w.optimizer for name, w in runner.optim_wrapper.items()}'
DICT_OF_OPTIMIZERS = ('runner.optimizer as a dict of optimizers is an OptimWrapperDict in '
                      'MMEngine (isinstance(runner.optim_wrapper, OptimWrapperDict); items(), '
                      'values() and [name] give optim wrappers, .optimizer of each is the '
                      'torch optimizer)')


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
        self.native = False
        self._assign_targets = 0
        self._written: Set[int] = set()       # ids of the nodes assigned to
        self._subscripted: Set[int] = set()   # ids of the nodes subscripted

    def _writes(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._writes(element.value)
        else:
            self._written.add(id(target))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        self._assign_targets += 1
        self._writes(node.target)
        return True

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self._writes(node.target)
        return True

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        self._writes(node.target)
        return True

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        self._subscripted.add(id(node.value))
        return True

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

    def leave_AssignTarget(self, original, updated):
        self._assign_targets -= 1
        return updated

    # -- rewrites ------------------------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.BaseExpression:
        if not self.active:
            return updated
        if original.attr.value in ('step', 'zero_grad') and \
                isinstance(original.value, cst.Subscript) and \
                dotted(original.value.value) == 'runner.optimizer':
            self.mark('manual', _STEP.format(f'runner.optimizer[...].{original.attr.value}'))
            return updated
        path = dotted(original)
        phase = phase_of(self.method)
        iter_stage = self.method in ITER_STAGES
        if path.startswith('runner._') and path.count('.') == 1 and not self.native and \
                path not in ('runner._max_epochs', 'runner._max_iters'):
            if id(original) in self._written:
                self.mark('manual', _private_write(original.attr.value))
                return updated
            if path in ('runner._epoch', 'runner._iter', 'runner._hooks', 'runner._rank',
                        'runner._world_size', 'runner._model_name'):
                self.changed()
                return updated.with_changes(attr=cst.Name(_PRIVATE[original.attr.value]))
            if path != 'runner._inner_iter':
                self.mark('manual', f'{path} is a private attribute of MMCV\'s runner that '
                          'MMEngine\'s Runner does not have: port this by hand')
                return updated
            path = 'runner.inner_iter'   # MMCV's runner.inner_iter returned it
        if path == 'runner.inner_iter':
            shown = dotted(original)
            if iter_stage:
                self.changed()
                self.note(f'{shown} is the batch_idx argument (in MMEngine\'s '
                          'iteration-based loop it counts all iterations, where MMCV\'s '
                          'IterBasedRunner restarted it at every workflow phase)')
                return cst.Name('batch_idx')
            self.mark('manual', f'{shown} does not exist in MMEngine: the batch index '
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
            if id(original) in self._written:   # runner.max_epochs is read-only now
                self.note(f'writing {path} sets the train loop\'s length: '
                          f'runner.train_loop.{original.attr.value}')
                return cst.parse_expression(f'runner.train_loop.{original.attr.value}')
            return updated.with_changes(attr=cst.Name(original.attr.value[1:]))
        elif path == 'runner.batch_processor':
            self.mark('manual', 'runner.batch_processor (MMCV\'s stand-in for '
                      'model.train_step/val_step) does not exist in MMEngine: every iteration '
                      'runs the model\'s train_step/val_step')
        elif path == 'runner.meta' and id(original) not in self._subscripted:
            self.mark('manual', META)
        elif path in ('runner.optimizer.items', 'runner.optimizer.values'):
            self.changed()
            self.note(DICT_OF_OPTIMIZERS)
            return cst.Attribute(value=cst.parse_expression(OPTIMIZERS), attr=original.attr)
        elif path == 'runner.optimizer.keys':
            self.changed()
            return cst.parse_expression('runner.optim_wrapper.keys')
        elif path in ('runner.optimizer.get', 'runner.optimizer.setdefault',
                      'runner.optimizer.pop', 'runner.optimizer.update',
                      'runner.optimizer.copy'):
            self.mark('manual', f'{path}: {DICT_OF_OPTIMIZERS}; port this by hand')
            return updated
        elif path == 'runner.optimizer.param_groups':
            self.changed()
            return cst.parse_expression('runner.optim_wrapper.param_groups')
        elif path == 'runner.optimizer':
            return updated   # its parents decide (see leave_Subscript/leave_Call)
        elif path.startswith('runner.optimizer.') and path.count('.') == 2:
            if original.attr.value in ('step', 'zero_grad'):
                self.mark('manual', _STEP.format(f'runner.optimizer.{original.attr.value}'))
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
                self.note("outputs['loss'] is the total loss after its backward and the "
                          "optimizer step ran in train_step (not detached, but its graph is "
                          "freed)")
        if isinstance(original.value, cst.Subscript) and dotted(original.value.value) == \
                'runner.outputs' and _index(original.value) == 'log_vars' \
                and self.method == 'after_train_iter':
            return updated
        if path == 'runner.meta':
            if key in _META and id(original) in self._written:
                self.mark('manual', f'runner.meta[{key!r}] = ...: MMEngine\'s runner holds it '
                          f'as the read-only {_META[key]}; set it in the config instead')
                return original
            if key in _META:
                self.changed()
                return cst.parse_expression(_META[key])
            if key != 'hook_msgs':
                self.mark('manual', f'runner.meta[{key!r}] does not exist in MMEngine: the '
                          'runner holds seed, experiment_name and cfg; other run information '
                          'lives in runner.message_hub (get_info/update_info)')
            elif id(original) not in self._subscripted:
                self.mark('manual', "runner.meta['hook_msgs'] does not exist in MMEngine: "
                          'each hook message (last_ckpt, best_ckpt, best_score) is '
                          'runner.message_hub.get_info(key), written with '
                          'update_info(key, value)')
            return updated
        if isinstance(original.value, cst.Subscript) and dotted(original.value.value) == \
                'runner.meta' and _index(original.value) == 'hook_msgs' and key is not None:
            if self._assign_targets or id(original) in self._written:
                self.mark('manual', f"runner.meta['hook_msgs'][{key!r}] = ...: write "
                          f"runner.message_hub.update_info({key!r}, value) instead")
                return original
            self.changed()
            return cst.parse_expression(f'runner.message_hub.get_info({key!r})')
        if path == 'runner.optimizer':
            if id(original) in self._written:
                self.mark('manual', f'runner.optimizer[...] = ...: {DICT_OF_OPTIMIZERS}; '
                          'replace the wrapper by hand')
                return original
            self.changed()
            self.note(DICT_OF_OPTIMIZERS)
            return cst.Attribute(value=updated.with_changes(
                value=cst.parse_expression('runner.optim_wrapper')), attr=cst.Name('optimizer'))
        return updated

    def leave_Comparison(self, original: cst.Comparison,
                         updated: cst.Comparison) -> cst.BaseExpression:
        if not self.active:
            return updated
        targets = [t.with_changes(comparator=cst.parse_expression('runner.optim_wrapper'))
                   if isinstance(t.operator, (cst.In, cst.NotIn))
                   and dotted(t.comparator) == 'runner.optimizer' else t
                   for t in updated.comparisons]
        if targets != list(updated.comparisons):
            self.changed()
            return updated.with_changes(comparisons=targets)
        return updated

    def leave_For(self, original: cst.For, updated: cst.For) -> cst.BaseStatement:
        if self.active and dotted(original.iter) == 'runner.optimizer':
            self.changed()
            self.note(DICT_OF_OPTIMIZERS)
            return updated.with_changes(iter=cst.parse_expression('runner.optim_wrapper.keys()'))
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
        if path == 'runner.save_checkpoint' and not self.native:
            self.mark('manual', 'runner.save_checkpoint(...): MMEngine\'s is '
                      'save_checkpoint(out_dir, filename, save_optimizer=True, '
                      'save_param_scheduler=True, meta=None, by_epoch=True) and takes the file '
                      'name itself (MMCV: save_checkpoint(out_dir, filename_tmpl, '
                      'save_optimizer, meta, create_symlink), filename_tmpl formatted with '
                      'epoch + 1 or iter + 1, latest.pth linked): rewrite this call')
        if path == 'runner.call_hook' and original.args and not self.native:
            stage = _string(original.args[0].value)
            if stage in _GENERIC_STAGES:
                self.mark('manual', f'runner.call_hook({stage!r}): MMEngine has no {stage} '
                          'stage; call the train/val stage it stands for')
            elif stage in ITER_STAGES and len(original.args) == 1:
                extra = ', outputs=...' if stage.startswith('after') else ''
                self.mark('manual', f'runner.call_hook({stage!r}) passes no batch_idx: '
                          f'MMEngine\'s hooks take call_hook({stage!r}, batch_idx=..., '
                          f'data_batch=...{extra})')
        if path == 'isinstance' and len(original.args) == 2 and \
                dotted(original.args[0].value) == 'runner.optimizer':
            if dotted(original.args[1].value) == 'dict':
                self.changed()
                self.ctx.needed.add('OptimWrapperDict')
                return updated.with_changes(args=[
                    updated.args[0].with_changes(
                        value=cst.parse_expression('runner.optim_wrapper')),
                    updated.args[1].with_changes(value=cst.Name('OptimWrapperDict'))])
            if re.search(r'dict|Mapping', cst.Module([]).code_for_node(original.args[1]),
                         re.IGNORECASE):
                self.mark('manual', f'isinstance(runner.optimizer, ...) tests for a dict of '
                          f'optimizers: {DICT_OF_OPTIMIZERS}; port this test by hand')
        if path == 'len' and len(original.args) == 1 and \
                dotted(original.args[0].value) == 'runner.optimizer':
            self.changed()
            return cst.parse_expression('len(runner.optim_wrapper)')
        return updated


def _private_write(name: str) -> str:
    public = _PRIVATE.get(name)
    if name in ('_epoch', '_iter'):
        return (f'writing runner.{name} changes MMCV\'s private {public} counter: MMEngine\'s '
                f'runner.{public} is a read-only property of the train loop, whose counter is '
                f'runner.train_loop.{name} (private too; RuntimeInfoHook copies it into the '
                f'message hub\'s {public!r} info before each train epoch/iteration, which the '
                'loggers read): port this write by hand')
    if name == '_inner_iter':
        return ('writing runner._inner_iter changes MMCV\'s private batch counter: MMEngine has '
                'none (the batch index is the loop\'s own batch_idx): port this write by hand')
    return (f'writing runner.{name} changes a private attribute of MMCV\'s runner that '
            'MMEngine\'s Runner does not have: port this write by hand')


def _dict_branch(test: cst.BaseExpression) -> Optional[bool]:
    """For an ``if`` on a converted ``isinstance(runner.optim_wrapper, OptimWrapperDict)``:
    True if its body is the several-optimizers branch, False if its else is, None if the
    test says nothing of it; 'mixed' (a str) if it cannot tell."""
    if 'isinstance(runner.optim_wrapper, OptimWrapperDict)' not in \
            cst.Module([]).code_for_node(test):
        return None
    if isinstance(test, cst.Call):
        return True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) and \
            isinstance(test.expression, cst.Call):
        return False
    return 'mixed'   # type: ignore[return-value]


class _BareOptimizer(MethodTransformer):
    """``runner.optimizer`` left after the specific forms: the wrapped torch optimizer, or, in
    the branch of ``isinstance(runner.optimizer, dict)``, the dict of torch optimizers."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._branches: List[object] = []   # 'dict', 'single' or 'mixed' per enclosing branch
        self._alias: Optional[str] = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        result = super().visit_FunctionDef(node)
        if self._depth == 1:
            self._alias = _dict_alias(cst.Module([]).code_for_node(node))
        return result

    def _enter(self, test: cst.BaseExpression, body: bool) -> None:
        branch = _dict_branch(test)
        if branch is None or branch == 'mixed':
            self._branches.append(branch)
        else:
            self._branches.append('dict' if branch == body else 'single')

    def visit_If_body(self, node: cst.If) -> None:
        self._enter(node.test, True)

    def leave_If_body(self, node: cst.If) -> None:
        self._branches.pop()

    def visit_If_orelse(self, node: cst.If) -> None:
        self._enter(node.test, False)

    def leave_If_orelse(self, node: cst.If) -> None:
        self._branches.pop()

    def visit_IfExp_body(self, node: cst.IfExp) -> None:
        self._enter(node.test, True)

    def leave_IfExp_body(self, node: cst.IfExp) -> None:
        self._branches.pop()

    def visit_IfExp_orelse(self, node: cst.IfExp) -> None:
        self._enter(node.test, False)

    def leave_IfExp_orelse(self, node: cst.IfExp) -> None:
        self._branches.pop()

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        return dotted(node.value) != 'runner.optimizer'   # several optimizers: marked

    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.BaseExpression:
        if not self.active or dotted(original) != 'runner.optimizer':
            return updated
        branch = next((b for b in reversed(self._branches) if b is not None), None)
        if branch == 'dict':
            self.changed()
            self.note(DICT_OF_OPTIMIZERS)
            return cst.parse_expression(OPTIMIZERS)
        if branch == 'mixed' or (branch is None and self._alias):
            where = f' through {self._alias}' if branch is None else ''
            self.mark('manual', f'runner.optimizer is used as a dict of optimizers{where}: '
                      f'{DICT_OF_OPTIMIZERS}, a single one is runner.optim_wrapper.optimizer; '
                      'port this by hand')
            return updated
        self.changed()
        return cst.parse_expression('runner.optim_wrapper.optimizer')


def _dict_alias(code: str) -> Optional[str]:
    """A name a method binds to ``runner.optimizer`` and then uses as a dict, if any."""
    for alias in re.findall(r'\b(\w+)\s*=\s*runner\.optimizer\b(?![.\[])', code):
        a = re.escape(alias)
        if re.search(rf'isinstance\(\s*{a}\s*,[^)]*(dict|Mapping)|\b{a}\.(items|values|keys|get)'
                     rf'\(|\b{a}\[|\bin\s+{a}\b', code):
            return alias
    return None


class RunnerAttributes(HookRule):
    id = 'HK004'
    name = 'runner-attributes'
    summary = ('runner.outputs/inner_iter/data_batch become the stage arguments; optimizer, '
               'current_lr(), data_loader, model.module, meta and mode as MMEngine holds them')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        attributes = _Attributes(self, ctx, kinds)
        # a module written for MMEngine calls MMEngine's runner: its privates and its
        # save_checkpoint/call_hook are MMEngine's own, not MMCV's
        attributes.native = written_for_the_new_runtime(module)
        module = module.visit(attributes)
        return module.visit(_BareOptimizer(self, ctx, kinds))
