"""compat.utils.Config/ConfigDict/DictAction replay the goldens recorded from MMCV 1.7.2
(scripts/oracle/record_legacy_config_goldens.py)."""
import argparse
import json
import os
import sys
import uuid
import warnings

import pytest
import yaml

from compat.utils import Config, ConfigDict, DictAction
from compat.utils import config_loading

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GOLDEN = json.load(open(os.path.join(REPO, 'fixtures', 'goldens', 'legacy_config.json')))
CASES = GOLDEN['cases']
MODULES = os.path.join(REPO, 'fixtures', 'legacy_configs_runtime', 'modules')


def encode(value):
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return {'__tuple__': [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, str):
        return value.replace(REPO, '<repo>')
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, type):
        return {'__type__': value.__qualname__}
    return {'__repr__': repr(value)}


def decode(value):
    if isinstance(value, dict):
        if set(value) == {'__tuple__'}:
            return tuple(decode(v) for v in value['__tuple__'])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def error(exc):
    return {'type': type(exc).__name__, 'message': str(exc).replace(REPO, '<repo>')}


@pytest.fixture(autouse=True)
def fixed_uuid_and_modules(monkeypatch):
    monkeypatch.setattr(config_loading.uuid, 'uuid4', lambda: uuid.UUID(int=0))
    monkeypatch.syspath_prepend(MODULES)


def of_kind(kind):
    return [c for c in CASES if c['kind'] == kind]


def test_golden_covers_every_tree():
    paths = {c['path'] for c in of_kind('fromfile')}
    assert len(paths) >= 50
    assert any(p.startswith('fixtures/configs/config_system') for p in paths)


@pytest.mark.parametrize('case', of_kind('fromfile'),
                         ids=lambda c: f"{c['path']}-{c['kwargs']}")
def test_fromfile_equals_mmcv(case):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            cfg = Config.fromfile(os.path.join(REPO, case['path']), **case['kwargs'])
        except Exception as exc:
            assert 'error' in case, f'MMCV loaded it, we raised {exc!r}'
            if case['error']['message'] == '':
                # MMCV re-raises a failed custom import as a bare ImportError; ours (from
                # compat.utils.import_modules_from_strings) keeps the type and names the module.
                assert type(exc).__name__ == case['error']['type'] and 'no_such' in str(exc)
            else:
                assert error(exc) == case['error']
        else:
            assert 'error' not in case, f"MMCV raised {case['error']}"
            assert encode(cfg._cfg_dict.to_dict()) == case['result']
            files = [line.replace(REPO, '<repo>') for line in cfg.text.split('\n')
                     if line.startswith(REPO)]
            assert files == case['text_files']
    got = sorted({f'{w.category.__name__}: {w.message}'.replace(REPO, '<repo>')
                  for w in caught if w.category is not ImportWarning})
    assert got == case['warnings']


def test_custom_imports_are_imported():
    sys.modules.pop('legacy_runtime_custom_mod', None)
    Config.fromfile(os.path.join(REPO, 'fixtures/legacy_configs_runtime/custom_imports.py'))
    assert sys.modules['legacy_runtime_custom_mod'].IMPORTED
    assert of_kind('custom_import_ran')[0]['result'] is True


@pytest.mark.parametrize('case', of_kind('merge_from_dict'), ids=lambda c: str(c['options']))
def test_merge_from_dict_equals_mmcv(case):
    cfg = Config.fromfile(os.path.join(REPO, case['path']))
    try:
        cfg.merge_from_dict(decode(case['options']), allow_list_keys=case['allow_list_keys'])
    except Exception as exc:
        assert error(exc) == case['error']
    else:
        assert encode(cfg._cfg_dict.to_dict()) == case['result']


@pytest.mark.parametrize('case', of_kind('dict_action'), ids=lambda c: c['args'][0])
def test_dict_action_equals_mmcv(case):
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    assert encode(parser.parse_args(['--cfg-options'] + case['args']).cfg_options) == \
        case['result']


@pytest.mark.parametrize('case', of_kind('dump'), ids=lambda c: f"{c['path']}-{c['format']}")
def test_dump_equals_mmcv(case, tmp_path):
    cfg = Config.fromfile(os.path.join(REPO, case['path']))
    if case['format'] is None:
        assert cfg.dump() == case['result']
        return
    target = tmp_path / f"out.{case['format']}"
    cfg.dump(str(target))
    assert target.read_text() == case['result']


@pytest.mark.parametrize('case', of_kind('fromstring'), ids=lambda c: c['format'])
def test_fromstring_equals_mmcv(case):
    try:
        cfg = Config.fromstring(case['text'], case['format'])
    except Exception as exc:
        assert error(exc) == case['error']
    else:
        assert encode(cfg._cfg_dict.to_dict()) == case['result']


def test_missing_attribute_message_is_mmcvs():
    with pytest.raises(AttributeError) as info:
        Config(dict(a=1)).missing
    assert error(info.value) == of_kind('missing_attribute')[0]['error']


def test_config_dict_wraps_nested_dicts_and_merges_on_update():
    cfg = ConfigDict(a=[dict(b=1)], c=(dict(d=2),))
    assert isinstance(cfg.a[0], ConfigDict) and isinstance(cfg.c[0], ConfigDict)
    cfg.update(dict(a=1, e=dict(f=1)))
    cfg.update(dict(e=dict(g=2)))
    assert cfg.to_dict() == {'a': 1, 'c': ({'d': 2},), 'e': {'f': 1, 'g': 2}}
    with pytest.raises(KeyError):
        cfg['missing']


def test_merge_a_into_b_agrees_with_the_mmengine_merge_table():
    table = json.load(open(os.path.join(REPO, 'fixtures', 'goldens', 'merge_table.json')))
    checked = 0
    for case in table['cases']:
        expected = case['expected_mmcv']
        if 'result' not in expected or not isinstance(case['base'], dict):
            continue
        merged = config_loading.merge_a_into_b(decode(case['child']), decode(case['base']),
                                               allow_list_keys=case['allow_list_keys'])
        assert encode(ConfigDict(merged).to_dict()) == expected['result'], case['name']
        checked += 1
    assert checked >= 5


def test_pretty_text_without_yapf_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, 'yapf', None)
    with pytest.raises(ImportError, match='pip install yapf'):
        Config(dict(a=1)).pretty_text


def test_deepcopy_and_setattr_keep_config_dicts():
    import copy
    cfg = Config(dict(a=dict(b=1)))
    cfg.c = dict(d=2)
    other = copy.deepcopy(cfg)
    other.a.b = 5
    assert cfg.a.b == 1 and isinstance(cfg.c, ConfigDict) and len(cfg) == 2
    with pytest.raises(KeyError, match='reserved'):
        Config(dict(filename=1))
