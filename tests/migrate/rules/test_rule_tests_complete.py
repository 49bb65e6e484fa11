"""Every rule is tested the same way: its own ``test_<rule module>.py`` with at least two golden
pairs (``fixtures/rule_cases/<id>/``), a report asserted for every golden case, and at least
three inputs it must leave alone (see ``_rule_cases.py``)."""
import importlib.util
import os

import pytest

from _rule_cases import CASES_ROOT, golden_cases, negative_cases, positive_cases
from migrate.rules import RULES, RULES_BY_ID

HERE = os.path.dirname(os.path.abspath(__file__))
MIN_POSITIVE = 2
MIN_NOOP = 3


def _module_name(rule):
    return type(rule).__module__.rsplit('.', 1)[1]


def _test_module(rule):
    path = os.path.join(HERE, f'test_{_module_name(rule)}.py')
    assert os.path.exists(path), f'{rule.id} ({rule.name}) has no test file: create {path}'
    spec = importlib.util.spec_from_file_location(f'_meta_test_{_module_name(rule)}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('rule', RULES, ids=lambda r: r.id)
def test_rule_has_its_test_file(rule):
    module = _test_module(rule)
    assert module.RULE == rule.id
    for name in ('test_golden_pair', 'test_idempotent', 'test_report', 'test_noop'):
        assert callable(getattr(module, name, None)), f'{rule.id}: {name} missing'


@pytest.mark.parametrize('rule', RULES, ids=lambda r: r.id)
def test_rule_has_enough_golden_pairs(rule):
    positive = positive_cases(rule.id)
    assert len(positive) >= MIN_POSITIVE, (
        f'{rule.id}: {len(positive)} golden pair(s) in fixtures/rule_cases/{rule.id}/, '
        f'need {MIN_POSITIVE}')


@pytest.mark.parametrize('rule', RULES, ids=lambda r: r.id)
def test_rule_has_enough_noop_cases(rule):
    count = len(_test_module(rule).NOOPS) + len(negative_cases(rule.id))
    assert count >= MIN_NOOP, f'{rule.id}: {count} no-op case(s), need {MIN_NOOP}'


@pytest.mark.parametrize('rule', RULES, ids=lambda r: r.id)
def test_every_golden_case_has_its_report_asserted(rule):
    reports = _test_module(rule).REPORTS
    cases = golden_cases(rule.id)
    missing = [c for c in cases if c not in reports]
    stale = [c for c in reports if c not in cases]
    assert not missing, f'{rule.id}: golden cases without an expected report: {missing}'
    assert not stale, f'{rule.id}: REPORTS names cases that do not exist: {stale}'
    for case in positive_cases(rule.id):
        assert reports[case]['rules_applied'], f'{rule.id}/{case}: no rule applied?'
        assert rule.id in reports[case]['rules_applied'], (
            f'{rule.id}/{case}: the report does not list {rule.id} as applied')


def test_every_case_folder_belongs_to_a_rule():
    unknown = [d for d in os.listdir(CASES_ROOT) if d not in RULES_BY_ID]
    assert not unknown, f'fixtures/rule_cases/ folders without a rule: {unknown}'
    for rule in RULES:
        for case in golden_cases(rule.id):
            folder = os.path.join(CASES_ROOT, rule.id, case)
            for name in ('input.py', 'expected.py'):
                assert os.path.exists(os.path.join(folder, name)), f'{folder}: {name} missing'
