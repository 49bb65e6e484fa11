"""MMCV 1.x ``cyclic`` policy (lr and momentum): cyclical values in ``cyclic_times`` cycles.

Each cycle of ``max_iters // cyclic_times`` iterations goes from ratio 1 to ``target_ratio[0]``
during its first ``int(step_ratio_up * cycle)`` iterations, then to ``target_ratio[1]``, by cosine
(or linear) annealing of ``base * ratio``. With ``gamma < 1`` cycle ``c`` shrinks the peak
towards the base: the ratio reached by the first phase becomes ``1 - s + target_ratio[0] * s``
with ``s = gamma ** c``. Always counted in iterations.
"""
from __future__ import annotations

from typing import List, Sequence, Tuple

from compat.schedules._shared import anneal

CyclicPhase = Tuple[int, int, float, float]   # (start iter, end iter, start ratio, end ratio)


def cyclic_phases(max_iters: int, cyclic_times: int, step_ratio_up: float,
                  target_ratio: Sequence[float]) -> Tuple[int, List[CyclicPhase]]:
    """Iterations per cycle and the two phases of one cycle (computed once, at ``before_run``).

    >>> cyclic_phases(100, 2, 0.4, (10, 1e-4))
    (50, [(0, 20, 1, 10), (20, 50, 10, 0.0001)])
    """
    per_cycle = max_iters // cyclic_times
    up = int(step_ratio_up * per_cycle)
    return per_cycle, [(0, up, 1, target_ratio[0]), (up, per_cycle, target_ratio[0],
                                                     target_ratio[1])]


def cyclic_value(base: float, cur_iter: int, per_cycle: int, phases: Sequence[CyclicPhase],
                 gamma: float = 1., strategy: str = 'cos') -> float:
    """Value at global iteration ``cur_iter``.

    >>> per_cycle, phases = cyclic_phases(10, 1, 0.4, (10, 1e-4))
    >>> cyclic_value(0.1, 2, per_cycle, phases, strategy='linear')   # half way up: ratio 5.5
    0.55
    >>> per_cycle, phases = cyclic_phases(20, 2, 0.5, (3, 1))
    >>> cyclic_value(0.1, 15, per_cycle, phases, gamma=0.5)   # cycle 1 peaks at ratio 2
    0.2
    """
    position = cur_iter % per_cycle
    scale = gamma ** (cur_iter // per_cycle)
    for start, end, start_ratio, end_ratio in phases:
        if start <= position < end:
            # MMCV tells the phases apart by `start == 0`, not by their index: with an empty
            # rising phase the falling one starts at 0 and gets the scaled *end* ratio.
            if start == 0:
                end_ratio = 1 - scale + end_ratio * scale
            else:
                start_ratio = 1 - scale + start_ratio * scale
            return anneal(base * start_ratio, base * end_ratio,
                          (position - start) / (end - start), strategy)
    raise ValueError(f'iteration {cur_iter} is in no cyclic phase {list(phases)}')
