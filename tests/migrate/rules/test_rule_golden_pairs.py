"""Golden pairs for every rule: fixtures/rule_cases/<RULE>/<case>/{input.py, expected.py}.

Each case is converted with every rule on (target mmengine unless case.json says otherwise)
and must give ``expected.py`` byte for byte; the expected file must be valid Python and
converting it again must change nothing. ``negative_*`` cases expect the input unchanged.
"""
import json
import os

import libcst as cst
import pytest

from migrate.convert.converter import Converter
from migrate.rules import RULES

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'fixtures', 'rule_cases')
CASES = sorted(
    os.path.join(rule, case) for rule in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, rule))
    for case in os.listdir(os.path.join(ROOT, rule)))


def _options(case_dir):
    path = os.path.join(case_dir, 'case.json')
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {}


def _convert(path, **options):
    result = Converter(**options).convert(path)
    assert result.error is None, result.error
    return result


@pytest.mark.parametrize('case', CASES)
def test_golden_pair(case):
    case_dir = os.path.join(ROOT, case)
    options = _options(case_dir)
    result = _convert(os.path.join(case_dir, 'input.py'), **options)
    with open(os.path.join(case_dir, 'expected.py'), encoding='utf-8') as f:
        expected = f.read()
    assert result.text_out == expected
    cst.parse_module(expected)
    compile(expected, 'expected.py', 'exec')
    if os.path.basename(case).startswith('negative'):
        assert result.text_out == result.text_in


@pytest.mark.parametrize('case', CASES)
def test_idempotent(case):
    case_dir = os.path.join(ROOT, case)
    again = _convert(os.path.join(case_dir, 'expected.py'), **_options(case_dir))
    assert again.text_out == again.text_in


def test_every_rule_has_a_case_and_a_negative_or_error_case():
    rules_with_cases = {case.split(os.sep)[0] for case in CASES}
    missing = [r.id for r in RULES if r.id not in rules_with_cases]
    assert not missing, f'rules without golden pairs: {missing}'
