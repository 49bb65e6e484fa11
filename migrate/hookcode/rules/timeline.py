"""HK006: comments where a hook's logic depends on a timeline MMEngine changed.

The code stays as converted; the comment says what moved and what to check (reference §C.5
"Timeline differences that legacy hook code will hit").
"""
from __future__ import annotations

import re
from typing import Dict, Optional, Set

import libcst as cst

from migrate.hookcode.context import HookContext, has_marker
from migrate.hookcode.recognise import all_imports, base_names, dotted, written_for_the_new_runtime
from migrate.hookcode.rules.base import HookRule, MethodTransformer
from migrate.hookcode.rules.helpers import defined_methods

GRADS = ('gradients are already zeroed here: MMEngine runs backward, step and zero_grad in '
         'train_step (optim_wrapper.update_params) before every after_train_iter hook (MMCV: '
         'OptimizerHook at ABOVE_NORMAL inside after_train_iter, grads kept until the next '
         'iteration); read them in an OptimWrapper subclass (step) instead')
LOSS = ("the loss's backward and the optimizer step already ran in train_step, before every "
        "after_train_iter hook: the loss is not detached, but its graph is freed (a second "
        "backward raises) and changing it changes nothing (MMCV: a hook above ABOVE_NORMAL "
        "could still change runner.outputs['loss'] before OptimizerHook's backward); change a "
        "loss in the model or an OptimWrapper subclass")
LR_WRITE = ('LR is now set by ParamSchedulerHook after each iteration/epoch (LOW), not by '
            'the LR updater before it (VERY_HIGH): a value written here is used by this '
            'iteration, and the scheduler\'s next step starts from it')
LR_READ = ('LR is now set in after_train_iter/epoch (ParamSchedulerHook, LOW): read here it '
           'is still the value this iteration used only while this hook\'s priority is above '
           'LOW (a before_* stage reads the same value as in MMCV)')
BEFORE_RUN = ('moved from before_run, which MMEngine calls before it initialises the weights '
              '(init_cfg) and before load_from/resume (and for val/test runs too): this uses '
              'the model or the run\'s counters, which MMCV\'s train scripts had initialised, '
              'loaded or resumed before runner.run() called before_run; before_train runs '
              'after both, just before the first epoch')
BEFORE_RUN_KEPT = ('MMEngine calls before_run before it initialises the weights (init_cfg) and '
                   'before load_from/resume, so this sees the initial weights and counters 0 on '
                   'resume (MMCV\'s train scripts had initialised, loaded or resumed before '
                   'runner.run() called before_run): move this code to before_train, which runs '
                   'after both ({})')
VAL_EVENT = ("{} now runs in the val loop (evaluation every val_interval; after_val_epoch gets "
             "the evaluator's metrics; outputs are predictions, not losses): MMCV called it "
             "only in a ('val', n) workflow phase, which ran val_step losses over the val data "
             "loader into runner.log_buffer, and never with workflow=[('train', 1)]")
VAL_STAGES = ('before_val_epoch', 'before_val_iter', 'after_val_iter', 'after_val_epoch')
#: code that uses the model (its weights) or reads the run's counters
_READS_STATE = re.compile(
    r'\brunner\.model\b|state_dict\(|deepcopy\(|\bparameters\(|named_parameters\(|'
    r'\bbuffers\(|named_buffers\(|register_buffer\(|\.data\b|'
    r'\brunner\.(iter|epoch|inner_iter|_iter|_epoch|meta)\b|get_info\([\'"](iter|epoch)[\'"]')
CKPT = ('CheckpointHook now runs last (VERY_LOW; MMCV: NORMAL) and best checkpoints are '
        'saved in after_val_epoch: this value is not yet updated for the current epoch')


