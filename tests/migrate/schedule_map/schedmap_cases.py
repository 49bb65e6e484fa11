"""Legacy set-ups beyond legacy_schedules.json, for the mapping tests: hand-picked edge cases
and (``grid_*``) set-ups of the coverage grid that give forms the older goldens lacked.

One list, in fixtures/goldens/schedmap_cases.json, read both here and by the MMCV recorder
(scripts/oracle/record_schedmap_case_goldens.py), whose output GOLDENS holds each set-up's
per-iteration values from the real MMCV 1.7.2."""
from __future__ import annotations

import ast
import json

from schedmap_support import ROOT

CASES_FILE = ROOT / 'fixtures' / 'goldens' / 'schedmap_cases.json'
GOLDENS_FILE = ROOT / 'fixtures' / 'goldens' / 'schedmap_case_goldens.json'

RAW_CASES = json.loads(CASES_FILE.read_text())['cases']
#: name -> config (a dict; tuples stay tuples, as MMCV's checks need), epoch_len, num_groups
CASES = {name: dict(config=ast.literal_eval(c['config']), epoch_len=c['epoch_len'],
                    num_groups=c['num_groups']) for name, c in RAW_CASES.items()}
GOLDENS = json.loads(GOLDENS_FILE.read_text())['setups']

#: name -> why: cases whose mapping claims exactness but does not equal MMCV (bugs in the
#: mapper, kept as strict xfails until fixed; they count for no form's coverage)
KNOWN_MISMATCHES = {}
