"""The MMCV 1.7.2 policy tables: names, hook classes, arguments and their defaults.

``register_lr_hook``/``register_momentum_hook`` turn ``policy`` into a hook class name: an
all-lowercase name goes through ``str.title()`` ('step' -> 'Step'), any other is kept, and
'LrUpdaterHook' / 'MomentumUpdaterHook' is appended. So 'cosineannealing' becomes
'CosineannealingLrUpdaterHook', which does not exist: multi-word policies must be CamelCase.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

REQUIRED = object()   # marks an argument without a default


@dataclass(frozen=True)
class PolicySpec:
    """One policy: ``name`` is the canonical spelling, ``args`` its own arguments."""

    name: str
    args: Mapping[str, Any]
    iter_only: bool = False                       # by_epoch must be False (its default)
    min_pair: Optional[Tuple[str, str]] = None     # exactly one of the two must be set
    epoch_only: bool = False                      # by_epoch must be True (the hook asserts it)
    origin: str = 'MMCV 1.7.2'                    # who registers the hook

    @property
    def class_prefix(self) -> str:
        """What MMCV puts before 'LrUpdaterHook': 'step' -> 'Step'."""
        return self.name.title() if self.name == self.name.lower() else self.name


LR_BASE_ARGS = {'by_epoch': True, 'warmup': None, 'warmup_iters': 0, 'warmup_ratio': 0.1,
                'warmup_by_epoch': False}
MOMENTUM_BASE_ARGS = {'by_epoch': True, 'warmup': None, 'warmup_iters': 0, 'warmup_ratio': 0.9}

_MIN_LR = {'min_lr': None, 'min_lr_ratio': None}
_MIN_MOM = {'min_momentum': None, 'min_momentum_ratio': None}

LR_POLICIES: Dict[str, PolicySpec] = {spec.name: spec for spec in (
    PolicySpec('fixed', {}),
    PolicySpec('step', {'step': REQUIRED, 'gamma': 0.1, 'min_lr': None}),
    PolicySpec('exp', {'gamma': REQUIRED}),
    PolicySpec('poly', {'power': 1., 'min_lr': 0.}),
    PolicySpec('inv', {'gamma': REQUIRED, 'power': 1.}),
    PolicySpec('CosineAnnealing', dict(_MIN_LR), min_pair=('min_lr', 'min_lr_ratio')),
    PolicySpec('FlatCosineAnnealing', {'start_percent': 0.75, **_MIN_LR},
               min_pair=('min_lr', 'min_lr_ratio')),
    PolicySpec('CosineRestart', {'periods': REQUIRED, 'restart_weights': [1], **_MIN_LR},
               min_pair=('min_lr', 'min_lr_ratio')),
    PolicySpec('cyclic', {'target_ratio': (10, 1e-4), 'cyclic_times': 1, 'step_ratio_up': 0.4,
                          'anneal_strategy': 'cos', 'gamma': 1}, iter_only=True),
    PolicySpec('OneCycle', {'max_lr': REQUIRED, 'total_steps': None, 'pct_start': 0.3,
                            'anneal_strategy': 'cos', 'div_factor': 25,
                            'final_div_factor': 1e4, 'three_phase': False}, iter_only=True),
    PolicySpec('LinearAnnealing', dict(_MIN_LR), min_pair=('min_lr', 'min_lr_ratio')),
    # Registered by downstream codebases (see compat/schedules/downstream.py).
    PolicySpec('CosineAnnealingCooldown', {**_MIN_LR, 'cool_down_ratio': 0.1,
                                           'cool_down_time': 10},
               min_pair=('min_lr', 'min_lr_ratio'), origin='MMCls 0.x'),
    PolicySpec('StepFixCosineAnnealing', dict(_MIN_LR), min_pair=('min_lr', 'min_lr_ratio'),
               origin='MMSelfSup 0.x'),
    PolicySpec('YOLOX', {'num_last_epochs': REQUIRED, **_MIN_LR},
               min_pair=('min_lr', 'min_lr_ratio'), origin='MMDet 2.x'),
    PolicySpec('SiameseRPN', {'lr_configs': (
        {'type': 'step', 'start_lr_factor': 0.2, 'end_lr_factor': 1.0, 'end_epoch': 5},
        {'type': 'log', 'start_lr_factor': 1.0, 'end_lr_factor': 0.1, 'end_epoch': 20})},
        epoch_only=True, origin='MMTracking 0.x'),
)}

MOMENTUM_POLICIES: Dict[str, PolicySpec] = {spec.name: spec for spec in (
    PolicySpec('step', {'step': REQUIRED, 'gamma': 0.5, 'min_momentum': None}),
    PolicySpec('CosineAnnealing', dict(_MIN_MOM), min_pair=('min_momentum', 'min_momentum_ratio')),
    PolicySpec('LinearAnnealing', dict(_MIN_MOM), min_pair=('min_momentum', 'min_momentum_ratio')),
    PolicySpec('cyclic', {'target_ratio': (0.85 / 0.95, 1.), 'cyclic_times': 1,
                          'step_ratio_up': 0.4, 'anneal_strategy': 'cos', 'gamma': 1.},
               iter_only=True),
    PolicySpec('OneCycle', {'base_momentum': 0.85, 'max_momentum': 0.95, 'pct_start': 0.3,
                            'anneal_strategy': 'cos', 'three_phase': False}, iter_only=True),
)}


def hook_class_prefix(policy: str) -> str:
    """MMCV's policy-name rule (``register_lr_hook``): title-case an all-lowercase name.

    >>> hook_class_prefix('step'), hook_class_prefix('CosineAnnealing')
    ('Step', 'CosineAnnealing')
    >>> hook_class_prefix('cosineannealing')    # not a registered hook
    'Cosineannealing'
    """
    return policy.title() if policy == policy.lower() else policy


def lookup_policy(policy: str, table: Mapping[str, PolicySpec]) -> Optional[PolicySpec]:
    """The spec MMCV would build for ``policy``, or None (MMCV: KeyError from the registry).

    >>> lookup_policy('Step', LR_POLICIES).name, lookup_policy('onecycle', LR_POLICIES)
    ('step', None)
    """
    prefix = hook_class_prefix(policy)
    for spec in table.values():
        if spec.class_prefix == prefix:
            return spec
    return None
