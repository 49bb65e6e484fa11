"""An unknown type's error lists the registered types of the kind it looks like, and offers a
"did you mean" only for a close name."""
import pytest

from engine import register_all_modules
from engine.errors import BuildError
from engine.registry import HOOKS, OPTIMIZERS, PARAM_SCHEDULERS, Registry

register_all_modules()


def _error(registry, name):
    with pytest.raises(BuildError) as info:
        registry.build(dict(type=name))
    return info.value


def test_unknown_lr_scheduler_lists_lr_schedulers_only():
    err = _error(PARAM_SCHEDULERS, 'CosineLR')
    assert err.message == "'CosineLR' is not a registered param scheduler"   # nothing close
    lr_names = sorted(n for n in PARAM_SCHEDULERS if n.endswith('LR'))
    assert err.fix == ("use one of the registered param scheduler names ending in 'LR' ("
                       + ', '.join(lr_names[:12]) + ', ...) or import the module that '
                       'registers it with custom_imports=dict(imports=[...])')
    assert 'Momentum' not in err.fix and 'ParamScheduler' not in err.fix


def test_unknown_momentum_scheduler_lists_momentum_schedulers_only():
    err = _error(PARAM_SCHEDULERS, 'CosineMomentum')
    listed = err.fix[err.fix.index('(') + 1:err.fix.index(')')].split(', ')
    assert listed[-1] == '...' and all(n.endswith('Momentum') for n in listed[:-1])
    assert len(listed) == 13


def test_unknown_optimizer_lists_optimizers():
    err = _error(OPTIMIZERS, 'SDG')
    assert err.message == "'SDG' is not a registered optimizer; did you mean 'SGD'?"
    assert err.fix.startswith('use one of the registered optimizer names (ASGD, Adadelta, ')


def test_no_hint_for_a_different_hook():
    err = _error(HOOKS, 'EvalHook')
    assert err.message == "'EvalHook' is not a registered hook"
    assert err.fix.startswith('use one of the registered hook names (CheckpointHook, ')


def test_a_kind_nothing_is_registered_under_lists_everything():
    reg = Registry('widget')
    for name in ('Gear', 'Cog', 'Sprocket'):
        reg.register_module(name=name, module=type(name, (), {}))
    assert _error(reg, 'Wheel').fix.startswith(
        'use one of the registered widget names (Cog, Gear, Sprocket) or import')
    # all registered names share the kind: saying so adds nothing
    reg = Registry('hook')
    for name in ('AHook', 'BHook'):
        reg.register_module(name=name, module=type(name, (), {}))
    assert _error(reg, 'CHook').fix.startswith('use one of the registered hook names (AHook, BHook)')
