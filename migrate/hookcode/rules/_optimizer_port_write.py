"""Writing an OptimizerHook subclass as an OptimWrapper subclass (HK008): the writing half of
``_optimizer_port``, run once the reading half found nothing that blocks the port."""
from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst

from migrate.hookcode.recognise import dotted
from migrate.hookcode.rules._optimizer_port_read import (PortPlan, is_backward,
                                                         is_outputs_loss, is_super_call,
                                                         super_init)


class _Rewrite(cst.CSTTransformer):
    """A method's body with the wrapper's names (``runner`` None: a method other than
    after_train_iter, where only ``self.grad_clip`` changes)."""

    def __init__(self, runner: Optional[str], plan: PortPlan,
                 logging_pairs: Optional[Dict[int, str]] = None):
        super().__init__()
        self.runner, self.notes, self.renamed = runner, plan.notes, plan.renamed
        self.logging_pairs = logging_pairs or {}
        self.after_backward = False

    def _count(self, after: str, before: str) -> cst.BaseExpression:
        return cst.parse_expression(after if self.after_backward else before)

    # the one backward is a statement of the method's own: what follows it in source order
    # runs after it
    def leave_Expr(self, original: cst.Expr, updated: cst.Expr) -> cst.Expr:
        if is_backward(original.value):
            self.after_backward = True
        return updated

    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.IndentedBlock:
        out: List[cst.BaseStatement] = []
        for old, new in zip(original.body, updated.body):
            role = self.logging_pairs.get(id(old))
            if role == 'log':
                continue
            if role == 'clip':
                out.append(cst.parse_statement('self._clip_grad()\n').with_changes(
                    leading_lines=new.leading_lines))
                _note(self.notes, "the grad_norm the hook put in runner.log_buffer: the "
                                  "wrapper's _clip_grad logs it as train/grad_norm")
                continue
            if isinstance(old, cst.SimpleStatementLine) and len(old.body) == 1 \
                    and isinstance(old.body[0], cst.Expr) \
                    and is_super_call(old.body[0].value, 'after_train_iter'):
                steps = [cst.parse_statement(s + '\n') for s in _BASE_STEPS]
                steps[0] = steps[0].with_changes(leading_lines=new.leading_lines)
                out.extend(steps)
                _note(self.notes, 'super().after_train_iter(runner) is spelled out: '
                                  'OptimizerHook zeroed the gradients, back-propagated, '
                                  'clipped when grad_clip was set and stepped')
                continue
            out.append(new)
        return updated.with_changes(body=out)

    def leave_Subscript(self, original, updated):
        if self.runner and is_outputs_loss(original, self.runner):
            return cst.Name('loss')
        return updated

    def leave_Attribute(self, original, updated):
        name = dotted(original)
        renamed = _renamed(original, updated, self.renamed)
        if renamed is not None:
            return renamed
        if self.runner and name == f'{self.runner}.optimizer':
            return cst.parse_expression('self.optimizer')
        if self.runner and name == f'{self.runner}.iter':
            return self._count('(self._inner_count - 1)', 'self._inner_count')
        if name == 'self.grad_clip':
            return cst.parse_expression('self.clip_grad_kwargs')
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = dotted(original.func)
        if self.runner and name == 'self.every_n_iters':
            n = updated.args[1].value
            text = cst.Module([]).code_for_node(n)
            if not isinstance(n, (cst.Name, cst.Attribute, cst.Integer)):
                text = f'({text})'
            return self._count(f'self._inner_count % {text} == 0',
                               f'(self._inner_count + 1) % {text} == 0')
        if name == 'self.clip_grads':
            return cst.parse_expression('self._clip_grad()')
        if self.runner and name == f'{self.runner}.model.zero_grad':
            _note(self.notes, 'runner.model.zero_grad() is self.optimizer.zero_grad(): the '
                              'same gradients when the optimizer holds every parameter of the '
                              "model, as MMCV's and MMEngine's default constructors build it")
            return updated.with_changes(func=cst.parse_expression('self.optimizer.zero_grad'))
        if self.runner and isinstance(original.func, cst.Attribute) \
                and original.func.attr.value == 'backward':
            receiver = updated.func.value
            if not isinstance(receiver, (cst.Tuple, cst.GeneratorExp)):
                receiver = receiver.with_changes(lpar=[], rpar=[])   # an argument needs none
            args = [cst.Arg(receiver)] + list(updated.args)
            if len(args) > 1:
                args[0] = args[0].with_changes(comma=cst.Comma(
                    whitespace_after=cst.SimpleWhitespace(' ')))
            return updated.with_changes(func=cst.parse_expression('self.backward'), args=args)
        return updated


#: OptimizerHook.after_train_iter on the wrapper (grad_norm logging is _clip_grad's own)
_BASE_STEPS = ('self.optimizer.zero_grad()', 'self.backward(loss)',
               'if self.clip_grad_kwargs is not None:\n    self._clip_grad()',
               'self.optimizer.step()')


def _renamed(original: cst.Attribute, updated: cst.Attribute,
             renamed: Dict[str, str]) -> Optional[cst.Attribute]:
    """``self.<attr>`` under the name the port gives the hook's own attribute, or None."""
    if isinstance(original.value, cst.Name) and original.value.value == 'self' \
            and original.attr.value in renamed:
        return updated.with_changes(attr=cst.Name(renamed[original.attr.value]))
    return None


