"""The engine refuses every MMCV 1.x key MMEngine would ignore silently, naming the key and
the way out, before it builds or writes anything."""
import pytest

from engine.errors import ConfigError
from engine.runner import Runner
from engine.runner.build import check_config
from engine.runtime_keys import ENGINE_REFUSED_KEYS, LEGACY_RUNTIME_KEYS

MODEL = dict(type='ToyClassifier')


def test_the_refused_list_holds_the_main_legacy_keys():
    # a list emptied by mistake would make every test below vacuous
    assert {'lr_config', 'optimizer_config', 'runner', 'evaluation', 'log_config',
            'checkpoint_config'} <= set(ENGINE_REFUSED_KEYS)


@pytest.mark.parametrize('key', ENGINE_REFUSED_KEYS)
def test_each_refused_key_is_named(tmp_path, key):
    work_dir = tmp_path / 'wd'
    cfg = dict(model=MODEL, work_dir=str(work_dir), **{key: dict()})
    with pytest.raises(ConfigError) as info:
        Runner.from_cfg(cfg)
    assert info.value.key == key
    assert f"key '{key}'" in str(info.value)
    assert 'migrate convert' in str(info.value)
    assert not work_dir.exists()


def test_the_first_refused_key_in_list_order_is_named():
    last, first = ENGINE_REFUSED_KEYS[-1], ENGINE_REFUSED_KEYS[0]
    with pytest.raises(ConfigError) as info:
        check_config({'model': MODEL, last: 1, first: 1}, 'cfg.py')
    assert info.value.key == first
    assert repr([first, last]) in str(info.value)


@pytest.mark.parametrize('key', sorted(LEGACY_RUNTIME_KEYS - set(ENGINE_REFUSED_KEYS)))
def test_other_legacy_keys_pass_the_check(key):
    """``seed``, ``data``, ...: not refused; the runner lists them among the keys it does not
    read, as before."""
    check_config({'model': MODEL, key: 1}, 'cfg.py')
