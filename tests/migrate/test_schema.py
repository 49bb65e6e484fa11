"""migrate.schema: which runtime a config is for, read statically."""
import os

import pytest

from engine.errors import ConfigError
from migrate.schema import config_schema, top_level_names

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
RUNS = os.path.join(ROOT, 'fixtures', 'legacy_runs')
ENGINE = os.path.join(ROOT, 'fixtures', 'configs', 'engine')


@pytest.mark.parametrize('name', sorted(n for n in os.listdir(RUNS) if n.endswith('.py')))
def test_every_legacy_run_fixture_is_legacy(name):
    assert config_schema(os.path.join(RUNS, name)) == 'legacy'


@pytest.mark.parametrize('name', sorted(n for n in os.listdir(ENGINE)
                                        if n.endswith('.py') and not n.startswith('_')))
def test_every_engine_fixture_is_new(name):
    assert config_schema(os.path.join(ENGINE, name)) == 'new'


def test_names_come_from_the_bases_too():
    names = top_level_names(os.path.join(RUNS, 'toy_workflow_val.py'))
    assert {'workflow', 'optimizer', 'lr_config', 'data', 'model', 'checkpoint_config'} <= names
    assert '_base_' not in names


def test_an_optimizer_helper_variable_in_a_new_config_is_not_legacy(tmp_path):
    path = tmp_path / 'new.py'
    path.write_text("optimizer = dict(type='SGD', lr=0.1)\n"
                    "optim_wrapper = dict(optimizer=optimizer)\n")
    assert config_schema(str(path)) == 'new'
    path.write_text("optimizer = dict(type='SGD', lr=0.1)\n")
    assert config_schema(str(path)) == 'legacy'


def test_a_mix_is_refused_naming_one_key_of_each(tmp_path):
    path = tmp_path / 'mixed.py'
    path.write_text("lr_config = dict(policy='step', step=[1])\n"
                    "param_scheduler = [dict(type='ConstantLR')]\n")
    with pytest.raises(ConfigError) as info:
        config_schema(str(path))
    text = str(info.value)
    assert str(path) in text and "key 'lr_config'" in text and 'param_scheduler' in text
    assert 'migrate convert' in text


def test_a_computed_base_cannot_be_read_statically(tmp_path):
    path = tmp_path / 'dyn.py'
    path.write_text("import os\n_base_ = os.path.join('a', 'b.py')\n")
    assert top_level_names(str(path)) is None
    with pytest.raises(ConfigError, match='_base_'):
        config_schema(str(path))


def test_yaml_and_json_bases(tmp_path):
    (tmp_path / 'base.yaml').write_text('lr_config:\n  policy: step\n  step: [1]\n')
    (tmp_path / 'base2.json').write_text('{"optim_wrapper": {"optimizer": {"type": "SGD"}}}')
    leaf = tmp_path / 'leaf.py'
    leaf.write_text("_base_ = ['./base.yaml']\nmodel = dict()\n")
    assert config_schema(str(leaf)) == 'legacy'
    leaf.write_text("_base_ = './base2.json'\nmodel = dict()\n")
    assert config_schema(str(leaf)) == 'new'
