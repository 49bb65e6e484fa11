"""delta (the inverse of MMEngine's child-over-base merge) checked through merge_into."""
import pytest

from engine.errors import ConfigError
from migrate.convert.merge import NO_CHANGE, delta, merge_into, same_value

BASES = [
    {'type': 'SGD', 'lr': 0.1, 'momentum': 0.9},
    {'a': {'b': {'c': 1, 'd': 2}}, 'e': [1, 2]},
    None,
    5,
    {},
]
WANTED = [
    {'type': 'SGD', 'lr': 0.2, 'momentum': 0.9},
    {'type': 'AdamW', 'lr': 0.1},
    {'a': {'b': {'c': 1, 'd': 3}}, 'e': [1, 2]},
    {'a': {'b': {'c': 1}}, 'e': [1]},
    {'x': 1},
    None,
    7,
    (1, 2),
]


def test_small_delta_for_a_changed_leaf():
    assert delta({'type': 'SGD', 'lr': 0.1}, {'type': 'SGD', 'lr': 0.2}) == {'lr': 0.2}


def test_removed_key_needs_delete():
    assert delta({'type': 'SGD', 'momentum': 0.9}, {'type': 'AdamW'}) == \
        {'_delete_': True, 'type': 'AdamW'}


def test_dict_over_non_dict_needs_delete():
    assert delta(None, {'a': 1}) == {'_delete_': True, 'a': 1}


def test_no_change_and_new_key():
    assert delta({'a': 1}, {'a': 1}) is NO_CHANGE
    assert delta(None, {'a': 1}, base_has_key=False) == {'a': 1}


def test_tuple_and_list_differ():
    assert not same_value((1, 2), [1, 2])
    assert delta([1, 2], (1, 2)) == (1, 2)


def test_merge_of_a_dict_over_a_non_dict_raises_like_mmengine():
    # the pure-merge cases are in tests/engine/config/test_merge_table.py
    with pytest.raises(ConfigError) as info:
        merge_into({'k': {'a': 1}}, {'k': None})
    assert info.value.key == 'k'


@pytest.mark.parametrize('base', BASES)
@pytest.mark.parametrize('wanted', WANTED)
def test_delta_merged_over_base_gives_wanted(base, wanted):
    change = delta(base, wanted)
    merged = {'k': base} if change is NO_CHANGE else merge_into({'k': change}, {'k': base})
    assert same_value(merged['k'], wanted)
