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

# Every formula below is written in MMCV 1.7.2's floating-point operation order (the MMCV-form
# ones were added to closed_form for the engine-only schedulers of `--target engine`), so the
# compat policies built on them reproduce MMCV's values bit for bit.
from engine.optim.scheduler.closed_form.annealing import (annealing_cos,  # noqa: E402
                                                          annealing_linear)
from engine.optim.scheduler.closed_form.clipped_step import (clipped_step_value,  # noqa: E402
                                                             step_exponent)
from engine.optim.scheduler.closed_form.cosine import resolve_eta_min  # noqa: E402
from engine.optim.scheduler.closed_form.cosine_restart import (  # noqa: E402
    cosine_restart_peak_value, cumulative_periods, period_index)
from engine.optim.scheduler.closed_form.cyclic import cyclic_phases, cyclic_value  # noqa: E402
from engine.optim.scheduler.closed_form.exponential import exponential_value  # noqa: E402
from engine.optim.scheduler.closed_form.flat_cosine import flat_cosine_value  # noqa: E402
from engine.optim.scheduler.closed_form.inv import inv_value  # noqa: E402
from engine.optim.scheduler.closed_form.one_cycle import (  # noqa: E402
    one_cycle_momentum_phases, one_cycle_phases, one_cycle_value)
from engine.optim.scheduler.closed_form.poly import poly_value  # noqa: E402
from engine.optim.scheduler.closed_form.warmup import (WARMUP_KINDS, warmup_factor,  # noqa: E402
                                                       warmup_value)

__all__ = ['WARMUP_KINDS', 'annealing_cos', 'annealing_linear', 'clipped_step_value',
           'cosine_restart_peak_value', 'cumulative_periods', 'cyclic_phases', 'cyclic_value',
           'exponential_value', 'flat_cosine_value', 'inv_value', 'one_cycle_momentum_phases',
           'one_cycle_phases', 'one_cycle_value', 'period_index', 'poly_value',
           'resolve_eta_min', 'step_exponent', 'warmup_factor', 'warmup_value']
