"""Merge rules (the same as MMEngine 0.10.7's ``Config._merge_a_into_b``)."""
import pytest

from engine.config.config_dict import ConfigDict
from engine.config.merge import merge_into
from engine.errors import ConfigError


def test_recursive_merge_does_not_modify_inputs():
    base = {'a': {'x': 1, 'y': {'z': 1}}, 'b': 2}
    child = {'a': {'y': {'w': 2}}, 'c': 3}
    merged = merge_into(child, base)
    assert merged == {'a': {'x': 1, 'y': {'z': 1, 'w': 2}}, 'b': 2, 'c': 3}
    assert base == {'a': {'x': 1, 'y': {'z': 1}}, 'b': 2}
    assert child == {'a': {'y': {'w': 2}}, 'c': 3}


def test_delete_replaces_and_is_consumed():
    merged = merge_into({'a': {'_delete_': True, 'k': 1}}, {'a': {'x': 1}})
    assert merged == {'a': {'k': 1}}
    assert isinstance(merged['a'], ConfigDict)
    # _delete_=False is consumed too, and merges as usual.
    assert merge_into({'a': {'_delete_': False, 'k': 1}}, {'a': {'x': 1}}) == \
        {'a': {'x': 1, 'k': 1}}


def test_delete_on_a_key_the_base_lacks_is_kept_like_mmengine():
    merged = merge_into({'n': {'_delete_': True, 'k': 1}}, {})
    assert merged == {'n': {'_delete_': True, 'k': 1}}


def test_lists_and_scalars_replace():
    assert merge_into({'a': [3]}, {'a': [1, 2]}) == {'a': [3]}
    assert merge_into({'a': 1}, {'a': {'x': 1}}) == {'a': 1}


def test_dict_over_non_dict_is_an_error_naming_the_key_path():
    with pytest.raises(ConfigError) as info:
        merge_into({'m': {'b': {'x': 1}}}, {'m': {'b': 3}}, file='child.py')
    assert info.value.key == 'm.b' and info.value.file == 'child.py'
    assert '_delete_' in str(info.value)
    assert merge_into({'m': {'b': {'_delete_': True, 'x': 1}}}, {'m': {'b': 3}}) == \
        {'m': {'b': {'x': 1}}}


def test_list_index_keys_only_with_allow_list_keys():
    base = {'p': [{'t': 1}, {'t': 2}]}
    assert merge_into({'p': {'1': {'t': 5}}}, base, allow_list_keys=True) == \
        {'p': [{'t': 1}, {'t': 5}]}
    with pytest.raises(ConfigError) as info:
        merge_into({'p': {'1': {'t': 5}}}, base)
    assert info.value.key == 'p'
    with pytest.raises(ConfigError, match='out of range') as info:
        merge_into({'p': {'2': {'t': 5}}}, base, allow_list_keys=True)
    assert info.value.key == 'p.2'
    assert base == {'p': [{'t': 1}, {'t': 2}]}
