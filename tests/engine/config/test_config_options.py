"""--cfg-options parsing and Config.merge_from_dict."""
import argparse
import math

import pytest

from engine.config import Config, DictAction, parse_cfg_options
from engine.errors import ConfigError


@pytest.mark.parametrize('text, expected', [
    ('1', 1), ('-3', -3), ('0.5', 0.5), ('1e-4', 1e-4), ('true', True), ('False', False),
    ('None', None), ('none', 'none'), ('abc', 'abc'), ('a.b', 'a.b'),
    ('[1,2]', [1, 2]), ('[1, 2]', [1, 2]), ('(1,2)', (1, 2)), ('(1,)', (1,)), ('[]', []),
    ('()', ()), ('1,2,3', [1, 2, 3]), ('x,y', ['x', 'y']), ('1,', [1]),
    ('[(1,2),[a,b]]', [(1, 2), ['a', 'b']]), ('[1,[2,[3,(4,)]]]', [1, [2, [3, (4,)]]]),
    ('((1,2),(3,4))', ((1, 2), (3, 4))), ('[True,None,0.5,x]', [True, None, 0.5, 'x']),
    ('[1,2],[3]', [[1, 2], [3]]),
    # Quoted strings are taken literally: commas, brackets and spaces stay.
    ('"a,b"', 'a,b'), ("'[1,2]'", '[1,2]'), ('["a,b",c]', ['a,b', 'c']),
    ("('x, y', 2)", ('x, y', 2)), ('" padded "', ' padded '),
    ('hello world', 'hello world'), ("bob's", "bob's"), ('', ''),
])
def test_parse_value_table(text, expected):
    value = parse_cfg_options([f'k={text}'])['k']
    assert value == expected and type(value) is type(expected)


def test_parse_keeps_text_after_first_equals_and_nan():
    options = parse_cfg_options(['a.b=x=y', 'c=nan', 'd.0.e=1'])
    assert options['a.b'] == 'x=y' and math.isnan(options['c']) and options['d.0.e'] == 1


@pytest.mark.parametrize('item, key, message', [
    ('novalue', 'novalue', 'KEY=VALUE'), ('=1', None, 'KEY=VALUE'),
    ('a=[1,2', 'a', "missing ']'"), ('a=(1]', 'a', "unexpected ']'"),
    ('a="abc', 'a', 'unclosed quote'),
])
def test_parse_errors_name_the_option(item, key, message):
    with pytest.raises(ConfigError, match=message.replace('[', r'\[').replace(']', r'\]')) as info:
        parse_cfg_options([item])
    assert info.value.file == '--cfg-options' and info.value.key == key


def test_merge_from_dict_with_dotted_keys_and_list_indices():
    cfg = Config(dict(model=dict(backbone=dict(type='ResNet')),
                      pipeline=[dict(type='Load'), dict(type='Resize', scale=(1, 2))],
                      schedule=[1, 2, 3]))
    cfg.merge_from_dict(parse_cfg_options([
        'model.backbone.depth=50', 'pipeline.1.scale=(3,4)', 'pipeline.0.type=LoadX',
        'schedule.2=9', 'new.sub=[1,2]']))
    assert cfg.to_dict() == {
        'model': {'backbone': {'type': 'ResNet', 'depth': 50}},
        'pipeline': [{'type': 'LoadX'}, {'type': 'Resize', 'scale': (3, 4)}],
        'schedule': [1, 2, 9], 'new': {'sub': [1, 2]}}
    cfg.merge_from_dict(['model.backbone.depth=101'])
    assert cfg.model.backbone.depth == 101


def test_merge_from_dict_errors_name_the_key(write):
    cfg = Config.fromfile(write('c.py', 'p = [dict(a=1)]\nx = 1\n'))
    with pytest.raises(ConfigError, match='out of range') as info:
        cfg.merge_from_dict({'p.3.a': 2})
    assert info.value.key == 'p.3' and 'c.py' in str(info.value)
    with pytest.raises(ConfigError, match='_delete_') as info:
        cfg.merge_from_dict({'x.y': 2})
    assert info.value.key == 'x'
    with pytest.raises(ConfigError) as info:
        cfg.merge_from_dict({'p.name': 2})
    assert info.value.key == 'p'
    with pytest.raises(ConfigError, match='empty part'):
        cfg.merge_from_dict({'a..b': 1})
    assert cfg.to_dict() == {'p': [{'a': 1}], 'x': 1}


def test_fromfile_applies_cfg_options(write):
    path = write('c.py', 'a = dict(b=1)\n')
    assert Config.fromfile(path, cfg_options=['a.b=2', 'c=(1,2)']).to_dict() == \
        {'a': {'b': 2}, 'c': (1, 2)}
    assert Config.fromfile(path, cfg_options={'a.b': 3}).a.b == 3


def test_argparse_dict_action():
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(['--cfg-options', 'a=1', 'b=[1,2]', '--cfg-options', 'c=x'])
    assert args.cfg_options == {'a': 1, 'b': [1, 2], 'c': 'x'}
