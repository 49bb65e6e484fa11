"""MMSelfSup 0.x ``StepFixCosineAnnealing``: MMCV's cosine annealing with the warmup
iterations taken off both the progress and its maximum, so the cosine starts where the warmup
ends (before that its factor is negative and the regular value lies just below ``base``).

Source: mmselfsup/core/hooks/cosineAnnealing_hook.py,
``StepFixCosineAnnealingLrUpdaterHook.get_lr`` (``progress - self.warmup_iters`` over
``max_progress - self.warmup_iters``; ``warmup_iters`` counted in iterations whatever
``by_epoch`` says).
"""
from __future__ import annotations

from engine.schedulers.closed_form.annealing import annealing_cos


def step_fix_cosine_value(base: float, target: float, progress: int, max_progress: int,
                          offset: int) -> float:
    """Value at ``progress``; ``offset`` is the hook's ``warmup_iters``.

    >>> step_fix_cosine_value(0.1, 0.0, 6, 10, 2)    # half way from 2 to 10
    0.05
    """
    return annealing_cos(base, target, (progress - offset) / (max_progress - offset))
