"""compat's ``Priority``/``get_priority`` equal MMCV 1.7.2's (goldens:
fixtures/goldens/legacy_hooks.json, scripts/oracle/record_legacy_hook_goldens.py)."""
import json
from pathlib import Path

import pytest

from compat.runner import Priority, get_priority
from engine.errors import HookError

GOLDENS = json.loads((Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' /
                      'legacy_hooks.json').read_text())['priorities']


def test_levels_equal_mmcv():
    assert [(p.name, p.value, get_priority(p)) for p in Priority] == [
        (r['name'], r['value'], r['get_priority']) for r in GOLDENS['levels']]


@pytest.mark.parametrize('row', [r for r in GOLDENS['calls'] if 'value' in r],
                         ids=lambda r: repr(r['input']))
def test_valid_priorities_equal_mmcv(row):
    value = get_priority(row['input'])
    assert type(value) is int and value == row['value']


@pytest.mark.parametrize('row', [r for r in GOLDENS['calls'] if 'error' in r],
                         ids=lambda r: repr(r['input']))
def test_invalid_priorities_are_refused_with_a_fix(row):
    """MMCV raised a bare ValueError/KeyError; compat refuses the same inputs and says why."""
    with pytest.raises(HookError) as info:
        get_priority(row['input'])
    assert info.value.fix
