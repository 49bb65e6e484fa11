"""Shared by the per-rule tests (``test_<rule module>.py``), in the style of pyupgrade's fixer
tests: each rule's test file holds

* ``RULE``: the rule id;
* ``REPORTS``: for every golden case in ``fixtures/rule_cases/<RULE>/<case>/`` (``input.py``,
  ``expected.py``, optional ``case.json`` with converter options), what ``migrate convert``
  reports for that file, built with :func:`report` and :func:`finding`;
* ``NOOPS``: inputs the converter must leave byte-identical while reporting nothing, as
  ``pytest.param(source, id=...)``; a source is one file's text or a small tree
  (``{relative path: text}``) whose ``config.py`` is the file checked.

Golden pairs stay data (``fixtures/rule_cases/``: docs/rules.md is generated from them); their
reports and the no-op inputs live in the test files. Every case is converted through the CLI's
own entry point, :func:`migrate.convert.driver.run_convert` in ``--check`` mode (nothing
written), with every rule on, as ``migrate convert`` runs by default.
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Sequence, Union

import libcst as cst
import pytest

from migrate.convert.driver import ConvertOptions, run_convert

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
CASES_ROOT = os.path.join(ROOT, 'fixtures', 'rule_cases')
NEGATIVE_PREFIX = 'negative'

Source = Union[str, Dict[str, str]]


# -- the golden cases -------------------------------------------------------------------------
def golden_cases(rule_id: str) -> List[str]:
    """The case folders of ``rule_id`` (positive and ``negative_*``), sorted."""
    folder = os.path.join(CASES_ROOT, rule_id)
    if not os.path.isdir(folder):
        return []
    return sorted(c for c in os.listdir(folder) if os.path.isdir(os.path.join(folder, c)))


def positive_cases(rule_id: str) -> List[str]:
    return [c for c in golden_cases(rule_id) if not c.startswith(NEGATIVE_PREFIX)]


def negative_cases(rule_id: str) -> List[str]:
    return [c for c in golden_cases(rule_id) if c.startswith(NEGATIVE_PREFIX)]


def case_options(rule_id: str, case: str) -> Dict[str, Any]:
    path = os.path.join(CASES_ROOT, rule_id, case, 'case.json')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    return {}


def _read(path: str) -> str:
    with open(path, encoding='utf-8') as f:
        return f.read()


def convert_file(path: str, **options: Any) -> Dict[str, Any]:
    """Convert one file as ``migrate convert --check [--target/--epoch-len] PATH`` does; its
    text out and its entry of the JSON report (without the file name)."""
    run = run_convert(path, ConvertOptions(check=True, progress=False, **options),
                      echo=lambda s: None)
    result = run.results[0]
    # through JSON, as ``--report`` writes it
    entry = json.loads(json.dumps(run.report(ConvertOptions(**options))['files'][0]))
    entry.pop('file')
    return {'text_in': result.text_in, 'text_out': result.text_out, 'report': entry}


def convert_case(rule_id: str, case: str) -> Dict[str, Any]:
    return convert_file(os.path.join(CASES_ROOT, rule_id, case, 'input.py'),
                        **case_options(rule_id, case))


def assert_golden_pair(rule_id: str, case: str) -> None:
    """``input.py`` converts to ``expected.py`` byte for byte; ``expected.py`` is valid Python;
    a ``negative_*`` case is left as it is."""
    case_dir = os.path.join(CASES_ROOT, rule_id, case)
    out = convert_case(rule_id, case)
    assert out['report']['errors'] == []
    expected = _read(os.path.join(case_dir, 'expected.py'))
    assert out['text_out'] == expected
    cst.parse_module(expected)
    compile(expected, 'expected.py', 'exec')
    if case.startswith(NEGATIVE_PREFIX):
        assert out['text_out'] == out['text_in']


def assert_idempotent(rule_id: str, case: str) -> None:
    """Converting ``expected.py`` again changes nothing and reports nothing."""
    out = convert_file(os.path.join(CASES_ROOT, rule_id, case, 'expected.py'),
                       **case_options(rule_id, case))
    assert out['text_out'] == out['text_in']
    assert _reported(out['report']) == _reported(report())


class KnownBug(dict):
    """An expected report the converter does not give yet (a bug): its case is a strict
    xfail, so the test starts failing, as a reminder, once the bug is fixed."""

    def __init__(self, expected: Dict[str, Any], reason: str):
        super().__init__(expected)
        self.reason = reason


def known_bug(expected: Dict[str, Any], reason: str) -> KnownBug:
    return KnownBug(expected, reason)


def report_cases(rule_id: str, reports: Dict[str, Dict[str, Any]]) -> List[Any]:
    """The golden cases as parameters of a report test; those whose expected report is a
    :func:`known_bug` are strict xfails."""
    out = []
    for case in golden_cases(rule_id):
        expected = reports.get(case)
        marks = [pytest.mark.xfail(strict=True, reason=expected.reason)] \
            if isinstance(expected, KnownBug) else []
        out.append(pytest.param(case, id=case, marks=marks))
    return out


def assert_report(rule_id: str, case: str, reports: Dict[str, Dict[str, Any]]) -> None:
    """The report entry of the case is exactly ``reports[case]``."""
    assert case in reports, f'{rule_id}/{case}: no expected report in REPORTS'
    assert convert_case(rule_id, case)['report'] == dict(reports[case])


# -- expected reports -------------------------------------------------------------------------
def finding(rule: str, severity: str, key: str, message: str, *, kind: str = '',
            deviation: Optional[float] = None) -> Dict[str, Any]:
    """One report finding (``Finding.as_dict``); a deviation is compared to 1e-9 relative."""
    out = {'rule': rule, 'severity': severity, 'key': key, 'kind': kind, 'message': message}
    if deviation is not None:
        out['deviation'] = pytest.approx(deviation, rel=1e-9, abs=1e-15)
    return out


def report(*, rules: Sequence[str] = (), written: Sequence[str] = (),
           removed: Sequence[str] = (), findings: Sequence[Dict[str, Any]] = (),
           untouched: Sequence[str] = (), errors: Sequence[str] = ()) -> Dict[str, Any]:
    """A file's report entry (``FileResult.as_dict`` minus ``file``); ``changed`` follows from
    the keys written or removed, ``approximations`` from the findings."""
    return {
        'changed': bool(written or removed),
        'rules_applied': list(rules),
        'written_keys': list(written),
        'removed_keys': list(removed),
        'approximations': [f for f in findings if f['severity'] == 'approximation'],
        'findings': list(findings),
        'untouched_keys': list(untouched),
        'errors': list(errors),
    }


def _reported(entry: Dict[str, Any]) -> Dict[str, Any]:
    """What a report entry *says* (its untouched keys just list the file's other keys)."""
    return {k: v for k, v in entry.items() if k != 'untouched_keys'}


# -- no-op inputs -----------------------------------------------------------------------------
def assert_noop(source: Source, tmp_path: Any) -> None:
    """The converter leaves ``config.py`` byte-identical and its report says nothing."""
    files = {'config.py': source} if isinstance(source, str) else dict(source)
    assert 'config.py' in files, 'a no-op tree needs the config.py it checks'
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding='utf-8')
    if isinstance(source, str):
        out = convert_file(str(tmp_path / 'config.py'))
    else:
        run = run_convert(str(tmp_path), ConvertOptions(check=True, progress=False),
                          echo=lambda s: None)
        entries = {e['file']: e for e in json.loads(json.dumps(
            run.report(ConvertOptions())))['files']}
        result = next(r for r in run.results if r.path == str(tmp_path / 'config.py'))
        entry = dict(entries['config.py'])
        entry.pop('file')
        out = {'text_in': result.text_in, 'text_out': result.text_out, 'report': entry}
    assert out['text_in'] == files['config.py']
    assert out['text_out'] == files['config.py']
    assert _reported(out['report']) == _reported(report())
