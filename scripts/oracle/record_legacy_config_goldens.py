"""Record MMCV 1.7.2's ``Config`` behaviour for compat.utils.config's tests.

Run with ``.oracle/mmcv/bin/python scripts/oracle/record_legacy_config_goldens.py``. Loads
every config under fixtures/static_configs, fixtures/configs/config_system and
fixtures/legacy_configs_runtime with ``mmcv.Config.fromfile`` and records the dict (or the
error type and message), plus merge_from_dict, dump, fromstring and DictAction cases, into
fixtures/goldens/legacy_config.json. The uuid behind ``{{_base_.x}}`` markers is fixed (all
zeros) and the repo path is written ``<repo>`` so the goldens are stable.
"""
import argparse
import json
import os
import sys
import types
import uuid
import warnings

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
RUNTIME = 'fixtures/legacy_configs_runtime'
TREES = ['fixtures/static_configs', 'fixtures/configs/config_system', RUNTIME]
MERGE_CASES = [
    ('base.py', {'pipeline.0.type': 'LoadImageFromFile', 'model.depth': 101, 'new.key': [1, 2]}),
    ('base.py', {'pipeline.1': {'scale': (640, 480)}, 'lr': 0.5}),
    ('base.py', {'model.norm_cfg': {'_delete_': True, 'type': 'SyncBN'}}),
    ('base.py', {'pipeline.5.type': 'X'}),
    ('base.py', {'lr.x': 1}),
]
MERGE_NO_LIST_KEYS = [('base.py', {'pipeline.0.type': 'X'})]
DICT_ACTION_ARGS = [
    'a=1', 'b=2.5', 'c=true', 'd=False', 'e=None', 'f=text', 'g=1,2,3', 'h=[a, b, c]',
    'i=(1,2)', 'j=[(1,2,3),[a,b],c]', 'k="[1, 2]"', 'l=x=y', 'm=[]', 'n=()', 'o=[[1,2],(3,)]',
    'model.backbone.depth=101', 'p=1e-3', 'q=TRUE',
]
DUMP_CASES = [(f'{RUNTIME}/child.yaml', 'json'), (f'{RUNTIME}/child.yaml', 'yaml'),
              (f'{RUNTIME}/placeholders.py', 'json'), (f'{RUNTIME}/base.json', None)]
FROMSTRING_CASES = [("a = 1\nb = dict(c=(1, 2))\n", '.py'), ('{"a": [1, 2]}', '.json'),
                    ('a: {b: 1}\n', '.yaml'), ('a = 1', '.txt')]


def encode(value):
    """JSON with tuples apart from lists; classes and other objects named, not pickled."""
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


def error(exc):
    return {'type': type(exc).__name__, 'message': str(exc).replace(REPO, '<repo>')}


def config_files():
    for tree in TREES:
        for root, _, files in os.walk(os.path.join(REPO, tree)):
            for name in sorted(files):
                if name.endswith(('.py', '.json', '.yaml', '.yml')) and 'modules' not in root:
                    yield os.path.relpath(os.path.join(root, name), REPO)


def load_case(mmcv, path, **kwargs):
    case = {'kind': 'fromfile', 'path': path, 'kwargs': kwargs}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            cfg = mmcv.Config.fromfile(os.path.join(REPO, path), **kwargs)
            case['result'] = encode(cfg._cfg_dict.to_dict())
            case['text_files'] = [line for line in cfg.text.split('\n')
                                  if line.startswith(REPO)]
            case['text_files'] = [p.replace(REPO, '<repo>') for p in case['text_files']]
        except Exception as exc:  # the error is the golden
            case['error'] = error(exc)
    case['warnings'] = sorted({f'{w.category.__name__}: {w.message}'.replace(REPO, '<repo>')
                               for w in caught if w.category is not ImportWarning})
    return case


def main():
    sys.path.insert(0, os.path.join(REPO, RUNTIME, 'modules'))
    uuid.uuid4 = lambda: uuid.UUID(int=0)
    import mmcv
    cases = [load_case(mmcv, path) for path in config_files()]
    cases.append(load_case(mmcv, f'{RUNTIME}/predefined.py', use_predefined_variables=False))
    cases.append(load_case(mmcv, f'{RUNTIME}/custom_imports_failure.py',
                           import_custom_modules=False))
    cases.append(load_case(mmcv, f'{RUNTIME}/no_such_file.py'))
    cases.append(load_case(mmcv, 'README.md'))
    imported = sys.modules.get('legacy_runtime_custom_mod')
    cases.append({'kind': 'custom_import_ran', 'result': bool(imported and imported.IMPORTED)})
    for table, allow in ((MERGE_CASES, True), (MERGE_NO_LIST_KEYS, False)):
        for name, options in table:
            cfg = mmcv.Config.fromfile(os.path.join(REPO, RUNTIME, name))
            case = {'kind': 'merge_from_dict', 'path': f'{RUNTIME}/{name}',
                    'options': encode(options), 'allow_list_keys': allow}
            try:
                cfg.merge_from_dict(options, allow_list_keys=allow)
                case['result'] = encode(cfg._cfg_dict.to_dict())
            except Exception as exc:
                case['error'] = error(exc)
            cases.append(case)
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=mmcv.DictAction)
    for arg in DICT_ACTION_ARGS:
        case = {'kind': 'dict_action', 'args': [arg]}
        try:
            case['result'] = encode(parser.parse_args(['--cfg-options', arg]).cfg_options)
        except Exception as exc:
            case['error'] = error(exc)
        cases.append(case)
    for path, fmt in DUMP_CASES:
        cfg = mmcv.Config.fromfile(os.path.join(REPO, path))
        cases.append({'kind': 'dump', 'path': path, 'format': fmt,
                      'result': cfg.dump() if fmt is None else mmcv.dump(
                          cfg._cfg_dict.to_dict(), file_format=fmt)})
    for text, fmt in FROMSTRING_CASES:
        case = {'kind': 'fromstring', 'text': text, 'format': fmt}
        try:
            case['result'] = encode(mmcv.Config.fromstring(text, fmt)._cfg_dict.to_dict())
        except Exception as exc:
            case['error'] = error(exc)
        cases.append(case)
    cfg = mmcv.Config(dict(a=1))
    try:
        cfg.missing
    except AttributeError as exc:
        cases.append({'kind': 'missing_attribute', 'error': error(exc)})
    golden = {'about': __doc__.split('\n\n')[0], 'mmcv': mmcv.__version__, 'cases': cases}
    with open(os.path.join(REPO, 'fixtures', 'goldens', 'legacy_config.json'), 'w') as f:
        json.dump(golden, f, indent=1, sort_keys=False)
        f.write('\n')


if __name__ == '__main__':
    main()
