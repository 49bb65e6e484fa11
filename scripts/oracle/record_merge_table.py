"""Record what the real libraries' ``Config._merge_a_into_b(child, base)`` make of a table of
small cases, for tests/engine/config/test_merge_table.py.

One column per library; run the script once with each oracle interpreter, from the repository
root (each run keeps the other column as it is):

    .oracle/mmcv/bin/python scripts/oracle/record_merge_table.py --lib mmcv
    .oracle/mmengine/bin/python scripts/oracle/record_merge_table.py --lib mmengine

``--check`` compares instead of writing (exit status 1 when a recorded column is stale).

It writes fixtures/goldens/merge_table.json: per case its name, a sentence on what it shows,
``base``, ``child``, ``allow_list_keys``, ``error_key`` (the dotted key path an implementation
of ours must name when the library raises) and ``expected_mmcv``/``expected_mmengine``, each
``{"result": ...}`` or ``{"error": "<exception type>"}``. Tuples are stored as
``{"__tuple__": [...]}`` so that they survive JSON; key order is kept, because merged key order
shows in converted files.

This script must not import our packages: the table is the libraries' word, not ours.
"""
import argparse
import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_golden_io import encode  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'merge_table.json')

D = '_delete_'

# (name, doc, base, child, options); options: allow_list_keys, error_key.
CASES = [
    ('plain_override', 'a scalar in the child replaces the base scalar',
     {'a': 1, 'b': 2}, {'a': 3}, {}),
    ('new_key', 'a key the base lacks is added after the base keys',
     {'a': 1}, {'b': 2}, {}),
    ('key_order', 'base keys keep their order; new child keys follow in child order',
     {'a': 1, 'b': 2, 'c': 3}, {'d': 4, 'b': 5, 'e': 6}, {}),
    ('empty_child', 'an empty child leaves the base as it is',
     {'a': {'x': 1}, 'b': [1]}, {}, {}),
    ('nested_merge', 'a dict in the child merges key by key into the base dict',
     {'o': {'type': 'SGD', 'lr': 0.1, 'momentum': 0.9}}, {'o': {'lr': 0.2, 'wd': 1e-4}}, {}),
    ('deep_nested_merge', 'merging goes down any number of levels',
     {'m': {'b': {'c': {'x': 1, 'y': 2}, 'd': 1}, 'e': 1}},
     {'m': {'b': {'c': {'y': 3, 'z': 4}}}}, {}),
    ('empty_dict_child_value', 'an empty dict over a dict changes nothing',
     {'a': {'x': 1}}, {'a': {}}, {}),
    ('empty_dict_new_key', 'an empty dict on a new key is added',
     {'a': 1}, {'b': {}}, {}),
    ('delete_replaces', '_delete_=True replaces the base dict and is consumed',
     {'o': {'type': 'SGD', 'momentum': 0.9}}, {'o': {D: True, 'type': 'AdamW', 'lr': 0.1}}, {}),
    ('delete_only', '_delete_=True alone empties the value',
     {'o': {'x': 1}}, {'o': {D: True}}, {}),
    ('delete_truthy_non_bool', 'any true value of _delete_ replaces',
     {'o': {'x': 1}}, {'o': {D: 1, 'y': 2}}, {}),
    ('delete_on_missing_key', '_delete_ on a key the base lacks is not consumed: it stays',
     {'a': 1}, {'n': {D: True, 'k': 1}}, {}),
    ('delete_false_merges', '_delete_=False merges as usual and is consumed',
     {'o': {'x': 1}}, {'o': {D: False, 'k': 1}}, {}),
    ('delete_false_nested_merges', '_delete_=False one level down is consumed as well',
     {'m': {'o': {'x': 1}, 'y': 1}}, {'m': {'o': {D: False, 'k': 1}}}, {}),
    ('delete_false_on_missing_key', '_delete_=False on a key the base lacks stays too',
     {}, {'n': {D: False, 'k': 1}}, {}),
    ('delete_at_depth_2', '_delete_ two levels down replaces only that dict',
     {'m': {'b': {'x': 1, 'y': 2}, 'c': 1}}, {'m': {'b': {D: True, 'z': 3}}}, {}),
    ('delete_on_missing_key_at_depth_2', '_delete_ on a key missing two levels down stays',
     {'m': {'c': 1}}, {'m': {'b': {D: True, 'z': 3}}}, {}),
    ('delete_inside_replacing_dict', 'a replacing dict is taken as written below its top',
     {'m': {'b': {'x': 1}}}, {'m': {D: True, 'b': {D: True, 'y': 2}}}, {}),
    ('delete_inside_list_item', 'a list replaces whole; _delete_ in its items is left alone',
     {'p': [{'t': 1, 'x': 1}]}, {'p': [{D: True, 't': 2}]}, {}),
    ('top_level_delete', 'a top-level _delete_ is an ordinary key: the base is kept',
     {'a': 1}, {D: True, 'x': 1}, {}),
    ('new_dict_keeps_sequence_types', 'a dict taken whole keeps its tuples and lists',
     {'a': 1}, {'n': {'t': (1, {'x': 1}), 'l': [{'y': (2,)}]}}, {}),
    ('replacing_dict_keeps_sequence_types', 'so does a _delete_ replacement',
     {'n': {'z': 1}}, {'n': {D: True, 't': ((1, 2), [3])}}, {}),
    ('dict_over_scalar', 'a dict over a non-dict cannot be merged',
     {'m': {'b': 3}}, {'m': {'b': {'x': 1}}}, {'error_key': 'm.b'}),
    ('dict_over_none', 'None is a non-dict as well',
     {'a': None}, {'a': {'x': 1}}, {'error_key': 'a'}),
    ('dict_over_list', 'without list keys a dict over a list cannot be merged',
     {'p': [1, 2]}, {'p': {'0': 5}}, {'error_key': 'p'}),
    ('dict_over_scalar_with_delete', '_delete_ lets a dict replace a non-dict',
     {'m': {'b': 3}}, {'m': {'b': {D: True, 'x': 1}}}, {}),
    ('dict_over_none_with_delete', '_delete_ lets a dict replace None',
     {'a': None}, {'a': {D: True, 'x': 1}}, {}),
    ('non_dict_over_dict', 'a non-dict replaces a dict without _delete_',
     {'a': {'x': 1}, 'b': {'y': 1}}, {'a': 1, 'b': 'text'}, {}),
    ('none_over_dict', 'None replaces a dict',
     {'a': {'x': 1}}, {'a': None}, {}),
    ('none_over_scalar', 'None replaces a scalar',
     {'a': 1}, {'a': None}, {}),
    ('list_replaced_whole', 'lists are not merged: the child list replaces',
     {'a': [1, 2, 3]}, {'a': [4]}, {}),
    ('list_of_dicts_replaced_whole', 'dicts inside a list are not merged either',
     {'p': [{'t': 1, 'x': 1}, {'t': 2}]}, {'p': [{'t': 3}]}, {}),
    ('tuple_over_list', 'a tuple over a list replaces it and stays a tuple',
     {'a': [1, 2]}, {'a': (3, 4)}, {}),
    ('list_over_tuple', 'a list over a tuple replaces it and stays a list',
     {'a': (1, 2)}, {'a': [3, 4]}, {}),
    ('dict_over_tuple', 'a tuple is a non-dict',
     {'a': (1, 2)}, {'a': {'x': 1}}, {'error_key': 'a'}),
    ('list_keys_merge', 'with list keys (--cfg-options) a digit key merges into that item',
     {'p': [{'t': 1}, {'t': 2}]}, {'p': {'1': {'t': 5}}}, {'allow_list_keys': True}),
    ('list_keys_nested', 'list keys go on below an indexed item',
     {'p': [{'t': 1, 'q': [{'a': 1}, {'a': 2}]}]}, {'p': {'0': {'q': {'1': {'a': 9}}}}},
     {'allow_list_keys': True}),
    ('list_keys_delete_in_item', '_delete_ right below a list index is merged like any key',
     {'p': [{'t': 1}]}, {'p': {'0': {D: True, 'x': 1}}}, {'allow_list_keys': True}),
    ('list_keys_out_of_range', 'an index past the end of the list is an error',
     {'p': [{'t': 1}, {'t': 2}]}, {'p': {'2': {'t': 5}}},
     {'allow_list_keys': True, 'error_key': 'p.2'}),
    ('list_keys_scalar_item', 'a plain value at a list index',
     {'p': [1, 2]}, {'p': {'0': 5}}, {'allow_list_keys': True, 'error_key': 'p.0'}),
    ('list_keys_on_dict', 'with list keys a digit key on a dict is an ordinary key',
     {'d': {'a': 1}}, {'d': {'0': 2}}, {'allow_list_keys': True}),
]


