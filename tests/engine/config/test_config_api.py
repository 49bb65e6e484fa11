"""The Config object: access, copies, pickling."""
import copy
import pickle

import pytest

from engine.config import Config, ConfigDict
from engine.errors import ConfigError


@pytest.fixture
def cfg(write):
    return Config.fromfile(write('c.py', """
        model = dict(backbone=dict(depth=50), layers=[1, 2])
        optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))
    """))


def test_access(cfg):
    assert cfg.optim_wrapper.optimizer.lr == 0.1
    assert cfg['model']['backbone'].depth == 50
    assert cfg.get('missing') is None and cfg.get('missing', 3) == 3
    assert 'model' in cfg and 'nope' not in cfg
    assert len(cfg) == 2 and list(cfg) == ['model', 'optim_wrapper']
    assert dict(cfg.items())['model'] is cfg.model
    assert isinstance(cfg.model, ConfigDict)
    assert repr(cfg).startswith('Config (path: ')


def test_setting_values(cfg):
    cfg.work_dir = './w'
    cfg['model'] = dict(type='New')
    cfg.model.extra = dict(a=1)
    assert cfg.work_dir == './w' and isinstance(cfg.model, ConfigDict)
    assert cfg.to_dict()['model'] == {'type': 'New', 'extra': {'a': 1}}
    del cfg.work_dir
    assert 'work_dir' not in cfg
    cfg.update(dict(model=dict(b=2)))  # forwarded to ConfigDict.update (recursive)
    assert cfg.model.b == 2 and cfg.model.type == 'New'
    with pytest.raises(ConfigError):
        cfg.text = 'x'


def test_to_dict_is_plain(cfg):
    plain = cfg.to_dict()
    assert type(plain) is dict and type(plain['model']) is dict
    assert type(plain['model']['layers']) is list


def test_copies_and_pickle(cfg):
    shallow = copy.copy(cfg)
    shallow.new = 1
    assert 'new' not in cfg and shallow.model is cfg.model
    deep = copy.deepcopy(cfg)
    deep.model.layers.append(3)
    assert cfg.model.layers == [1, 2] and deep.filename == cfg.filename
    assert cfg.copy().to_dict() == cfg.to_dict()
    restored = pickle.loads(pickle.dumps(cfg))
    assert restored.to_dict() == cfg.to_dict() and restored.text == cfg.text
    assert restored.filename == cfg.filename


def test_constructor_rejects_non_dict():
    with pytest.raises(ConfigError):
        Config([1, 2])
