"""docs/rules.md is generated from the rules and their golden pairs: it must not drift."""
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def test_rules_doc_is_up_to_date():
    done = subprocess.run([sys.executable, os.path.join('scripts', 'write_rules_doc.py'),
                           '--check'], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (
        'docs/rules.md is out of date: run `python scripts/write_rules_doc.py` and commit it\n'
        + done.stdout + done.stderr)