def _note(notes: List[str], text: str) -> None:
    if text not in notes:
        notes.append(text)


def build_port(cls: cst.ClassDef, base: str, new_base: str, registry: str, runner: Optional[str],
           pairs: Dict[int, str], plan: PortPlan) -> cst.ClassDef:
    """``cls`` as a subclass of ``new_base``, registered in ``registry`` if it was in HOOKS."""
    body: List[cst.BaseStatement] = []
    for stmt in cls.body.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == 'after_train_iter':
            stmt = _port_step(stmt, runner, pairs, plan)
        elif isinstance(stmt, cst.FunctionDef) and stmt.name.value == '__init__':
            stmt = _port_init(stmt, plan)
        elif isinstance(stmt, cst.FunctionDef):
            stmt = stmt.visit(_Rewrite(None, plan))
        body.append(stmt)
    bases = [a.with_changes(value=cst.Name(new_base))
             if a.keyword is None and dotted(a.value).rsplit('.', 1)[-1] == base else a
             for a in cls.bases]
    decorators = []
    for deco in cls.decorators:
        func = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
        if dotted(func).endswith('HOOKS.register_module'):
            new_func = cst.parse_expression(f'{registry}.register_module')
            deco = deco.with_changes(decorator=deco.decorator.with_changes(func=new_func)
                                     if isinstance(deco.decorator, cst.Call) else new_func)
        decorators.append(deco)
    return cls.with_changes(bases=bases, decorators=decorators,
                            body=cls.body.with_changes(body=body))


def _port_step(fn: cst.FunctionDef, runner: str, pairs: Dict[int, str],
               plan: PortPlan) -> cst.FunctionDef:
    body = fn.body.visit(_Rewrite(runner, plan, pairs))
    params = cst.parse_statement(
        'def update_params(self, loss, step_kwargs=None, zero_kwargs=None):\n    pass\n').params
    return fn.with_changes(name=cst.Name('update_params'), params=params, body=body)


def _port_init(fn: cst.FunctionDef, plan: PortPlan) -> cst.FunctionDef:
    call = super_init(fn)
    params = fn.params
    star_kwarg = params.star_kwarg.name.value if isinstance(params.star_kwarg, cst.Param) \
        else None
    forwards_kwargs = star_kwarg is not None and any(
        a.star == '**' and dotted(a.value) == star_kwarg for a in call.args)
    renamed = {'grad_clip': 'clip_grad'} if any(
        p.name.value == 'grad_clip' for p in list(params.params) + list(params.kwonly_params)) \
        else {}

    class _InitRewrite(cst.CSTTransformer):
        def leave_Name(self, original, updated):
            return updated.with_changes(value=renamed.get(updated.value, updated.value))

        def leave_Attribute(self, original, updated):
            if dotted(original) == 'self.grad_clip':
                return cst.parse_expression('self.clip_grad_kwargs')
            updated = updated.with_changes(attr=original.attr)
            return _renamed(original, updated, plan.renamed) or updated

        def leave_Arg(self, original, updated):
            if updated.keyword is not None and updated.keyword.value == 'grad_clip':
                return updated.with_changes(keyword=cst.Name('clip_grad'))
            return updated

        def leave_Call(self, original, updated):
            if not is_super_call(original, '__init__'):
                return updated
            args = list(updated.args)
            positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
            for i in positional:   # OptimizerHook(grad_clip) -> OptimWrapper(clip_grad=...)
                args[i] = args[i].with_changes(keyword=cst.Name('clip_grad'),
                                               equal=cst.AssignEqual(
                                                   whitespace_before=cst.SimpleWhitespace(''),
                                                   whitespace_after=cst.SimpleWhitespace('')))
            if not forwards_kwargs:
                args = [cst.Arg(cst.Name('optimizer'), comma=cst.Comma(
                    whitespace_after=cst.SimpleWhitespace(' ')))] + args
                if len(args) == 1:
                    args[0] = args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(args=args)

    fn = fn.with_changes(body=fn.body.visit(_InitRewrite()))
    new_params = []
    for p in params.params:
        if p.name.value in renamed:
            p = p.with_changes(name=cst.Name(renamed[p.name.value]))
        new_params.append(p)
    kwonly = [p.with_changes(name=cst.Name(renamed[p.name.value]))
              if p.name.value in renamed else p for p in params.kwonly_params]
    if not forwards_kwargs:
        # self, then the optimizer optim_wrapper passes first
        optimizer = cst.Param(cst.Name('optimizer'), comma=cst.Comma(
            whitespace_after=cst.SimpleWhitespace(' ')))
        if new_params and new_params[0].name.value == 'self':
            new_params.insert(1, optimizer)
        else:
            new_params.insert(0, optimizer)
        plan.notes.append('__init__ takes the optimizer first, as optim_wrapper builds it')
    if renamed:
        plan.notes.append('the grad_clip argument is clip_grad, the name optim_wrapper uses')
    return fn.with_changes(params=params.with_changes(params=new_params, kwonly_params=kwonly))
