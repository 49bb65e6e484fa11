"""The engine's closed-form formulas that MMCV 1.7.2 evaluates in the same floating-point order.

They live in :mod:`engine.optim.scheduler.closed_form` (the single source of truth, importing
nothing but :mod:`math`), but a plain import of it first runs ``engine/optim/__init__.py``,
which imports torch. The legacy policy math must stay torch-free (the converter and
``migrate verify --schedule-only`` use it), so unless ``engine.optim`` is already imported the
``closed_form`` package is loaded on its own, under its real name: it is the same module object
the engine later finds in ``sys.modules``, not a copy.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import engine

_PACKAGE = 'engine.optim.scheduler.closed_form'


def _load_closed_form() -> None:
    if _PACKAGE in sys.modules:
        return
    if 'engine.optim' in sys.modules:
        importlib.import_module(_PACKAGE)
        return
    directory = Path(engine.__file__).resolve().parent / 'optim' / 'scheduler' / 'closed_form'
    spec = importlib.util.spec_from_file_location(
        _PACKAGE, directory / '__init__.py', submodule_search_locations=[str(directory)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[_PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_PACKAGE]
        raise


_load_closed_form()

# MMCV's annealing_cos with weight=1 is `end + 0.5*1.0*(start-end)*(cos(pi*f)+1)`; `anneal` computes
# `end + (start-end)/2.0*(cos(pi*f)+1)`: halving is exact either way, so the bits agree.
# annealing_linear `start + (end-start)*f` is `anneal(..., 'linear')` up to a commuted addition.
from engine.optim.scheduler.closed_form.cosine import resolve_eta_min  # noqa: E402
from engine.optim.scheduler.closed_form.exponential import exponential_value  # noqa: E402
from engine.optim.scheduler.closed_form.one_cycle import (anneal, one_cycle_phases,  # noqa: E402
                                                          one_cycle_value)
from engine.optim.scheduler.closed_form.poly import poly_value  # noqa: E402

# exponential_value: `base * gamma ** t`, MMCV's exp policy and its step policy once the
# exponent is known. poly_value: `(base - min) * (1 - t / T) ** power + min`, MMCV's poly term
# for term (t <= T always). resolve_eta_min: `eta_min` or `base * eta_min_ratio`, MMCV's target.
__all__ = ['anneal', 'exponential_value', 'one_cycle_phases', 'one_cycle_value', 'poly_value',
           'resolve_eta_min']
