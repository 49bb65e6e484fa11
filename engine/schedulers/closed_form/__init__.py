"""Closed-form schedule math, one module per family, importing nothing but :mod:`math`.

This is the single source of truth for schedule formulas: the engine's stepping schedulers, the
compat lr/momentum policies and the converter's equivalence checks all call these functions.
Each family module holds two kinds of function:

* ``<family>_value(...)``: the value at step ``t`` (counted from the scheduler's ``begin``) when
  the scheduler acts alone on a parameter whose initial value is ``base``;
* ``<family>_chain(...)``: MMEngine's *chainable* rule, the next value computed from the current
  one. Several schedulers on one parameter compose through this form, so its floating-point
  operation order follows MMEngine 0.10.7 exactly (goldens are compared at 1e-12).
"""
from engine.schedulers.closed_form.annealing import (annealing_cos, annealing_linear,
                                                     annealing_target)
from engine.schedulers.closed_form.clipped_step import clipped_step_value, step_exponent
from engine.schedulers.closed_form.constant import constant_chain, constant_value
from engine.schedulers.closed_form.cosine import (cosine_annealing_chain,
                                                  cosine_annealing_value, cosine_ratio)
from engine.schedulers.closed_form.cosine_cooldown import cosine_cooldown_value
from engine.schedulers.closed_form.cosine_restart import (cosine_restart_chain,
                                                          cosine_restart_peak_value,
                                                          cosine_restart_value,
                                                          cumulative_periods,
                                                          period_index)
from engine.schedulers.closed_form.cyclic import (cyclic_phase, cyclic_phases,
                                                  cyclic_value, normalize_target_ratio)
from engine.schedulers.closed_form.exponential import exponential_chain, exponential_value
from engine.schedulers.closed_form.flat_cosine import flat_cosine_value
from engine.schedulers.closed_form.inv import inv_value
from engine.schedulers.closed_form.linear import linear_chain, linear_value
from engine.schedulers.closed_form.multistep import multistep_chain, multistep_value
from engine.schedulers.closed_form.one_cycle import (anneal, one_cycle_momentum_phases,
                                                     one_cycle_phases, one_cycle_value)
from engine.schedulers.closed_form.plateau import plateau_is_better, plateau_reduce
from engine.schedulers.closed_form.poly import poly_chain, poly_value
from engine.schedulers.closed_form.siamese_rpn import siamese_rpn_factors, siamese_rpn_value
from engine.schedulers.closed_form.step import step_chain, step_value
from engine.schedulers.closed_form.step_fix_cosine import step_fix_cosine_value
from engine.schedulers.closed_form.warmup import WARMUP_KINDS, warmup_factor, warmup_value
from engine.schedulers.closed_form.yolox import yolox_value, yolox_warmup_value

__all__ = [
    'WARMUP_KINDS', 'anneal', 'annealing_cos', 'annealing_linear', 'annealing_target',
    'clipped_step_value', 'cosine_restart_peak_value', 'cyclic_phase', 'cyclic_phases', 'cyclic_value', 'flat_cosine_value',
    'inv_value', 'normalize_target_ratio', 'one_cycle_momentum_phases', 'step_exponent',
    'warmup_factor', 'warmup_value', 'constant_chain', 'constant_value', 'cosine_annealing_chain',
    'cosine_annealing_value', 'cosine_ratio', 'cosine_restart_chain', 'cosine_restart_value',
    'cumulative_periods', 'exponential_chain', 'exponential_value', 'linear_chain',
    'linear_value', 'multistep_chain', 'multistep_value', 'one_cycle_phases', 'one_cycle_value',
    'period_index', 'plateau_is_better', 'plateau_reduce', 'poly_chain', 'poly_value',
    'step_chain', 'step_value',
    # downstream (MMCls, MMSelfSup, MMDet, MMTracking) policies
    'cosine_cooldown_value', 'siamese_rpn_factors', 'siamese_rpn_value', 'step_fix_cosine_value',
    'yolox_value', 'yolox_warmup_value',
]
