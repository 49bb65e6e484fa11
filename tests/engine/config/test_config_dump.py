"""Dumping to .py/.yaml/.json and loading back."""
import ast

import pytest

from engine.config import Config
from engine.errors import ConfigError

SOURCE = """
model = dict(
    type='Net', depth=50, scale=(1333, 800), flags=[True, False, None],
    head=dict(num_classes=80, loss=dict(type='CE', weight=1.0)),
    odd_keys={'with-dash': 1, 'class': 2},
)
pipeline = [dict(type=f'Step{i}', keys=('img', 'gt_' + 'x' * 30, 'meta')) for i in range(5)]
nested = [[1, (2, 3)], (4,), [], (), dict()]
message = 'quote \\' and "double" and\\nnewline and unicode é'
big = 10 ** 20
small = 1e-12
"""


@pytest.fixture
def cfg(write):
    return Config.fromfile(write('src.py', SOURCE))


def test_pretty_text_is_valid_python_that_round_trips(cfg):
    text = cfg.pretty_text
    ast.parse(text)
    assert max(len(line) for line in text.splitlines()) <= 100
    again = Config.fromstring(text, '.py')
    assert again.to_dict() == cfg.to_dict()
    assert type(again.nested[1]) is tuple and type(again.model.scale) is tuple


@pytest.mark.parametrize('ext', ['.py', '.yaml', '.yml', '.json'])
def test_dump_and_reload(cfg, tmp_path, ext):
    path = tmp_path / f'out{ext}'
    assert cfg.dump(path) is None
    again = Config.fromfile(path)
    expected = cfg.to_dict()
    if ext == '.json':
        # JSON has no tuples: they come back as lists.
        expected = _tuples_to_lists(expected)
    assert again.to_dict() == expected
    if ext != '.json':
        assert type(again.model.scale) is tuple


def _tuples_to_lists(value):
    if isinstance(value, dict):
        return {k: _tuples_to_lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_tuples_to_lists(v) for v in value]
    return value


def test_dump_without_file_uses_the_source_format(write):
    assert Config.fromfile(write('a.yaml', 'a: 1\n')).dump() == 'a: 1\n'
    assert Config.fromfile(write('a.json', '{"a": 1}')).dump().strip() == '{\n    "a": 1\n}'
    assert Config.fromfile(write('a.py', 'a = 1\n')).dump() == 'a = 1\n'
    assert Config(dict(a=1)).dump() == 'a = 1\n'


def test_special_floats_and_sets_round_trip_as_python():
    cfg = Config(dict(a=float('inf'), b=[float('-inf')], s={3, 1}, e=set(), t=(1,)))
    again = Config.fromstring(cfg.pretty_text, '.py')
    assert again.to_dict() == cfg.to_dict()


def test_dump_of_unwritable_values_names_the_key(tmp_path):
    cfg = Config(dict(model=dict(act=[len])))
    with pytest.raises(ConfigError, match='cannot be written') as info:
        cfg.dump(tmp_path / 'x.py')
    assert info.value.key == 'model.act.0' and info.value.file.endswith('x.py')
    with pytest.raises(ConfigError) as info:
        cfg.dump(tmp_path / 'x.json')
    assert info.value.key == 'model.act.0'
    with pytest.raises(ConfigError) as info:
        Config({'bad-name': 1}).dump(tmp_path / 'x.py')
    assert info.value.key == 'bad-name'
    with pytest.raises(ConfigError, match='unsupported'):
        Config(dict(a=1)).dump(tmp_path / 'x.toml')
    # pretty_text is for reading too, so it falls back to repr instead of failing.
    assert 'built-in function len' in cfg.pretty_text
