"""Which metric is "better": the ``save_best`` / ``rule`` logic of the checkpoint hook."""
from __future__ import annotations

import math
from typing import List, Optional, Sequence, Union

DEFAULT_GREATER_KEYS = ('acc', 'top', 'AR@', 'auc', 'precision', 'mAP', 'mDice', 'mIoU',
                        'mAcc', 'aAcc')
DEFAULT_LESS_KEYS = ('loss',)


def infer_rule(key: str, greater_keys: Sequence[str] = DEFAULT_GREATER_KEYS,
               less_keys: Sequence[str] = DEFAULT_LESS_KEYS) -> str:
    """'greater' or 'less' for a metric name, by exact then substring match (case-insensitive).

    >>> infer_rule('accuracy/top1'), infer_rule('val_loss')
    ('greater', 'less')
    """
    low = key.lower()
    greater = [k.lower() for k in greater_keys]
    less = [k.lower() for k in less_keys]
    if low in greater:
        return 'greater'
    if low in less:
        return 'less'
    if any(k in low for k in greater):
        return 'greater'
    if any(k in low for k in less):
        return 'less'
    raise ValueError(f'cannot infer the rule for save_best key {key!r}; pass '
                     "rule='greater' or rule='less'")


class BestTracker:
    """Keeps the best score per key indicator, stored in the message hub."""

    def __init__(self, save_best: Union[str, List[str]], rule: Union[str, List[str], None],
                 greater_keys: Optional[Sequence[str]], less_keys: Optional[Sequence[str]]):
        keys = [save_best] if isinstance(save_best, str) else list(save_best)
        if 'auto' in keys and len(keys) > 1:
            raise ValueError("save_best='auto' cannot be combined with other keys")
        rules = rule if isinstance(rule, (list, tuple)) else [rule] * len(keys)
        if len(rules) != len(keys):
            raise ValueError(f'rule has {len(rules)} entries but save_best has {len(keys)}')
        for r in rules:
            if r not in (None, 'greater', 'less'):
                raise ValueError(f"rule must be 'greater', 'less' or None, got {r!r}")
        self.greater_keys = tuple(greater_keys) if greater_keys else DEFAULT_GREATER_KEYS
        self.less_keys = tuple(less_keys) if less_keys else DEFAULT_LESS_KEYS
        self.keys = keys
        self.rules = [r if r is not None or k == 'auto'
                      else infer_rule(k, self.greater_keys, self.less_keys)
                      for k, r in zip(keys, rules)]

    def resolve_auto(self, metrics: dict) -> None:
        """``'auto'`` becomes the first metric key (known after the first validation)."""
        if self.keys == ['auto']:
            key = next(iter(metrics))
            rule = self.rules[0] or infer_rule(key, self.greater_keys, self.less_keys)
            self.keys, self.rules = [key], [rule]

    def info_keys(self, key: str):
        if len(self.keys) == 1:
            return 'best_score', 'best_ckpt'
        return f'best_score_{key}', f'best_ckpt_{key}'

    @staticmethod
    def is_better(rule: str, score: float, best: Optional[float]) -> bool:
        if best is None:
            best = -math.inf if rule == 'greater' else math.inf
        return score > best if rule == 'greater' else score < best
