"""Write fixtures/rule_cases/*/*/expected.py from the current converter.

Only for new cases or deliberate rule changes: review every diff (git diff) before committing,
the expected files are the rules' specification.
    python scripts/write_rule_case_expectations.py [RULE/case ...]
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from migrate.convert.converter import Converter  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'rule_cases')


def main(selected):
    for rule in sorted(os.listdir(ROOT)):
        for case in sorted(os.listdir(os.path.join(ROOT, rule))):
            name = f'{rule}/{case}'
            if selected and name not in selected:
                continue
            case_dir = os.path.join(ROOT, rule, case)
            opts_path = os.path.join(case_dir, 'case.json')
            options = json.load(open(opts_path)) if os.path.exists(opts_path) else {}
            result = Converter(**options).convert(os.path.join(case_dir, 'input.py'))
            if result.error:
                print(f'{name}: ERROR {result.error}')
                continue
            with open(os.path.join(case_dir, 'expected.py'), 'w', encoding='utf-8') as f:
                f.write(result.text_out)
            print(f'{name}: written')


if __name__ == '__main__':
    main(sys.argv[1:])
