"""Normalized legacy schedules: what ``parse_lr_config`` / ``parse_momentum_config`` return."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, Optional


@dataclass
class LegacySchedule:
    """One MMCV 1.x lr or momentum updater hook, with every MMCV default filled in.

    Attributes:
        policy: canonical policy name ('step', 'CosineAnnealing', ...; see ``policies.py``).
        by_epoch: the hook's ``by_epoch`` after MMCV's defaults (IterBasedRunner's
            ``setdefault(by_epoch=False)`` for lr, ``False`` for cyclic and OneCycle).
        params: the policy's own arguments, defaults filled (e.g. ``step=[8, 11], gamma=0.1,
            min_lr=None``); cyclic ``target_ratio`` normalized to a 2-tuple.
        warmup: None, 'constant', 'linear' or 'exp'.
        warmup_iters: warmup length in iterations, or in epochs when ``warmup_by_epoch``.
        warmup_ratio: the warmup's starting factor (lr) or divisor (momentum).
        warmup_by_epoch: lr only; ``warmup_iters`` counts epochs (times ``len(data_loader)``).
        source: the config file the schedule came from (named in errors), if known.
    """

    kind: ClassVar[str] = ''
    policy: str
    by_epoch: bool
    params: Dict[str, Any] = field(default_factory=dict)
    warmup: Optional[str] = None
    warmup_iters: int = 0
    warmup_ratio: float = 0.1
    warmup_by_epoch: bool = False
    source: Optional[str] = None

    def key(self, name: str) -> str:
        """Dotted config key of one of this schedule's arguments, e.g. ``lr_config.step``."""
        return f'{self.kind}_config.{name}'


@dataclass
class LrSchedule(LegacySchedule):
    """A parsed ``lr_config`` (an MMCV ``<Policy>LrUpdaterHook``)."""

    kind: ClassVar[str] = 'lr'


@dataclass
class MomentumSchedule(LegacySchedule):
    """A parsed ``momentum_config`` (an MMCV ``<Policy>MomentumUpdaterHook``)."""

    kind: ClassVar[str] = 'momentum'
    warmup_ratio: float = 0.9
