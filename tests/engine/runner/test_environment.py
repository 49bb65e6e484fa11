"""Starting the process group from a config: errors name the key and the fix."""
import pytest
import torch.distributed as dist

from engine.errors import ConfigError
from engine.runner.environment import start_distributed

TORCHRUN_VARS = ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT', 'LOCAL_RANK')


@pytest.fixture
def no_torchrun_env(monkeypatch):
    for var in TORCHRUN_VARS:
        monkeypatch.delenv(var, raising=False)


def test_none_launcher_starts_nothing(no_torchrun_env):
    start_distributed('none', dict(dist_cfg=dict(backend='gloo')))
    assert not dist.is_initialized()


def test_pytorch_launcher_outside_torchrun_says_use_torchrun(no_torchrun_env):
    with pytest.raises(ConfigError) as info:
        start_distributed('pytorch', {}, filename='cfg.py')
    err = info.value
    assert (err.file, err.key) == ('cfg.py', 'launcher')
    assert 'RANK' in err.message and 'torchrun' in err.fix
    assert not dist.is_initialized()


def test_unknown_launcher_is_refused(no_torchrun_env):
    with pytest.raises(ConfigError, match="launcher 'slurm' is not supported") as info:
        start_distributed('slurm', {}, filename='cfg.py')
    assert info.value.key == 'launcher'


def test_bad_dist_cfg_names_the_key(monkeypatch):
    monkeypatch.setenv('RANK', '0')
    monkeypatch.setenv('WORLD_SIZE', '1')
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', '1')
    with pytest.raises(ConfigError) as info:
        start_distributed('pytorch', dict(dist_cfg=dict(backend='gloo', no_such_option=1)),
                          filename='cfg.py')
    assert info.value.key == 'env_cfg.dist_cfg' and 'no_such_option' in info.value.message
    assert not dist.is_initialized()
