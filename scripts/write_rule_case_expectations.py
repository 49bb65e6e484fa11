"""Write fixtures/rule_cases/*/*/expected.py from the current converter.

Only for new cases or deliberate rule changes: review every diff (git diff) before committing,
the expected files are the rules' specification.
    python scripts/write_rule_case_expectations.py [RULE/case ...]

Each case's report is asserted by the rule's test file (tests/migrate/rules/test_<module>.py,
its ``REPORTS`` table). To print that table's entries from the current converter, for pasting
and reviewing:
    python scripts/write_rule_case_expectations.py --reports RULE [RULE/case ...]
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from migrate.convert.converter import Converter  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'rule_cases')


def _cases(selected):
    for rule in sorted(os.listdir(ROOT)):
        for case in sorted(os.listdir(os.path.join(ROOT, rule))):
            name = f'{rule}/{case}'
            if selected and name not in selected and rule not in selected:
                continue
            case_dir = os.path.join(ROOT, rule, case)
            opts_path = os.path.join(case_dir, 'case.json')
            options = json.load(open(opts_path)) if os.path.exists(opts_path) else {}
            yield name, case, Converter(**options).convert(os.path.join(case_dir, 'input.py'))


def main(selected):
    for name, _, result in _cases(selected):
        if result.error:
            print(f'{name}: ERROR {result.error}')
            continue
        case_dir = os.path.join(ROOT, *name.split('/'))
        with open(os.path.join(case_dir, 'expected.py'), 'w', encoding='utf-8') as f:
            f.write(result.text_out)
        print(f'{name}: written')


def _list(items, indent):
    if not items:
        return '[]'
    one = '[' + ', '.join(repr(i) for i in items) + ']'
    if len(one) + indent < 90:
        return one
    pad = ' ' * (indent + 4)
    return '[\n' + ''.join(f'{pad}{i!r},\n' for i in items) + ' ' * indent + ']'


def _wrapped(text, indent, tail, width=99):
    """``text`` as implicitly concatenated string literals that fit in ``width`` columns."""
    pad = ' ' * indent
    words = re.split(r'(?<= )', text)
    chunks, current = [], ''
    for word in words:
        if current and len(pad) + len(repr(current + word)) > width - 1:
            chunks.append(current)
            current = ''
        current += word
    chunks.append(current)
    lines = [pad + repr(c) for c in chunks]
    if len(lines[-1]) + len(tail) > width:
        lines[-1] += ','
        lines.append(pad + tail.lstrip(', '))
    else:
        lines[-1] += tail
    return '\n'.join(lines)


def report_source(result, indent=4):
    """``REPORTS`` entry for one converted case, as the test files write it."""
    entry = result.as_dict()
    pad = ' ' * indent
    lines = ['report(']
    for arg, key in (('rules', 'rules_applied'), ('written', 'written_keys'),
                     ('removed', 'removed_keys'), ('untouched', 'untouched_keys'),
                     ('errors', 'errors')):
        if entry[key]:
            lines.append(f'{pad}    {arg}={_list(entry[key], indent + 4)},')
    if entry['findings']:
        lines.append(f'{pad}    findings=[')
        for f in entry['findings']:
            args = [repr(f['rule']), repr(f['severity']), repr(f['key'])]
            tail = ''
            if f['kind']:
                tail += f', kind={f["kind"]!r}'
            if 'deviation' in f:
                tail += f', deviation={f["deviation"]!r}'
            lines.append(f'{pad}        finding({", ".join(args)},')
            lines.append(_wrapped(f['message'], indent + 16, tail + '),'))
        lines.append(f'{pad}    ],')
    lines.append(f'{pad})')
    return '\n'.join(lines)


def print_reports(selected):
    print('REPORTS = {')
    for name, case, result in _cases(selected):
        print(f'    {case!r}: {report_source(result)},')
    print('}')


if __name__ == '__main__':
    if sys.argv[1:2] == ['--reports']:
        print_reports(sys.argv[2:])
    else:
        main(sys.argv[1:])
