"""Our Config against the real MMEngine 0.10.7, on the trees in
fixtures/configs/config_system (goldens recorded by scripts/oracle/record_config_goldens.py)."""
import json
from pathlib import Path

import pytest

from engine.config import Config, parse_cfg_options

ROOT = Path(__file__).resolve().parents[3]
TREES = ROOT / 'fixtures' / 'configs' / 'config_system'
GOLDEN = json.loads((ROOT / 'fixtures' / 'goldens' / 'config_system.json').read_text())


def decode(value):
    if isinstance(value, dict):
        if set(value) == {'__tuple__'}:
            return tuple(decode(v) for v in value['__tuple__'])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def same(a, b) -> bool:
    """Equality that also requires tuples and lists to match in type."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.fixture(autouse=True)
def _in_trees(monkeypatch):
    # The recorder loads the configs from this directory, so relative results match.
    monkeypatch.chdir(TREES)


@pytest.mark.parametrize('name', sorted(GOLDEN['configs']))
def test_merged_config_equals_mmengine(name):
    ours = Config.fromfile(name).to_dict()
    assert same(ours, decode(GOLDEN['configs'][name])), name


@pytest.mark.parametrize('case', GOLDEN['overrides'], ids=lambda c: c['config'])
def test_cfg_options_equal_mmengine(case):
    options = parse_cfg_options(case['items'])
    assert same(options, decode(case['parsed']))
    cfg = Config.fromfile(case['config'])
    cfg.merge_from_dict(options)
    assert same(cfg.to_dict(), decode(case['merged']))


def test_option_values_equal_mmengine():
    for text, expected in GOLDEN['values'].items():
        assert same(parse_cfg_options([f'k={text}'])['k'], decode(expected)), text
