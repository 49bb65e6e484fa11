"""What W&B and MLflow record of a config: a Config, a dict, or the text the runner passes."""
import pytest
import torch

from engine.config import Config
from engine.visualization.base_backend import config_dict


def test_config_object_dict_and_text_give_the_same_dict():
    cfg = Config(dict(work_dir='/w', model=dict(type='M', layers=(1, 2)), pipe=[dict(a=1)]))
    expected = {'work_dir': '/w', 'model': {'type': 'M', 'layers': (1, 2)}, 'pipe': [{'a': 1}]}
    assert config_dict(cfg) == expected
    assert config_dict(cfg.to_dict()) == expected
    assert config_dict(cfg.pretty_text) == expected


def test_text_that_is_not_python_is_refused_with_the_fix():
    cfg = Config(dict(optim=dict(type=torch.optim.SGD, lr=0.1)))
    assert config_dict(cfg)['optim']['type'] is torch.optim.SGD
    with pytest.raises(ValueError, match='pass the Config object itself'):
        config_dict(cfg.pretty_text)
    with pytest.raises(TypeError, match='got int'):
        config_dict(3)
