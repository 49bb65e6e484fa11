"""Porting an ``OptimizerHook`` subclass to an ``OptimWrapper`` subclass (used by HK008).

What maps, exactly (``R`` is the hook's runner argument):

* ``after_train_iter(self, R)`` -> ``update_params(self, loss, step_kwargs=None,
  zero_kwargs=None)``, which ``model.train_step`` calls once per iteration;
* ``R.outputs['loss']`` -> ``loss``; ``E.backward(...)`` -> ``self.backward(E, ...)`` (it also
  counts the iteration: it must run once, unconditionally, in the method's own body);
* ``R.optimizer`` -> ``self.optimizer`` (the torch optimizer: ``self.step()`` would clip a
  second time when ``clip_grad`` is set); ``R.model.zero_grad()`` ->
  ``self.optimizer.zero_grad()`` (the optimizer holds every model parameter, below);
* ``self.clip_grads(R.model.parameters())`` -> ``self._clip_grad()``: both clip the
  parameters that require grad and have one, with ``torch.nn.utils.clip_grad_norm_`` and the
  same keywords; the wrapper takes them from the optimizer's groups, which hold every model
  parameter when MMCV's/MMEngine's default constructor built the optimizer. The base class's
  ``grad_norm = ...; if grad_norm is not None: R.log_buffer.update({'grad_norm': ...}, ...)``
  is the same call (the wrapper logs ``train/grad_norm`` itself);
* ``self.every_n_iters(R, n)`` -> ``self._inner_count % n == 0`` after the backward
  (``(self._inner_count + 1) % n == 0`` before it), ``R.iter`` -> ``self._inner_count - 1``
  (``self._inner_count`` before it): the runner sets the count to the loop's iteration when
  training starts (``initialize_count_status``), the backward adds one;
* ``self.grad_clip`` tested against None or for truth -> ``self.clip_grad_kwargs`` (None when
  clipping is off, a non-empty dict when on); the ``grad_clip`` argument -> ``clip_grad``
  (the name ``optim_wrapper`` passes); ``__init__`` gains the ``optimizer`` argument unless
  ``**kwargs`` carry it to the base;
* ``super().after_train_iter(R)`` -> the base hook's steps spelled out on the wrapper;
* an attribute the hook sets under a name the wrapper uses (``self._inner_count`` as its own
  counter) -> ``self._hook_inner_count``.

Anything else that reads the runner, ``detect_anomalous_params``, overriding ``clip_grads`` or
another Hook method, several optimizers (``R.optimizer[...]``), setting a wrapper method's name,
a return before the backward, or a backward that does not run exactly once blocks the port:
the class is left as written, each blocking line marked. ``self.every_n_iters`` assumes
``n > 0`` (legacy never stepped for ``n <= 0``); ``step_kwargs``/``zero_kwargs``, which
MMEngine's own ``train_step`` never passes, are not used (the legacy hook had none)."""
from __future__ import annotations

from typing import List, Optional

import libcst as cst

from migrate.hookcode.recognise import dotted
from migrate.hookcode.rules._optimizer_port_read import (HOOK_METHODS, WRAPPER_METHODS,
                                                         WRAPPER_OWNED, MethodReader,
                                                         OwnedWrites, PortPlan,
                                                         backward_count, bound_names,
                                                         check_init, grad_norm_logging)
from migrate.hookcode.rules._optimizer_port_write import build_port

__all__ = ['PortPlan', 'port_class']


def port_class(cls: cst.ClassDef, base: str, new_base: str, registry: str) -> PortPlan:
    """Read ``cls`` (a direct subclass of ``base``) and port it to ``new_base`` registered in
    ``registry`` (the names the target imports), or say what blocks that."""
    plan = PortPlan()
    methods = {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}
    for name, fn in methods.items():
        if name in HOOK_METHODS:
            plan.blocked.append((fn, f'{name}: a Hook method an OptimWrapper never calls'))
        elif name in WRAPPER_OWNED:
            plan.blocked.append((fn, f'{name}: overrides OptimWrapper.{name}, which the '
                                     'runner and train_step call'))
    for stmt in cls.body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)):
                    targets = small.targets if isinstance(small, cst.Assign) else [small]
                    for t in targets:
                        for n in bound_names(t.target):
                            if n in WRAPPER_OWNED:
                                plan.blocked.append((stmt, f'class body: binds {n}, which '
                                                           'the OptimWrapper owns'))
    used = {dotted(n) for n in _attributes(cls)}
    for fn in methods.values():
        owned = OwnedWrites()
        fn.visit(owned)
        for stmt, attr in owned.found:
            if attr in WRAPPER_METHODS:
                plan.blocked.append((stmt, f'{fn.name.value}: sets self.{attr}, which the '
                                           'OptimWrapper owns'))
            elif attr not in plan.renamed:
                # the hook's own state under a name the wrapper uses: it keeps its meaning
                # under another name
                new = f'_hook{attr}' if attr.startswith('_') else f'hook_{attr}'
                while f'self.{new}' in used:
                    new += '_'
                plan.renamed[attr] = new
    step = methods.get('after_train_iter')
    runner: Optional[str] = None
    if step is not None:
        params = step.params
        if len(params.params) != 2 or params.star_arg != cst.MaybeSentinel.DEFAULT \
                or params.star_kwarg is not None or params.kwonly_params:
            plan.blocked.append((step, 'after_train_iter: expected (self, runner)'))
        else:
            runner = params.params[1].name.value
            top, total = backward_count(step.body)
            if total != 1 or top != 1:
                plan.blocked.append((step, 'after_train_iter: the backward (or '
                                           'super().after_train_iter) must run exactly once, '
                                           'as a statement of its own in the method: the '
                                           'wrapper counts iterations by it'))
    pairs = grad_norm_logging(step.body, runner) if step is not None else {}
    for name, fn in methods.items():
        fn.body.visit(MethodReader(runner if fn is step else None, plan.blocked, name, pairs))
    init = methods.get('__init__')
    if init is not None:
        check_init(init, plan)
    if plan.blocked:
        return plan
    plan.ported = build_port(cls, base, new_base, registry, runner, pairs, plan)
    return plan


def _attributes(node: cst.CSTNode) -> List[cst.Attribute]:
    found: List[cst.Attribute] = []

    class _All(cst.CSTVisitor):
        def visit_Attribute(self, attr: cst.Attribute) -> None:
            found.append(attr)

    node.visit(_All())
    return found
