"""MMDet 2.x ``YOLOX``: a quadratic warmup from the *base* lr, a cosine counted from
``progress + 1`` that starts after the warmup, and a fixed ``target`` for the last
``last_iters`` steps.

Source: mmdet/core/hook/yolox_lrupdater_hook.py, ``YOLOXLrUpdaterHook``: ``get_warmup_lr``
(``k = warmup_ratio * ((cur_iters + 1) / warmup_iters) ** 2`` times the base lr, whatever the
``warmup`` kind) and ``get_lr`` (``last_iter = len(data_loader) * num_last_epochs``).
"""
from __future__ import annotations

from engine.schedulers.closed_form.annealing import annealing_cos


def yolox_value(base: float, target: float, progress: int, max_progress: int,
                warmup_iters: int, last_iters: int) -> float:
    """Regular value at ``progress`` (the runner's, before the hook's ``+ 1``).

    >>> yolox_value(0.1, 0.0, 5, 12, 2, 2)        # (6 - 2) / (12 - 2 - 2): half way
    0.05
    >>> yolox_value(0.1, 0.005, 9, 12, 2, 2)      # the last 2 steps (and the one before)
    0.005
    """
    progress += 1
    if progress >= max_progress - last_iters:
        return target
    return annealing_cos(base, target, (progress - warmup_iters) /
                         (max_progress - warmup_iters - last_iters))


def yolox_warmup_value(base: float, ratio: float, cur_iter: int, warmup_iters: int) -> float:
    """The warmup value at iteration ``cur_iter < warmup_iters`` (MMDet's operation order).

    >>> yolox_warmup_value(0.1, 1.0, 4, 10)
    0.025
    """
    k = ratio * pow((cur_iter + 1) / float(warmup_iters), 2)
    return base * k
