"""MIG001: ``optimizer`` -> ``optim_wrapper.optimizer`` (``paramwise_cfg`` and ``constructor``
move up to the wrapper)."""
from __future__ import annotations

from migrate.rules.base import APPROXIMATION, MANUAL, Plan, Rule


def is_multi_optimizer(optimizer: object) -> bool:
    """``optimizer = dict(generator=dict(type=...), discriminator=dict(type=...))``."""
    return (isinstance(optimizer, dict) and 'type' not in optimizer and bool(optimizer)
            and all(isinstance(v, dict) and 'type' in v for v in optimizer.values()))


class OptimizerToOptimWrapper(Rule):
    id = 'MIG001'
    name = 'optimizer-to-optim-wrapper'
    summary = ('optimizer=dict(...) becomes optim_wrapper=dict(type=OptimWrapper, '
               'optimizer=...); paramwise_cfg and constructor move to the wrapper')
    legacy_keys = ('optimizer',)
    new_keys = ('optim_wrapper',)

    def apply(self, plan: Plan) -> None:
        optimizer = plan.get('optimizer')
        plan.consume('optimizer')
        if optimizer is None:
            plan.set(('optim_wrapper',), None)
            return
        if is_multi_optimizer(optimizer):
            for name, sub in optimizer.items():
                self._one(plan, sub, ('optim_wrapper', name), ('optimizer', name))
            plan.set(('optim_wrapper', 'constructor'), 'MultiOptimWrapperConstructor')
            self.report(plan, MANUAL, 'optimizer',
                        'several optimizers: MMEngine needs a model whose train_step calls '
                        'each optim_wrapper; MultiOptimWrapperConstructor is written',
                        path=('optim_wrapper',))
            return
        self._one(plan, optimizer, ('optim_wrapper',), ('optimizer',))

    def _one(self, plan: Plan, optimizer: dict, at: tuple, origin: tuple) -> None:
        if not isinstance(optimizer, dict):
            plan.set(at + ('optimizer',), optimizer, origin=origin)
            return
        paramwise = optimizer.pop('paramwise_cfg', None)
        constructor = optimizer.pop('constructor', None)
        plan.set(at + ('type',), 'OptimWrapper')
        plan.set(at + ('optimizer',), optimizer, origin=origin)
        for key in optimizer:
            plan.origins[at + ('optimizer', key)] = origin + (key,)
        if constructor is not None:
            plan.set(at + ('constructor',), constructor, origin=origin + ('constructor',))
            if constructor != 'DefaultOptimizerConstructor':
                self.report(plan, MANUAL, 'optimizer.constructor',
                            f'{constructor} must be ported to an OPTIM_WRAPPER_CONSTRUCTORS '
                            'class that returns an OptimWrapper', path=at + ('constructor',))
            else:
                plan.set(at + ('constructor',), 'DefaultOptimWrapperConstructor')
        if paramwise is not None:
            plan.set(at + ('paramwise_cfg',), paramwise, origin=origin + ('paramwise_cfg',))
            tricky = [k for k in ('dwconv_decay_mult', 'bias_decay_mult') if k in paramwise]
            if len(tricky) == 2:
                self.report(plan, APPROXIMATION, 'optimizer.paramwise_cfg',
                            'with both dwconv_decay_mult and bias_decay_mult a depth-wise conv '
                            'bias gets bias_decay_mult in MMEngine (MMCV: dwconv_decay_mult)',
                            kind='paramwise-rule-order')
