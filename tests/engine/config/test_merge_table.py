"""Every config merge of ours against the merge table recorded from the real libraries.

fixtures/goldens/merge_table.json (scripts/oracle/record_merge_table.py) holds, per case, what
MMCV 1.7.2's and MMEngine 0.10.7's ``Config._merge_a_into_b(child, base)`` return or raise.
Each implementation is held to the column of the library it claims to follow:

- ``engine``: engine.config.merge.merge_into (MMEngine, list keys too);
- ``convert``: migrate.convert.merge.merge_into (MMEngine, no list keys), both copy policies;
- ``static``: migrate.static.merge.merge_into_base (MMCV, no list keys).

Where the library raises, ours must raise its own error type naming the case's ``error_key``.
A case an implementation does not follow is listed in DIFFERENCES with the reason and what it
does instead; keep that list short.
"""
import copy
import json
import os
import subprocess
import sys

import pytest

from engine.config.config_dict import ConfigDict
from engine.config.merge import merge_into as engine_merge
from engine.errors import ConfigError
from migrate.convert.merge import merge_into as convert_merge
from migrate.static.errors import StaticConfigError
from migrate.static.merge import merge_into_base

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
with open(os.path.join(ROOT, 'fixtures', 'goldens', 'merge_table.json')) as f:
    TABLE = json.load(f)
CASES = {case['name']: case for case in TABLE['cases']}


def decode(value):
    if isinstance(value, dict):
        if list(value) == ['__tuple__']:
            return tuple(decode(v) for v in value['__tuple__'])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def encode(value):
    """As the recorder stores values: order kept, tuples marked, dict subclasses plain."""
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return {'__tuple__': [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


def _engine(child, base, list_keys):
    return engine_merge(child, ConfigDict(base), allow_list_keys=list_keys, file='child.py')


def _convert_copying(child, base, list_keys):
    return convert_merge(child, base)


def _convert_sharing(child, base, list_keys):
    return convert_merge(child, base, share_base=True)


def _static(child, base, list_keys):
    return merge_into_base(child, base, 'child.py')


# name: (merge, column, error type, follows list-key cases)
IMPLEMENTATIONS = {
    'engine': (_engine, 'expected_mmengine', ConfigError, True),
    'convert': (_convert_copying, 'expected_mmengine', ConfigError, False),
    'convert_sharing': (_convert_sharing, 'expected_mmengine', ConfigError, False),
    'static': (_static, 'expected_mmcv', StaticConfigError, False),
}

# (implementation, case): (why, what it does instead). Deliberate, each one.
DIFFERENCES = {
    ('engine', 'list_keys_scalar_item'): (
        'MMEngine crashes (AttributeError: int has no items) on `--cfg-options p.0=5`; '
        'replacing the list item is what the option asks for',
        {'result': {'p': [5, 2]}}),
}


def _params():
    for impl, (_, _, _, list_keys) in IMPLEMENTATIONS.items():
        for name, case in CASES.items():
            if case['allow_list_keys'] and not list_keys:
                continue   # list keys are --cfg-options only: not these merges' semantics
            yield pytest.param(impl, name, id=f'{impl}-{name}')


def test_the_table_covers_both_libraries_and_the_named_differences_exist():
    assert TABLE['versions'] == {'mmcv': '1.7.2', 'mmengine': '0.10.7'}
    assert len(CASES) == len(TABLE['cases']) >= 20
    for case in CASES.values():
        assert case['expected_mmcv'] and case['expected_mmengine'], case['name']
    for impl, name in DIFFERENCES:
        assert impl in IMPLEMENTATIONS and name in CASES


def test_mmcv_and_mmengine_merge_alike():
    # Config._merge_a_into_b is the same code in MMCV 1.7.2 and MMEngine 0.10.7, so no case
    # tells them apart; the libraries differ only around the merge (how bases are read and
    # combined), outside this table. A re-record that finds a difference fails here, so that
    # it becomes a case of its own with each implementation checked against its column.
    assert [n for n, c in CASES.items() if c['expected_mmcv'] != c['expected_mmengine']] == []


@pytest.mark.parametrize('impl, name', list(_params()))
def test_merge_case(impl, name):
    merge, column, error_type, _ = IMPLEMENTATIONS[impl]
    case = CASES[name]
    expected = case[column]
    if (impl, name) in DIFFERENCES:
        expected = DIFFERENCES[impl, name][1]
    base, child = decode(case['base']), decode(case['child'])
    base_before, child_before = copy.deepcopy(base), copy.deepcopy(child)
    if 'error' in expected:
        with pytest.raises(error_type) as info:
            merge(child, base, case['allow_list_keys'])
        assert info.value.key == case['error_key']
    else:
        merged = merge(child, base, case['allow_list_keys'])
        assert json.dumps(encode(merged)) == json.dumps(expected['result'])
    assert encode(base) == encode(base_before) and encode(child) == encode(child_before)


def test_results_of_copying_merges_share_nothing_with_their_inputs():
    base = {'a': {'x': [1]}, 'b': [2], 'c': {'y': 1}}
    child = {'c': {'z': [3]}, 'd': [4], 'e': {'_delete_': True, 'w': [5]}}
    merged = convert_merge(child, base)
    merged['a']['x'].append(0)
    merged['b'].append(0)
    merged['c']['z'].append(0)
    merged['d'].append(0)
    merged['e']['w'].append(0)
    assert base == {'a': {'x': [1]}, 'b': [2], 'c': {'y': 1}}
    assert child == {'c': {'z': [3]}, 'd': [4], 'e': {'_delete_': True, 'w': [5]}}
    shared = convert_merge(child, base, share_base=True)
    assert shared['a'] is base['a'] and shared['d'] is not child['d']


def test_the_merges_outside_the_engine_import_without_torch():
    code = ("import sys; sys.modules['torch'] = None; "
            "import engine.merge_keys, migrate.static.merge, migrate.convert.merge; print('ok')")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == 'ok'
