"""The engine's closed-form formulas that MMCV 1.7.2 evaluates in the same floating-point order.

They live in :mod:`engine.optim.scheduler.closed_form` (the single source of truth), but
importing that package runs ``engine/optim/__init__.py``, which imports torch. The legacy policy
math must stay torch-free (the converter and ``migrate verify --schedule-only`` use it), so the
few formula files needed here, which import nothing but :mod:`math`, are loaded by path unless
``engine.optim`` is already imported anyway.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import engine

_PACKAGE = 'engine.optim.scheduler.closed_form'
_DIR = Path(engine.__file__).resolve().parent / 'optim' / 'scheduler' / 'closed_form'


def _load(name: str) -> ModuleType:
    if 'engine.optim' in sys.modules:
        return importlib.import_module(f'{_PACKAGE}.{name}')
    alias = f'compat.schedules._engine_closed_form_{name}'
    if alias in sys.modules:
        return sys.modules[alias]
    spec = importlib.util.spec_from_file_location(alias, _DIR / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    return module


# MMCV's annealing_cos with weight=1 is `end + 0.5*1.0*(start-end)*(cos(pi*f)+1)`; `anneal` computes
# `end + (start-end)/2.0*(cos(pi*f)+1)`: halving is exact either way, so the bits agree.
# annealing_linear `start + (end-start)*f` is `anneal(..., 'linear')` up to a commuted addition.
anneal = _load('one_cycle').anneal
one_cycle_phases = _load('one_cycle').one_cycle_phases
one_cycle_value = _load('one_cycle').one_cycle_value
# `base * gamma ** t`: MMCV's exp policy and its step policy once the exponent is known.
exponential_value = _load('exponential').exponential_value
# `(base - min) * (1 - t / T) ** power + min`, MMCV's poly policy term for term (t <= T always).
poly_value = _load('poly').poly_value
# `eta_min` or `base * eta_min_ratio`: MMCV's target_lr / target_momentum.
resolve_eta_min = _load('cosine').resolve_eta_min
