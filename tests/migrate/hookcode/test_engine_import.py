"""With --target engine every converted fixture module (except those keeping a legacy import
for a manual port) imports on the engine, registers its hooks in engine.registry.HOOKS, and
every stage it overrides passes the engine's own signature check."""
import importlib.util
import inspect
import os

import pytest

from _hook_cases import CONVERTED, MARKED_ONLY, modules
from engine.hooks import Hook, check_hook_signatures
from engine.optim import OptimWrapper
from engine.registry import HOOKS, LOOPS, OPTIM_WRAPPERS, PARAM_SCHEDULERS
from engine.runner.loops import BaseLoop
from engine.schedulers import ParamScheduler


@pytest.mark.parametrize('name', [n for n in modules() if n not in MARKED_ONLY])
def test_engine_module_imports_and_binds(name):
    path = os.path.join(CONVERTED, 'engine', name)
    spec = importlib.util.spec_from_file_location(f'_engine_converted_{name[:-3]}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    hooks = [c for c in vars(module).values() if inspect.isclass(c)
             and c.__module__ == module.__name__ and issubclass(c, Hook)]
    # HK008 ports an optimizer hook to an optim wrapper of the same name
    wrappers = [c for c in vars(module).values() if inspect.isclass(c)
                and c.__module__ == module.__name__ and issubclass(c, OptimWrapper)]
    for cls in wrappers:
        assert OPTIM_WRAPPERS.get(cls.__name__) is cls
    # HK007 ports an LR/momentum updater hook to a parameter scheduler
    schedulers = [c for c in vars(module).values() if inspect.isclass(c)
                  and c.__module__ == module.__name__ and issubclass(c, ParamScheduler)]
    for cls in schedulers:
        assert PARAM_SCHEDULERS.get(cls.__name__) is cls
    # HK010 ports a runner to a train loop
    loops = [c for c in vars(module).values() if inspect.isclass(c)
             and c.__module__ == module.__name__ and issubclass(c, BaseLoop)]
    for cls in loops:
        assert LOOPS.get(cls.__name__) is cls
    if name == 'not_hook_code.py' or wrappers or schedulers or loops:
        assert not hooks
        return
    assert hooks
    for cls in hooks:
        assert HOOKS.get(cls.__name__) is cls
        check_hook_signatures(cls.__new__(cls))
        for stage in Hook.stages:
            if stage in vars(cls):
                base = list(inspect.signature(getattr(Hook, stage)).parameters)[2:]
                inspect.signature(getattr(cls, stage)).bind(object(), object(),
                                                            **{k: None for k in base})
