"""How far MMEngine's EMA is from MMCV 1.7.2's, as averaging weights (pure Python).

An EMA after iteration T is a weighted average of the weights before training and after each
iteration 0..T; the two libraries weigh that history differently:

* MMCV's ``EMAHook(momentum=m, interval=i, warm_up=w)`` starts from the weights before training
  and, at every iteration t with ``t % i == 0``, moves by ``min(m**i, (1+t)/(w+t))``;
* MMEngine's ``ExponentialMovingAverage(momentum=m**i, interval=i)`` (the converted hook)
  copies the weights after iteration 0, then moves by ``m**i`` at the same iterations.

The *averaging-weight deviation* is half the L1 distance between the two weight vectors: for
any training run, the two EMAs differ by at most that share of the weights' spread over the
run. ``scripts/oracle/record_ema_warmup_goldens.py`` measures both vectors on the real
libraries; ``tests/migrate/rules/test_ema_kernel_vs_libraries.py`` holds these functions to it.
"""
from __future__ import annotations

import math
from typing import List, Optional

#: Warm-up windows longer than this many updates are not walked (the distance is then None).
MAX_WINDOW = 1_000_000


def warm_up_momentum(momentum: float, interval: int, warm_up: float, t: int) -> float:
    """MMCV's momentum at iteration ``t``: ``min(momentum**interval, (1+t)/(warm_up+t))``."""
    return min(momentum ** interval, (1 + t) / (warm_up + t))


def mmcv_weights(momentum: float, interval: int, warm_up: float, iters: int) -> List[float]:
    """MMCV's weights of [before training, after iteration 0, ..., after ``iters``-1]."""
    weights = [1.0] + [0.0] * iters
    for t in range(iters):
        if t % interval:
            continue
        m = warm_up_momentum(momentum, interval, warm_up, t)
        weights = [w * (1 - m) for w in weights]
        weights[t + 1] += m
    return weights


def mmengine_weights(momentum: float, interval: int, iters: int) -> List[float]:
    """MMEngine's weights (``ExponentialMovingAverage(momentum, interval)`` in an ``EMAHook``
    from iteration 0), in :func:`mmcv_weights`' layout."""
    weights = [0.0] * (iters + 1)
    for t in range(iters):
        if t == 0:
            weights[1] = 1.0
        elif t % interval == 0:
            weights = [w * (1 - momentum) for w in weights]
            weights[t + 1] += momentum
    return weights


def deviation(a: List[float], b: List[float]) -> float:
    """Half the L1 distance of two weight vectors."""
    return 0.5 * sum(abs(x - y) for x, y in zip(a, b))


def warm_up_updates(momentum: float, interval: int, warm_up: float) -> int:
    """How many of MMCV's first updates the warm-up slows down (``(1+t)/(w+t) < m**i``); it
    rises with t, so these are the first ones."""
    target = momentum ** interval
    count = 0
    while count < MAX_WINDOW and warm_up_momentum(momentum, interval, warm_up,
                                                  count * interval) < target:
        count += 1
    return count


def deviation_after(momentum: float, interval: int, warm_up: float,
                    iters: int) -> Optional[float]:
    """The averaging-weight deviation after ``iters`` iterations (``iters`` >= 1), without
    building the vectors: past the warm-up both EMAs scale every old weight by the same
    ``1 - m**i`` and add the same new one, so only the first updates differ."""
    target = momentum ** interval
    updates = (iters - 1) // interval + 1
    window = min(max(warm_up_updates(momentum, interval, warm_up), 1), updates)
    if window >= MAX_WINDOW:
        return None
    momenta = [warm_up_momentum(momentum, interval, warm_up, k * interval)
               for k in range(window)]
    # walk the window backwards: keep_a/keep_b are what later updates left of update k
    total, keep_a, keep_b = 0.0, 1.0, 1.0
    for k in range(window - 1, -1, -1):
        mmcv_k = momenta[k] * keep_a
        mmengine_k = keep_b if k == 0 else target * keep_b
        total += abs(mmcv_k - mmengine_k)
        keep_a *= 1 - momenta[k]
        keep_b *= 1 - target
    total += keep_a   # MMCV's weight on the weights before training (MMEngine's: none)
    return 0.5 * total * (1 - target) ** (updates - window)


def iterations_until(momentum: float, interval: int, warm_up: float,
                     below: float) -> Optional[int]:
    """The first iteration after which the deviation stays under ``below``; None if the
    warm-up window is too long to walk or the EMA never moves (``m**i`` underflows to 0)."""
    target = momentum ** interval
    window = max(warm_up_updates(momentum, interval, warm_up), 1)
    if window >= MAX_WINDOW or not 0.0 < target < 1.0:
        return None
    at_window = deviation_after(momentum, interval, warm_up, (window - 1) * interval + 1)
    if at_window is None:
        return None
    if at_window < below:
        updates = window
    else:
        updates = window + math.ceil(math.log(below / at_window) / math.log(1 - target))
    return (updates - 1) * interval