def load_config_class(lib):
    if lib == 'mmcv':
        import mmcv
        from mmcv.utils import Config
        return Config, mmcv.__version__
    import mmengine
    from mmengine.config import Config
    return Config, mmengine.__version__


def run_case(config_cls, base, child, options):
    # deep copies: the libraries pop _delete_ out of the child they are given
    try:
        merged = config_cls._merge_a_into_b(copy.deepcopy(child), copy.deepcopy(base),
                                            allow_list_keys=options.get('allow_list_keys', False))
    except Exception as e:  # noqa: BLE001 - the exception type is what gets recorded
        return {'error': type(e).__name__}
    return {'result': encode(merged)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--lib', choices=('mmcv', 'mmengine'), required=True)
    parser.add_argument('--check', action='store_true', help='compare, do not write')
    args = parser.parse_args()
    config_cls, version = load_config_class(args.lib)
    column = f'expected_{args.lib}'

    old = {}
    if os.path.exists(OUT):
        with open(OUT) as f:
            old = json.load(f)
    old_cases = {c['name']: c for c in old.get('cases', [])}
    other = 'expected_mmengine' if args.lib == 'mmcv' else 'expected_mmcv'

    cases = []
    for name, doc, base, child, options in CASES:
        case = {'name': name, 'doc': doc, 'base': encode(base), 'child': encode(child),
                'allow_list_keys': options.get('allow_list_keys', False),
                'error_key': options.get('error_key')}
        got = run_case(config_cls, base, child, options)
        if 'error' in got and not case['error_key']:
            sys.exit(f'{name}: {args.lib} raises {got["error"]}; give the case an error_key')
        case['expected_mmcv'] = old_cases.get(name, {}).get('expected_mmcv')
        case['expected_mmengine'] = old_cases.get(name, {}).get('expected_mmengine')
        case[column] = got
        cases.append(case)

    versions = dict(old.get('versions', {}))
    versions[args.lib] = version
    table = {
        'about': 'Config._merge_a_into_b(child, base) of MMCV and MMEngine, recorded by '
                 'scripts/oracle/record_merge_table.py; checked by '
                 'tests/engine/config/test_merge_table.py',
        'versions': dict(sorted(versions.items())),
        'cases': cases,
    }
    if args.check:
        stale = [c['name'] for c in cases
                 if c[column] != old_cases.get(c['name'], {}).get(column)]
        print(f'{len(cases)} cases, {len(stale)} differ' + (f': {stale}' if stale else ''))
        sys.exit(1 if stale else 0)
    with open(OUT, 'w') as f:
        json.dump(table, f, indent=1)
        f.write('\n')
    missing = [c['name'] for c in cases if c[other] is None]
    print(f'wrote {len(cases)} cases ({column}) to {os.path.relpath(OUT, ROOT)}'
          + (f'; {other} still to record for {len(missing)}' if missing else ''))


if __name__ == '__main__':
    main()
