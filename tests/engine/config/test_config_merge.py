"""Merge rules of engine.config.merge beyond the shared table (test_merge_table.py holds the
pure-merge cases, recorded from MMEngine 0.10.7): value types and what errors say."""
import pytest

from engine.config.config_dict import ConfigDict
from engine.config.merge import merge_into
from engine.errors import ConfigError


def test_dicts_taken_from_the_child_are_config_dicts():
    merged = merge_into({'a': {'_delete_': True, 'k': {'j': 1}}, 'n': {'x': 1}}, {'a': {'x': 1}})
    assert isinstance(merged['a'], ConfigDict) and isinstance(merged['a']['k'], ConfigDict)
    assert isinstance(merged['n'], ConfigDict)


def test_dict_over_non_dict_error_names_the_file_and_the_fix():
    with pytest.raises(ConfigError) as info:
        merge_into({'m': {'b': {'x': 1}}}, {'m': {'b': 3}}, file='child.py')
    assert info.value.key == 'm.b' and info.value.file == 'child.py'
    assert '_delete_' in str(info.value)


def test_list_index_errors_name_the_key_path():
    base = {'p': [{'t': 1}, {'t': 2}]}
    with pytest.raises(ConfigError) as info:
        merge_into({'p': {'1': {'t': 5}}}, base)
    assert info.value.key == 'p'
    with pytest.raises(ConfigError, match='out of range') as info:
        merge_into({'p': {'2': {'t': 5}}}, base, allow_list_keys=True)
    assert info.value.key == 'p.2'
    assert base == {'p': [{'t': 1}, {'t': 2}]}
