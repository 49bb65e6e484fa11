"""merge_into (MMEngine's child-over-base merge) and delta (its inverse)."""
import pytest

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


def test_new_key_keeps_delete_flag_like_mmengine():
    assert merge_into({'k': {'_delete_': True, 'a': 1}}, {}) == {'k': {'_delete_': True, 'a': 1}}
    assert merge_into({'k': {'_delete_': True, 'a': 1}}, {'k': {'b': 2}}) == {'k': {'a': 1}}


@pytest.mark.parametrize('base', BASES)
@pytest.mark.parametrize('wanted', WANTED)
def test_delta_merged_over_base_gives_wanted(base, wanted):
    change = delta(base, wanted)
    merged = {'k': base} if change is NO_CHANGE else merge_into({'k': change}, {'k': base})
    assert same_value(merged['k'], wanted)
