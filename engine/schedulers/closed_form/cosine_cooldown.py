"""MMCls 0.x ``CosineAnnealingCooldown``: cosine from ``base`` to ``target`` over
``max_progress - cool_down_time``, then ``target * cool_down_ratio`` for the cooldown.

Source: mmcls/core/hook/lr_updater.py, ``CosineAnnealingCooldownLrUpdaterHook.get_lr``
(the cooldown starts once ``progress > max_progress - cool_down_time``).
"""
from __future__ import annotations

from engine.schedulers.closed_form.annealing import annealing_cos


def cosine_cooldown_value(base: float, target: float, progress: int, max_progress: int,
                          cool_down_time: int, cool_down_ratio: float) -> float:
    """Value at ``progress`` (epoch or iteration, as the hook counts it).

    >>> cosine_cooldown_value(0.1, 0.0, 4, 10, 2, 0.1)      # half way through 8 steps
    0.05
    >>> cosine_cooldown_value(0.1, 0.01, 9, 10, 2, 0.1)     # cooling down
    0.001
    """
    cosine_end = max_progress - cool_down_time
    if progress > cosine_end:
        return target * cool_down_ratio
    return annealing_cos(base, target, progress / cosine_end)