def _is_lr_subscript(node: cst.Subscript) -> bool:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return False
    value = node.slice[0].slice.value
    return isinstance(value, cst.SimpleString) and value.evaluated_value in ('lr',)


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class _UsesMmcvRunner(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.found = False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.found = self.found or dotted(node).startswith('mmcv.runner.')
        return not self.found


def _legacy(module: cst.Module) -> bool:
    """Still MMCV code (the import rule runs last): it imports mmcv.runner (``from mmcv
    import runner`` too, at any depth) or reaches it as ``mmcv.runner.<name>``, so its stages
    are MMCV's stages."""
    if any(m == 'mmcv.runner' or m.startswith('mmcv.runner.') for m in all_imports(module)):
        return True
    uses = _UsesMmcvRunner()
    module.visit(uses)
    return uses.found


def _before_run_blocker(module: cst.Module, cls: str) -> Optional[str]:
    """Why ``cls.before_run`` cannot simply become before_train, or None."""
    classes = {s.name.value: s for s in module.body if isinstance(s, cst.ClassDef)}
    defined = defined_methods(module)
    inherited = defined_methods(module, inherited_only=True)
    if 'before_train' in defined[cls]:
        return 'the class has a before_train already'
    if 'before_run' in inherited[cls]:
        return 'a base class in this module defines before_run too'
    if any(cls in base_names(c) and 'before_run' in _own_methods(c)
           for c in classes.values()):
        return 'a subclass in this module overrides it'
    if re.search(r'\b(super\(\)|self|Hook)\.before_run\(', _code(module)):
        return 'it is called as a method'
    return None


def _empty(fn: cst.FunctionDef) -> bool:
    """A body of ``pass``, ``...`` and a docstring only: whenever it runs, it does nothing."""
    body = fn.body.body if isinstance(fn.body, cst.IndentedBlock) else [fn.body]
    for stmt in body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            return False
        for small in stmt.body:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Expr) and isinstance(
                    small.value, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)):
                continue
            return False
    return True


def _reads_state(module: cst.Module, cls: str, fn: cst.FunctionDef) -> bool:
    """Does ``fn``, or a method of the class it calls as ``self.<m>(...)`` (at any depth),
    use the model or read the counters?"""
    classes = {s.name.value: s for s in module.body if isinstance(s, cst.ClassDef)}
    methods: Dict[str, cst.FunctionDef] = {}
    pending, seen = [cls], set()
    while pending:   # the class, then its bases in this module, the nearest one winning
        name = pending.pop(0)
        if name in seen or name not in classes:
            continue
        seen.add(name)
        for stmt in classes[name].body.body:
            if isinstance(stmt, cst.FunctionDef):
                methods.setdefault(stmt.name.value, stmt)
        pending.extend(base_names(classes[name]))
    todo, read = [fn], set()
    while todo:
        code = _code(todo.pop().body)
        if _READS_STATE.search(code):
            return True
        for called in re.findall(r'\bself\.(\w+)\(', code):
            if called in methods and called not in read:
                read.add(called)
                todo.append(methods[called])
    return False


def _own_methods(cls: cst.ClassDef) -> Set[str]:
    return {s.name.value for s in cls.body.body if isinstance(s, cst.FunctionDef)}


class _Timeline(MethodTransformer):
    def __init__(self, *args, module: cst.Module, **kw):
        super().__init__(*args, **kw)
        self._targets = 0
        self._groups = False
        self._module = module
        self._legacy = _legacy(module)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        result = super().visit_FunctionDef(node)
        if self._depth == 1:   # a method whose ['lr'] subscripts are param groups' LRs
            self._groups = 'param_groups' in _code(node)
        return result

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.CSTNode:
        if self.cls is not None and self._depth == 1 and self._legacy:
            if self.method == 'before_run' and _reads_state(self._module, self.cls, original):
                updated = self._before_run(updated)
            elif self.method in VAL_STAGES and not _empty(original) and \
                    not has_marker(original, 'HK005') and not self._val_said_by_hook_points():
                self.mark('approximation', VAL_EVENT.format(self.method))
        return super().leave_FunctionDef(original, updated)

    def _before_run(self, fn: cst.FunctionDef) -> cst.FunctionDef:
        blocker = _before_run_blocker(self._module, self.cls)
        if blocker is not None:
            self.mark('approximation', BEFORE_RUN_KEPT.format(f'by hand: {blocker}'))
            return fn
        self.changed()
        self.method = 'before_train'
        self.mark('note', BEFORE_RUN)
        return fn.with_changes(name=cst.Name('before_train'))

    def _val_said_by_hook_points(self) -> bool:
        """HK002 made this val stage of a generic method and said the event changed."""
        said = f'MMEngine calls {self.method} in the val loop'
        return any(f.rule == 'HK002' and f.key.startswith(f'{self.cls}.') and said in f.message
                   for f in self.ctx.findings)

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
    summary = ('marks code that depends on the moved LR setting, backward/step, evaluation, '
               'checkpoint or val-stage timing, and says what to check; a before_run that '
               'reads weights or counters becomes before_train')

    def apply(self, module: cst.Module, ctx: HookContext, kinds: Dict[str, str]) -> cst.Module:
        if written_for_the_new_runtime(module):
            return module   # its author wrote it against MMEngine's timeline already
        return module.visit(_Timeline(self, ctx, kinds, module=module))

