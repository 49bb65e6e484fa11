import copy
import pickle

import pytest

from engine.config import ConfigDict


def test_attribute_and_item_access_on_nested_values():
    cfg = ConfigDict(model=dict(backbone=dict(depth=50)), pipeline=[dict(type='A')],
                     scale=(dict(x=1),))
    assert cfg.model.backbone.depth == 50
    assert cfg['model']['backbone'] is cfg.model.backbone
    assert isinstance(cfg.pipeline[0], ConfigDict) and cfg.pipeline[0].type == 'A'
    assert isinstance(cfg.scale, tuple) and cfg.scale[0].x == 1
    cfg.model.neck = dict(type='FPN')
    assert isinstance(cfg.model.neck, ConfigDict)
    cfg['new'] = [dict(a=1)]
    assert isinstance(cfg.new[0], ConfigDict)
    del cfg.new
    assert 'new' not in cfg


def test_plain_types_are_kept():
    class MyMapping(dict):
        pass

    cfg = ConfigDict(a=[1, 2], b=(1, 2), c=MyMapping(x=1))
    assert type(cfg.a) is list and type(cfg.b) is tuple
    assert type(cfg.c) is MyMapping
    plain = cfg.to_dict()
    assert plain == {'a': [1, 2], 'b': (1, 2), 'c': {'x': 1}}
    assert type(plain['b']) is tuple and type(plain['c']) is dict


def test_missing_attribute_names_the_key_and_suggests():
    cfg = ConfigDict(optimizer=dict(lr=0.1))
    with pytest.raises(AttributeError, match="no key 'optimiser'.*did you mean 'optimizer'"):
        cfg.optimiser
    with pytest.raises(AttributeError, match="'momentum'"):
        cfg.optimizer.momentum
    assert not hasattr(cfg, 'nope')
    assert getattr(cfg, 'nope', 3) == 3
    with pytest.raises(KeyError):
        cfg['nope']


def test_update_merges_nested_dicts_and_pop_defaults_to_none():
    cfg = ConfigDict(model=dict(a=1, b=2))
    cfg.update(model=dict(b=3), other=1)
    assert cfg.to_dict() == {'model': {'a': 1, 'b': 3}, 'other': 1}
    assert cfg.pop('missing') is None
    assert cfg.pop('other') == 1
    assert cfg.setdefault('x', dict(y=1)).y == 1


def test_copy_deepcopy_and_pickle():
    cfg = ConfigDict(model=dict(layers=[1, 2]))
    shallow = cfg.copy()
    assert type(shallow) is ConfigDict and shallow.model is cfg.model
    deep = copy.deepcopy(cfg)
    assert deep == cfg and deep.model is not cfg.model and deep.model.layers is not cfg.model.layers
    restored = pickle.loads(pickle.dumps(cfg))
    assert restored == cfg and isinstance(restored.model, ConfigDict)
