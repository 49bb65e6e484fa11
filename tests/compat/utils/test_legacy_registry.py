"""compat.utils.Registry / build_from_cfg: MMCV 1.7.2's contract (get answers None, scoped
keys, inherited build_func, MMCV's exception types) over the engine's registry."""
from __future__ import annotations

import pytest

from compat.runner.hooks.hook import HOOKS
from compat.utils import Registry, build_from_cfg
from engine.errors import BuildError


@pytest.fixture
def models():
    registry = Registry('model', scope='mmcv')

    @registry.register_module()
    class Net:
        def __init__(self, depth=1, width=2):
            if depth < 0:
                raise ValueError('depth must be >= 0')
            self.depth, self.width = depth, width
    return registry


def test_build_fills_default_args_and_accepts_a_class(models):
    net = build_from_cfg(dict(type='Net', depth=3), models, default_args=dict(depth=9, width=5))
    assert (net.depth, net.width) == (3, 5)
    assert build_from_cfg(dict(), models, default_args=dict(type='Net')).depth == 1
    assert build_from_cfg(dict(type=models.get('Net')), models).width == 2
    assert models.build(dict(type='Net', width=7)).width == 7


@pytest.mark.parametrize('cfg,default_args,error', [
    (['Net'], None, TypeError), (dict(type='Nope'), None, KeyError),
    (dict(depth=1), None, KeyError), (dict(type=3), None, TypeError),
    (dict(type='Net'), ['x'], TypeError)])
def test_errors_have_mmcv_types_and_are_build_errors(models, cfg, default_args, error):
    with pytest.raises(error) as info:
        build_from_cfg(cfg, models, default_args)
    assert isinstance(info.value, BuildError)


def test_unknown_type_message_names_it_and_the_fix(models):
    with pytest.raises(KeyError) as info:
        build_from_cfg(dict(type='Nett'), models)
    assert str(info.value).startswith("key 'type': 'Nett' is not a registered model")
    assert 'Net' in info.value.fix


def test_constructor_error_keeps_its_type_with_the_class_name(models):
    with pytest.raises(ValueError, match=r'^Net: depth must be >= 0$'):
        build_from_cfg(dict(type='Net', depth=-1), models)
    with pytest.raises(TypeError, match=r'^Net: .*unexpected keyword'):
        build_from_cfg(dict(type='Net', colour=1), models)


def test_engine_registries_are_accepted():
    with pytest.raises(KeyError):
        build_from_cfg(dict(type='NoSuchHook'), HOOKS)
    with pytest.raises(TypeError):
        build_from_cfg(dict(type='Net'), {'Net': object})


def test_get_answers_none_and_scoped_keys_reach_children(models):
    child = Registry('model', parent=models, scope='mmdet')

    @child.register_module()
    class Head:
        pass
    assert models.get('Missing') is None
    assert models.get('mmdet.Head') is Head
    assert child.get('mmcv.Net') is models.get('Net')   # through the root
    assert child.get('Net') is None                       # MMCV: no unscoped parent search
    assert child.get('mmdet.Head') is Head
    assert child.build_func is models.build_func
    assert models.children == {'mmdet': child} and child.parent is models
    assert child.get('other.Head') is None                # root has no 'other' child
    assert Registry('x', scope='solo').get('other.Head') is None


def test_scope_is_inferred_from_the_creating_package():
    assert Registry('thing').scope == 'test_legacy_registry'


def test_register_module_rules(models):
    with pytest.raises(KeyError, match='Net is already registered in model'):
        models.register_module(module=models.get('Net'))
    models.register_module(module=models.get('Net'), force=True)
    with pytest.raises(TypeError):
        models.register_module(module=3)
    with pytest.raises(TypeError):
        models.register_module(force=1)

    def make():
        return 'made'
    models.register_module(name=['a', 'b'], module=make)
    assert models.build(dict(type='b')) == 'made' and 'a' in models.module_dict


def test_custom_build_func_receives_the_registry():
    seen = []
    parent = Registry('p', build_func=lambda cfg, registry: seen.append(registry) or cfg,
                      scope='p')
    child = Registry('c', parent=parent, scope='c')
    assert child.build(dict(type='x')) == dict(type='x') and seen == [child]
