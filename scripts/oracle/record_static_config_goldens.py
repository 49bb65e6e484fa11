"""Record what the real MMCV 1.7.2 ``Config.fromfile`` makes of every config under
fixtures/static_configs/, for tests/migrate/static/test_static_parity.py.

Run with the oracle interpreter from the repository root:

    .oracle/mmcv/bin/python scripts/oracle/record_static_config_goldens.py

It writes fixtures/goldens/static_configs.json: per file (path relative to the fixture root),
either ``{"cfg": <cfg._cfg_dict.to_dict() as JSON>}`` or ``{"error": "<exception type>"}``.
:func:`to_jsonable` keeps what JSON would lose: tuples as ``{"__tuple__": [...]}``, sets as
``{"__set__": [...]}`` (sorted by repr), dicts with non-string keys as ``{"__items__": [...]}``;
the absolute fixture directory inside strings becomes ``$FIXTURES``. The parity test applies the
same function (loaded from this file) to the static reader's result. mmcv is imported only in
:func:`main`, so the test can load this file without it.
"""
import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, 'fixtures', 'static_configs')
OUT = os.path.join(ROOT, 'fixtures', 'goldens', 'static_configs.json')


def to_jsonable(value, fixtures_dir=FIXTURES):
    """A JSON-safe form of a config value that still tells tuple, list and set apart."""
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: to_jsonable(v, fixtures_dir) for k, v in value.items()}
        return {'__items__': [[to_jsonable(k, fixtures_dir), to_jsonable(v, fixtures_dir)]
                              for k, v in value.items()]}
    if isinstance(value, tuple):
        return {'__tuple__': [to_jsonable(v, fixtures_dir) for v in value]}
    if isinstance(value, list):
        return [to_jsonable(v, fixtures_dir) for v in value]
    if isinstance(value, (set, frozenset)):
        return {'__set__': sorted((to_jsonable(v, fixtures_dir) for v in value), key=repr)}
    if isinstance(value, str):
        return value.replace(fixtures_dir, '$FIXTURES')
    if isinstance(value, float) and not math.isfinite(value):
        return {'__float__': repr(value)}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return {'__repr__': repr(value)}


def config_files():
    """Every .py file under the fixture root, as sorted relative paths."""
    found = []
    for dirpath, _, names in os.walk(FIXTURES):
        for name in names:
            if name.endswith('.py'):
                found.append(os.path.relpath(os.path.join(dirpath, name), FIXTURES))
    return sorted(found)


def main():
    import warnings

    from mmcv import Config
    warnings.simplefilter('ignore')
    goldens = {}
    for rel in config_files():
        try:
            cfg = Config.fromfile(os.path.join(FIXTURES, rel))
        except Exception as err:  # noqa: BLE001 - the type of failure is the golden
            goldens[rel] = {'error': type(err).__name__}
            continue
        goldens[rel] = {'cfg': to_jsonable(cfg._cfg_dict.to_dict())}
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(goldens, f, indent=1)
        f.write('\n')
    print(f'wrote {len(goldens)} configs to {os.path.relpath(OUT, ROOT)}', file=sys.stderr)


if __name__ == '__main__':
    main()
