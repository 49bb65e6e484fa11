"""MIG001: ``optimizer`` -> ``optim_wrapper.optimizer`` (``paramwise_cfg`` and ``constructor``
move up to the wrapper).

``paramwise_options`` (MMDet 1.x multipliers, or the MMSelfSup 0.x ``{regex: options}`` form,
see :mod:`migrate.rules._paramwise_options`) becomes ``paramwise_cfg`` (``custom_keys`` for
the regex form) where that is exact. Otherwise it must not stay inside the optimizer (MMEngine
would hand it to the optimizer class: a TypeError) nor vanish: it is kept aside as the
top-level ``legacy_paramwise_options`` (no effect) with a ``# migrate[MIG001]`` comment and a
manual finding saying why, and training runs without those per-parameter settings until the
user writes ``custom_keys`` for the model's parameter names.
"""
from __future__ import annotations

from engine.errors import ConfigError
from migrate.rules._paramwise_options import (NotExact, is_paramwise_cfg_form,
                                              to_custom_keys)
from migrate.rules.base import APPROXIMATION, MANUAL, NOTE, Plan, Rule

ASIDE = 'legacy_paramwise_options'


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
    new_keys = ('optim_wrapper', ASIDE)

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
        if paramwise is not None and not isinstance(paramwise, dict):
            raise ConfigError(f'paramwise_cfg must be a dict, got {paramwise!r} (MMCV\'s '
                              'DefaultOptimizerConstructor raises TypeError)', file=plan.source,
                              key='.'.join(map(str, origin + ('paramwise_cfg',))),
                              fix='write paramwise_cfg=dict(...) or remove it')
        constructor = optimizer.pop('constructor', None)
        options = optimizer.pop('paramwise_options', None)
        if options is not None:
            paramwise = self._options(plan, options, paramwise, optimizer, origin)
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

    def _options(self, plan: Plan, options: object, paramwise: object, optimizer: dict,
                 origin: tuple) -> object:
        """The paramwise_cfg that ``paramwise_options`` means, or keep it aside (reported)."""
        key = '.'.join(map(str, origin + ('paramwise_options',)))
        if paramwise is not None:
            return self._aside(plan, options, key, 'paramwise_cfg is set too (the legacy '
                               'builder used one of them): merge them by hand', paramwise)
        if not isinstance(options, dict):
            return self._aside(plan, options, key, 'it is not a dict')
        if is_paramwise_cfg_form(options):
            self.report(plan, NOTE, key, 'renamed to paramwise_cfg (MMDet 1.x name)')
            return options
        try:
            custom = to_custom_keys(options, optimizer)
        except NotExact as why:
            return self._aside(plan, options, key, str(why))
        self.report(plan, NOTE, key, 'regex keys written as custom_keys substrings (exact: '
                    'each regex is a finite set of substrings and keys that match together '
                    'agree)')
        return dict(custom_keys=custom)

    def _aside(self, plan: Plan, options: object, key: str, why: str,
               paramwise: object = None) -> object:
        plan.set((ASIDE,), options)
        self.report(plan, MANUAL, key,
                    f'{key} kept aside as {ASIDE} (no effect: training runs without these '
                    f'per-parameter settings): {why}; write '
                    "optim_wrapper.paramwise_cfg=dict(custom_keys={'<substring>': dict("
                    'lr_mult=..., decay_mult=...)}) for your parameter names',
                    path=(ASIDE,), marked=True)
        return paramwise
